// results/ID.json: the outcome of one finished cell, written atomically after its checkpoint;
// its presence is what "done" means. errors/ID.json is the record of a failed attempt.

import AegisSSL
import Foundation

/// A finished cell.
public struct PlanResult: Codable, Sendable {
  public var id: String
  public var kind: PlanCellKind
  /// The table row (fine-tuning and model-ensemble cells).
  public var cell: GridCell?
  /// Wall time of the whole cell (training + evaluation), seconds.
  public var seconds: Double
  /// The checkpoint this cell wrote, relative to the plan directory.
  public var checkpoint: String?
  public var host: String
  public var finished: String
  public var aegisVersion: String
  /// The CPU and the build that ran the cell (absent in results written before they were recorded).
  public var machine: String?
  public var executable: String?
  /// A general plan's run: what its function returned (a number, or else its printed form).
  public var value: Double?
  public var text: String?

  public init(id: String, kind: PlanCellKind, cell: GridCell?, seconds: Double, checkpoint: String?) {
    self.id = id
    self.kind = kind
    self.cell = cell
    self.seconds = seconds
    self.checkpoint = checkpoint
    host = ProcessInfo.processInfo.hostName
    finished = ISO8601DateFormatter().string(from: Date())
    aegisVersion = AegisVersion.current
    machine = MachineFingerprint.machine()
    executable = MachineFingerprint.executable()
  }
}

/// A failed attempt of a cell (the log next to it has the details).
public struct PlanFailure: Codable, Sendable {
  public var id: String
  public var message: String
  public var host: String
  public var pid: Int32
  public var failed: String
  public var log: String

  public init(id: String, message: String, log: String) {
    self.id = id
    self.message = message
    self.log = log
    host = ProcessInfo.processInfo.hostName
    pid = getpid()
    failed = ISO8601DateFormatter().string(from: Date())
  }
}
