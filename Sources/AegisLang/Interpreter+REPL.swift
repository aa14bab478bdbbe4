// The surface the REPL, script runner and notebooks use: run a file, render diagnostics with
// their source lines, ask whether input is complete, format a result for auto-print.

import Foundation

extension Interpreter {
  /// Runs one interactive input as the next lines of the virtual file `<repl>`, so errors in
  /// functions defined by earlier inputs still show their source line. The REPL should call
  /// `Cancellation.reset()` before each input.
  public func runREPL(_ input: String) -> RunResult {
    let first = nextREPLLine
    nextREPLLine += input.split(separator: "\n", omittingEmptySubsequences: false).count
    let result = run(Interpreter.expandingHelpShortcut(input), file: "<repl>", firstLine: first)
    if result.succeeded { sources.recordSessionInput(input) }
    return result
  }

  /// `?name` (and `? name`, `?`) at the prompt is `help name`, as in IPython and Julia; any
  /// other input is returned unchanged. The column of `name` is kept so errors point at it.
  public static func expandingHelpShortcut(_ input: String) -> String {
    let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.hasPrefix("?"), !trimmed.contains("\n") else { return input }
    let topic = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
    guard topic.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return input }
    return topic.isEmpty ? "help" : "help \(topic)"
  }

  /// Reads and runs a script file; an unreadable file is reported as a diagnostic.
  public func runFile(_ path: String) -> RunResult {
    guard let data = FileManager.default.contents(atPath: path) else {
      return RunResult(value: nil, diagnostics: [LangError("cannot read file \(path)")])
    }
    return run(String(decoding: data, as: UTF8.self), file: path)
  }

  /// All diagnostics of a run, rendered with source lines and carets (ANSI colors if `color`).
  public func render(_ diagnostics: [LangError], color: Bool = false) -> String {
    Diagnostic.render(diagnostics, sources: sources, color: color)
  }

  /// Whether the REPL should show a continuation prompt (see `Parser.isIncomplete`).
  public func isIncomplete(_ source: String) -> Bool { Parser.isIncomplete(source) }

  /// The text the REPL prints for a result (strings quoted, tensors and objects in full).
  public func display(_ value: Value) -> String { value.repr }

  /// Workspace variables (excluding `_`), sorted by name.
  public var workspace: [(name: String, value: Value)] {
    globals.names.filter { $0 != "_" }.compactMap { name in globals.lookup(name).map { (name, $0) } }
  }
}
