// The REPL's continuation rule: keep reading lines while the input so far cannot be complete
// (an open bracket or block, a trailing operator or comma, or an `if`/`for`/`while`/`def`
// header still waiting for its `{`). Uses the same scanner as the parser, so interactive and
// script input never disagree.

extension Parser {
  /// True while `source` needs more lines: a `(`, `[` or `{` is open, the input ends after a
  /// binary operator, comma, `=`, `:`, `.` or `else`, or the last line is a block header
  /// without its `{`. Unterminated strings count as complete (the parser reports them).
  public static func isIncomplete(_ source: String) -> Bool {
    var scanner = Scanner(source: source)
    let tokens = scanner.scanTokens().filter { $0.kind != .eof }
    if !scanner.openGroups.isEmpty { return true }
    guard let last = tokens.last(where: { $0.kind != .newline }) else { return false }
    if last.kind.isBinaryOperator { return true }
    switch last.kind {
    case .comma, .colon, .dot, .kwElse, .kwNot, .kwIn: return true
    default: break
    }
    return lastLineIsBlockHeader(tokens)
  }

  /// `if x > 0`, `} else if y` or `def f(a)` typed without `{`: the body follows on the next line.
  static func lastLineIsBlockHeader(_ tokens: [Token]) -> Bool {
    var lineStart = 0
    for (i, t) in tokens.enumerated() where t.kind == .newline && i + 1 < tokens.count {
      lineStart = i + 1
    }
    let line = Array(tokens[lineStart...].filter { $0.kind != .newline })
    let headers: [TokenKind] = [.kwIf, .kwFor, .kwWhile, .kwDef, .kwElse]
    guard let header = line.lastIndex(where: { headers.contains($0.kind) }) else { return false }
    return !line[header...].contains { $0.kind == .leftBrace }
  }
}
