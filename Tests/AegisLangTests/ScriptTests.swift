// Golden script tests (craftinginterpreters style): every Scripts/*.aegis file runs and its
// printed lines must equal its `# expect: <line>` comments, in order; each error must sit on a
// line carrying `# expect error: <message substring>`, and every such comment must be matched.
// A line `# ---` starts a new cell: cells run one after another in the same interpreter, like
// REPL inputs, so one file can check several runtime errors.

@testable import AegisLang
import XCTest

final class ScriptTests: XCTestCase {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts")

  func testGoldenScripts() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasSuffix(".aegis") }.sorted()
    XCTAssertGreaterThanOrEqual(files.count, 8)
    for file in files {
      let source = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
      check(file, source)
    }
  }

  private struct ExpectedError: Equatable {
    var line: Int
    var message: String
  }

  private func check(_ file: String, _ source: String) {
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var expectedOutput: [String] = []
    var expectedErrors: [ExpectedError] = []
    for (i, line) in lines.enumerated() {
      if let r = line.range(of: "# expect: ") { expectedOutput.append(String(line[r.upperBound...])) }
      if let r = line.range(of: "# expect error: ") { expectedErrors.append(ExpectedError(line: i + 1, message: String(line[r.upperBound...]))) }
    }
    let h = Harness()
    var errors: [LangError] = []
    for (start, cell) in cells(lines) {
      let result = h.interpreter.run(cell, file: file, firstLine: start)
      XCTAssertFalse(h.interpreter.render(result.diagnostics).isEmpty && !result.succeeded, file)
      errors += result.diagnostics
    }
    XCTAssertEqual(h.lines, expectedOutput, "\(file): printed output")
    var unmatched = expectedErrors
    for e in errors {
      let line = e.location?.line ?? 0
      if let k = unmatched.firstIndex(where: { $0.line == line && e.message.contains($0.message) }) {
        unmatched.remove(at: k)
      } else {
        XCTFail("\(file):\(line): unexpected error: \(e.message)")
      }
    }
    for missing in unmatched { XCTFail("\(file):\(missing.line): expected error not reported: \(missing.message)") }
  }

  /// Splits at `# ---` lines; returns each cell with its first line number.
  private func cells(_ lines: [String]) -> [(Int, String)] {
    var result: [(Int, String)] = []
    var start = 1
    var current: [String] = []
    for (i, line) in lines.enumerated() {
      if line.trimmingCharacters(in: .whitespaces) == "# ---" {
        result.append((start, current.joined(separator: "\n")))
        current = []
        start = i + 2
      } else {
        current.append(line)
      }
    }
    result.append((start, current.joined(separator: "\n")))
    return result
  }
}

import Foundation
