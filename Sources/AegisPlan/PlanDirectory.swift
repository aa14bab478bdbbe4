// The layout of a plan directory (shared by every runner; see docs/cluster.md):
//   plan.json            manifest: version, script, arguments, settings, cell order
//   script.aegis         the copy of the script every cell runs
//   cells/ID.json        one cell's settings and dependencies
//   results/ID.json      a finished cell (written last, atomically: its presence = done)
//   checkpoints/ID.safetensors   the cell's model (pretrained, or best-RA fine-tuned)
//   progress/ID.safetensors      an unfinished fine-tuning's state after its last epoch (the
//                                next attempt continues from it; removed once the cell is done)
//   progress/ID.json             an unfinished AutoAttack cell's state after its last attacked batch
//   errors/ID.json       the last failed attempt;  logs/ID.log  every attempt's output
//   locks/ID.lock        the claim of a running cell (pid, host, start time, heartbeat)

import AegisData
import Foundation

/// A plan directory on disk.
public struct PlanDirectory: Sendable {
  public let path: String

  public init(_ path: String) { self.path = path }

  /// Opens an existing plan, or explains what is missing.
  public static func open(_ path: String) throws -> PlanDirectory {
    let dir = PlanDirectory(path)
    guard FileManager.default.fileExists(atPath: dir.manifestPath) else {
      throw PlanError("\(path) is not a plan directory (no plan.json): write one with grid(..., plan: \"\(path)\")")
    }
    // A plan committed to git and cloned elsewhere arrives without its empty folders (git keeps
    // no empty directory, and locks/ is ignored): recreate them, or the first lock fails. A read-only
    // plan still opens for `grid status` and `collect`.
    try? dir.createFolders()
    return dir
  }

  public var manifestPath: String { path + "/plan.json" }
  public var scriptPath: String { path + "/script.aegis" }
  public func cellPath(_ id: String) -> String { "\(path)/cells/\(id).json" }
  public func resultPath(_ id: String) -> String { "\(path)/results/\(id).json" }
  public func checkpointPath(_ id: String) -> String { "\(path)/checkpoints/\(id).safetensors" }
  public func errorPath(_ id: String) -> String { "\(path)/errors/\(id).json" }
  public func progressPath(_ id: String) -> String { "\(path)/progress/\(id).safetensors" }
  public func evaluationProgressPath(_ id: String) -> String { "\(path)/progress/\(id).json" }
  public func logPath(_ id: String) -> String { "\(path)/logs/\(id).log" }
  public func lockPath(_ id: String) -> String { "\(path)/locks/\(id).lock" }
  /// The study record (aegis-study-cell/1) of a measured cell, when the grid names a study.
  public func recordPath(_ id: String) -> String { "\(path)/records/\(id).json" }

  /// Creates the folders of a new plan.
  public func createFolders() throws {
    for sub in ["cells", "results", "checkpoints", "errors", "logs", "locks", "slurm", "records"] {
      try FileManager.default.createDirectory(atPath: path + "/" + sub, withIntermediateDirectories: true)
    }
  }

  public func manifest() throws -> PlanManifest { try read(PlanManifest.self, manifestPath) }

  public func cell(_ id: String) throws -> PlanCell {
    guard FileManager.default.fileExists(atPath: cellPath(id)) else { throw PlanError("no cell \(id) in \(path) (see `aegis grid status \(path)`)") }
    return try read(PlanCell.self, cellPath(id))
  }

  /// Every cell in plan order.
  public func cells() throws -> [PlanCell] { try manifest().cells.map(cell) }

  public func isDone(_ id: String) -> Bool { FileManager.default.fileExists(atPath: resultPath(id)) }

  public func result(_ id: String) throws -> PlanResult? {
    isDone(id) ? try read(PlanResult.self, resultPath(id)) : nil
  }

  public func failure(_ id: String) -> PlanFailure? {
    try? read(PlanFailure.self, errorPath(id))
  }

  /// Writes `value` as pretty, key-sorted JSON, atomically.
  public func write<T: Encodable>(_ value: T, to file: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let bytes = [UInt8](try encoder.encode(value)) + [10]
    try AtomicFileWriter.write(to: file) { try $0.write(bytes) }
  }

  func read<T: Decodable>(_ type: T.Type, _ file: String) throws -> T {
    guard let data = FileManager.default.contents(atPath: file) else { throw PlanError("cannot read \(file)") }
    do { return try JSONDecoder().decode(type, from: data) } catch {
      throw PlanError("\(file) is not a valid \(type) record (\(error)); delete it to let the cell run again")
    }
  }
}
