// Helpers for notebook tests: a temporary folder per test, writing a notebook into it, running
// it quietly with its cache inside the folder, and checking for gnuplot and the data set.

@testable import AegisNotebook
import AegisLang
import Foundation
import XCTest

/// A temporary folder removed when the test ends.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-nb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Writes `text` to `name` inside the folder and returns its path.
  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = url.appendingPathComponent(name)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  func read(_ name: String) throws -> String {
    try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)
  }
}

extension XCTestCase {
  /// Runs the notebook at `path` (outputs and cache next to it), quietly.
  func runNotebook(_ path: String, set: [String] = [], useCache: Bool = true, from: Int? = nil,
                   out: URL? = nil) throws -> NotebookRun {
    var options = NotebookOptions()
    options.parameters = try set.map(ParameterOverride.parse)
    options.useCache = useCache
    options.from = from
    options.outputDirectory = out
    return try NotebookRunner(options: options).run(path: path)
  }

  /// Skips the test when gnuplot is not installed.
  func requireGnuplot() throws {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/gnuplot") }
    if !found { throw XCTSkip("gnuplot is not installed") }
  }

  /// Statuses of a run, in cell order.
  func statuses(_ run: NotebookRun) -> [CellStatus] { run.cells.map(\.status) }
}

/// A notebook from cell sources, separated by a line of prose.
func notebookText(_ cells: [String], title: String = "# Test") -> String {
  ([title] + cells.map { "```aegis\n\($0)\n```" }).joined(separator: "\n\nSome text.\n\n") + "\n"
}
