// plan.json: what produced a plan (Aegis version, script, arguments, working directory), the
// grid's settings and the ordered list of its cells.

import Foundation

/// The plan's header, written once when the plan is created.
public struct PlanManifest: Codable, Sendable {
  /// Format version of the plan directory.
  public var format = 1
  public var aegisVersion: String
  /// The script as given (for the record) and the copy each cell runs (`script.aegis` in the plan).
  public var script: String
  public var arguments: [String]
  /// Working directory of the script, so relative paths mean the same in every cell.
  public var workingDirectory: String
  public var created: String
  /// Every setting of the grid (the same keys `grid` exports).
  public var settings: [String: String]
  /// Cell ids in table order.
  public var cells: [String]

  public init(aegisVersion: String, script: String, arguments: [String], workingDirectory: String,
              settings: [String: String], cells: [String]) {
    self.aegisVersion = aegisVersion
    self.script = script
    self.arguments = arguments
    self.workingDirectory = workingDirectory
    self.created = ISO8601DateFormatter().string(from: Date())
    self.settings = settings
    self.cells = cells
  }
}

/// The version plans record (set by the executable from its own version).
public enum AegisVersion {
  nonisolated(unsafe) public static var current = "0.1.0"
}
