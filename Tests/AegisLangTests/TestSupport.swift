// Helpers shared by the AegisLang tests: run source with captured output, get the last value
// or the first error message.

import AegisLang
import XCTest

/// An interpreter whose output is captured line by line.
final class Harness {
  var lines: [String] = []
  lazy var interpreter: Interpreter = Interpreter(output: { [unowned self] text in
    self.lines.append(contentsOf: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
  })

  /// Runs `source` and returns the result.
  @discardableResult
  func run(_ source: String, file: String = "test.aegis") -> RunResult {
    interpreter.run(source, file: file)
  }
}

/// Runs `source` in a fresh interpreter and returns the printed lines, failing on errors.
func output(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
  let h = Harness()
  let r = h.run(source)
  XCTAssertTrue(r.succeeded, h.interpreter.render(r.diagnostics), file: file, line: line)
  return h.lines
}

/// The auto-print text of the last expression of `source`.
func value(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
  let h = Harness()
  let r = h.run(source)
  XCTAssertTrue(r.succeeded, h.interpreter.render(r.diagnostics), file: file, line: line)
  return r.value.map(\.repr)
}

/// The message of the first diagnostic of `source`, or nil when it runs cleanly.
func errorMessage(_ source: String) -> String? {
  Harness().run(source).diagnostics.first?.message
}

/// Messages of all syntax errors of `source`.
func syntaxErrors(_ source: String, commands: CommandSyntax = BuiltinRegistry.standard().commandSyntax) -> [String] {
  Parser.parse(source, commands: commands).errors.map(\.message)
}

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

import Foundation
