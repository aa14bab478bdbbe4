// Keeps the text of every file and REPL input the interpreter has run, by file and line, so a
// runtime error inside a function defined three inputs ago can still show its source line.

/// Source lines by file name and line number.
public final class SourceStore {
  private var lines: [String: [Int: String]] = [:]

  /// Inputs typed at the prompt (`runREPL`) that ran without errors, in order (for `save_session`).
  public private(set) var sessionInputs: [String] = []

  /// An empty store.
  public init() {}

  /// Records a prompt input that ran without errors.
  public func recordSessionInput(_ input: String) { sessionInputs.append(input) }

  /// Records `source` as lines `firstLine…` of `file` (replacing earlier text at those lines).
  public func add(_ source: String, file: String, firstLine: Int = 1) {
    var table = lines[file] ?? [:]
    var n = firstLine
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
      table[n] = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
      n += 1
    }
    lines[file] = table
  }

  /// The text of `line` in `file`, if known.
  public func line(_ line: Int, in file: String) -> String? { lines[file]?[line] }

  /// The source line an error points at.
  public func line(for location: SourceLocation?) -> String? {
    location.flatMap { line($0.line, in: $0.file) }
  }
}
