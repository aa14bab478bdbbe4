// Where a token, expression or error sits in the user's text. Every token carries one, so
// every diagnostic can say `file:line:column` and underline the right characters.

/// A position in a source file: 1-based line and column (columns count Unicode scalars), plus
/// the length of the token there so diagnostics can underline all of it.
public struct SourceLocation: Equatable, Hashable, CustomStringConvertible, Sendable {
  /// File name as shown in messages (`<repl>` for interactive input).
  public var file: String
  /// 1-based line number.
  public var line: Int
  /// 1-based column, in Unicode scalars.
  public var column: Int
  /// Number of scalars the caret underline spans (at least 1).
  public var length: Int

  /// Creates a location; `length` is clamped to at least 1.
  public init(file: String, line: Int, column: Int, length: Int = 1) {
    self.file = file
    self.line = line
    self.column = column
    self.length = max(1, length)
  }

  /// `file:line:column`, the prefix of every diagnostic.
  public var description: String { "\(file):\(line):\(column)" }
}
