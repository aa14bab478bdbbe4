// Scanner: turns source text into tokens. Newlines are tokens (statement separators) except
// inside ( ) and [ ], where an expression may span lines. Errors are collected, never thrown,
// so one pass reports every bad character or literal.

/// Converts source text to `Token`s, collecting lexical errors.
public struct Scanner {
  private let chars: [Unicode.Scalar]
  private let file: String
  private var start = 0, index = 0
  private var line: Int, column = 1
  private var startLine = 1, startColumn = 1
  /// Just after the last token's text: where "end of input" errors point.
  private var contentEnd: (line: Int, column: Int)?
  private var tokens: [Token] = []
  /// Open brackets, innermost last; newlines are dropped while the innermost is ( or [.
  private var groups: [TokenKind] = []
  /// Lexical errors found so far.
  public private(set) var errors: [LangError] = []

  /// Prepares to scan `source`; `firstLine` numbers the first line (the REPL continues counting).
  public init(source: String, file: String = "<input>", firstLine: Int = 1) {
    self.chars = Array(source.unicodeScalars)
    self.file = file
    self.line = firstLine
  }

  /// Scans `source` in one call.
  public static func scan(_ source: String, file: String = "<input>", firstLine: Int = 1) -> (tokens: [Token], errors: [LangError]) {
    var scanner = Scanner(source: source, file: file, firstLine: firstLine)
    let tokens = scanner.scanTokens()
    return (tokens, scanner.errors)
  }

  /// All tokens, ending with `.eof`.
  public mutating func scanTokens() -> [Token] {
    while !isAtEnd {
      start = index
      startLine = line
      startColumn = column
      scanToken()
    }
    let end = contentEnd ?? (line, column)
    tokens.append(Token(kind: .eof, lexeme: "", location: SourceLocation(file: file, line: end.line, column: end.column)))
    return tokens
  }

  /// Whether the innermost open bracket is a paren or square bracket.
  public var insideGroup: Bool { groups.last == .leftParen || groups.last == .leftBracket }

  /// The brackets still open at the end of input (for `Parser.isIncomplete`).
  public var openGroups: [TokenKind] { groups }

  // MARK: - Dispatch

  private mutating func scanToken() {
    let c = advance()
    switch c {
    case " ", "\t", "\r": break
    case "\n": if !insideGroup { add(.newline) }
    case "#": while !isAtEnd && peek != "\n" { _ = advance() }
    case "(", "[", "{": openGroup(c)
    case ")", "]", "}": closeGroup(c)
    case "\"": scanString()
    default:
      if let kind = operatorKind(c) { add(kind) } else if isDigit(c) { scanNumber() } else if isIdentifierStart(c) {
        scanIdentifier()
      } else {
        error("unexpected character `\(Character(c))`")
      }
    }
  }

  private mutating func operatorKind(_ c: Unicode.Scalar) -> TokenKind? {
    switch c {
    case "+": return .plus
    case "-": return .minus
    case "*": return .star
    case "/": return .slash
    case "^": return .caret
    case "%": return .percent
    case "@": return .at
    case ":": return .colon
    case ",": return .comma
    case ";": return .semicolon
    case ".": return match(".") ? .dotDot : .dot
    case "=": return match("=") ? .equalEqual : .equal
    case "<": return match("=") ? .lessEqual : .less
    case ">": return match("=") ? .greaterEqual : .greater
    case "!":
      if match("=") { return .bangEqual }
      return nil
    default: return nil
    }
  }

  private mutating func openGroup(_ c: Unicode.Scalar) {
    let kind: TokenKind = c == "(" ? .leftParen : (c == "[" ? .leftBracket : .leftBrace)
    groups.append(kind)
    add(kind)
  }

  /// Pops to the matching opener; a `}` also closes any parens left open inside its block, so an
  /// unclosed `(` does not swallow the rest of the file.
  private mutating func closeGroup(_ c: Unicode.Scalar) {
    let (kind, opener): (TokenKind, TokenKind) = c == ")" ? (.rightParen, .leftParen)
      : (c == "]" ? (.rightBracket, .leftBracket) : (.rightBrace, .leftBrace))
    if groups.last == opener {
      groups.removeLast()
    } else if kind == .rightBrace, let i = groups.lastIndex(of: .leftBrace) {
      groups.removeSubrange(i...)
    }
    add(kind)
  }

  // MARK: - Literals

  private mutating func scanNumber() {
    while isDigit(peek) { _ = advance() }
    if peek == ".", isDigit(peekNext) {
      _ = advance()
      while isDigit(peek) { _ = advance() }
    }
    if peek == "e" || peek == "E" {
      let sign = peekNext == "+" || peekNext == "-"
      if isDigit(sign ? peek(2) : peekNext) {
        _ = advance()
        if sign { _ = advance() }
        while isDigit(peek) { _ = advance() }
      }
    }
    if isIdentifierPart(peek) {
      while isIdentifierPart(peek) { _ = advance() }
      error("invalid number `\(lexeme)`")
      return
    }
    guard let value = Double(lexeme), value.isFinite else {
      error("number `\(lexeme)` is too large")
      return
    }
    add(.number, number: value)
  }

  private mutating func scanString() {
    var text = ""
    while !isAtEnd && peek != "\"" && peek != "\n" {
      let c = advance()
      if c == "\\" {
        if let e = scanEscape() { text.unicodeScalars.append(e) }
      } else {
        text.unicodeScalars.append(c)
      }
    }
    if isAtEnd || peek == "\n" {
      errorAtStart("unterminated string (strings end on the same line with `\"`)")
      add(.string, text: text)
      return
    }
    _ = advance()
    add(.string, text: text)
  }

  /// Reads one escape after a backslash; reports unknown escapes.
  private mutating func scanEscape() -> Unicode.Scalar? {
    guard !isAtEnd, peek != "\n" else { return nil }
    let c = advance()
    switch c {
    case "n": return "\n"
    case "t": return "\t"
    case "r": return "\r"
    case "0": return "\0"
    case "\"": return "\""
    case "\\": return "\\"
    case "u": return scanUnicodeEscape()
    default:
      errorHere("unknown escape `\\\(Character(c))` (use \\n \\t \\r \\0 \\\" \\\\ or \\u{…})", column: column - 2, length: 2)
      return nil
    }
  }

  private mutating func scanUnicodeEscape() -> Unicode.Scalar? {
    let escapeColumn = column - 2
    guard match("{") else {
      errorHere("expected `{` after `\\u`", column: escapeColumn, length: 2)
      return nil
    }
    var hex = ""
    while !isAtEnd && peek != "}" && peek != "\"" && peek != "\n" && hex.count < 9 {
      hex.unicodeScalars.append(advance())
    }
    guard match("}"), let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
      errorHere("invalid unicode escape", column: escapeColumn, length: 2)
      return nil
    }
    return scalar
  }

  private mutating func scanIdentifier() {
    while isIdentifierPart(peek) { _ = advance() }
    let name = lexeme
    add(TokenKind.keywords[name] ?? .identifier)
  }

  // MARK: - Helpers

  private var isAtEnd: Bool { index >= chars.count }
  private var peek: Unicode.Scalar { peek(0) }
  private var peekNext: Unicode.Scalar { peek(1) }
  private func peek(_ offset: Int) -> Unicode.Scalar {
    index + offset < chars.count ? chars[index + offset] : "\0"
  }

  private mutating func advance() -> Unicode.Scalar {
    let c = chars[index]
    index += 1
    if c == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    return c
  }

  private mutating func match(_ expected: Unicode.Scalar) -> Bool {
    guard !isAtEnd, chars[index] == expected else { return false }
    _ = advance()
    return true
  }

  private var lexeme: String {
    var s = ""
    s.unicodeScalars.append(contentsOf: chars[start..<index])
    return s
  }

  private var startLocation: SourceLocation {
    SourceLocation(file: file, line: startLine, column: startColumn, length: index - start)
  }

  private mutating func add(_ kind: TokenKind, text: String? = nil, number: Double = 0) {
    let location = kind == .newline
      ? SourceLocation(file: file, line: startLine, column: startColumn)
      : startLocation
    tokens.append(Token(kind: kind, lexeme: kind == .newline ? "\n" : lexeme, text: text, number: number, location: location))
    if kind != .newline { contentEnd = (line, column) }
  }

  private mutating func error(_ message: String) {
    errors.append(LangError(message, kind: .syntax, at: startLocation))
  }

  private mutating func errorAtStart(_ message: String) {
    errors.append(LangError(message, kind: .syntax, at: SourceLocation(file: file, line: startLine, column: startColumn)))
  }

  private mutating func errorHere(_ message: String, column: Int, length: Int) {
    errors.append(LangError(message, kind: .syntax, at: SourceLocation(file: file, line: line, column: column, length: length)))
  }

  private func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
  private func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
  }
  private func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }
}
