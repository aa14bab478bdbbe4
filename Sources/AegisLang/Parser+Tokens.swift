// Token-stream helpers for the parser: look-ahead, matching, consuming with an error, and error
// recording (with a cap, so pathological input cannot produce megabytes of messages).

extension Parser {
  /// After this many errors the parser stops reporting (and says so once).
  static let maxErrors = 50

  var peek: Token { tokens[min(current, tokens.count - 1)] }
  var previous: Token { tokens[max(0, min(current - 1, tokens.count - 1))] }
  var isAtEnd: Bool { peek.kind == .eof }

  func check(_ kind: TokenKind) -> Bool { peek.kind == kind }

  func checkNext(_ kind: TokenKind) -> Bool {
    current + 1 < tokens.count && tokens[current + 1].kind == kind
  }

  @discardableResult
  func advance() -> Token {
    let token = peek
    if !isAtEnd { current += 1 }
    return token
  }

  func match(_ kind: TokenKind) -> Bool {
    guard check(kind) else { return false }
    advance()
    return true
  }

  func matchAny(_ kinds: [TokenKind]) -> Token? {
    guard kinds.contains(peek.kind) else { return nil }
    return advance()
  }

  /// Matches `kind` possibly after newlines (`}` newline `else`); otherwise consumes nothing.
  func matchAfterNewlines(_ kind: TokenKind) -> Bool {
    var i = current
    while i < tokens.count && tokens[i].kind == .newline { i += 1 }
    guard i < tokens.count, tokens[i].kind == kind else { return false }
    current = i + 1
    return true
  }

  @discardableResult
  func consume(_ kind: TokenKind, _ message: String) throws -> Token {
    if check(kind) { return advance() }
    throw error("\(message), found \(peek.displayName)", at: peek)
  }

  func skipNewlines() {
    while check(.newline) { advance() }
  }

  func skipSeparators() {
    while check(.newline) || check(.semicolon) { advance() }
  }

  /// Records an error at `token` and returns the panic to throw.
  func error(_ message: String, at token: Token) -> Panic {
    error(message, at: token.location)
  }

  /// Records an error at `location` and returns the panic to throw. Depth errors are reported
  /// once per parse: deeper levels would only repeat the same message.
  func error(_ message: String, at location: SourceLocation) -> Panic {
    // One message per place: enclosing blocks all reaching the end of input, or every level
    // of a too-deep nest, would otherwise repeat the same complaint.
    let isDepth = message.contains("too deep")
    if isDepth && errors.contains(where: { $0.message.contains("too deep") }) { return Panic() }
    if errors.contains(where: { $0.location == location }) { return Panic() }
    if errors.count < Parser.maxErrors {
      errors.append(LangError(message, kind: .syntax, at: location))
    } else if errors.count == Parser.maxErrors {
      errors.append(LangError("too many errors; stopping here", kind: .syntax, at: location))
      current = tokens.count - 1
    }
    return Panic()
  }

  func report(_ message: String, at token: Token) {
    _ = error(message, at: token)
  }

  /// The source spelling of tokens `range`, for default values in signatures.
  func sourceText(_ range: Range<Int>) -> String {
    var text = ""
    for i in range where i < tokens.count {
      let t = tokens[i]
      if t.kind == .newline { continue }
      if t.kind == .comma { text += ", "; continue }
      text += t.lexeme
    }
    return text
  }
}
