// Parser: recursive descent, one method per grammar rule (statements here, expressions in
// Parser+Expressions.swift). Panic-mode recovery at statement boundaries: a mistake is reported
// once, the parser skips to the next line and goes on, so a file's syntax errors all show at once.
//
//   program    → statement* EOF
//   statement  → def | if | for | while | return | break | continue | command | assignment | expr
//   def        → "def" IDENT "(" (param ("," param)*)? ")" block      param → IDENT (":" expr)?
//   if         → "if" expr block ("else" (if | block))?
//   for        → "for" IDENT "in" expr block
//   while      → "while" expr block
//   block      → "{" statement* "}"
//   command    → BUILTIN arg ((",")? arg)*     (see `isCommandStart`)
//   assignment → target "=" expr               target → IDENT | target "[" index "]"
// Statements end at a newline, `;`, `}` or the end of input.

/// Which identifiers start a command-form statement (`help pgd`, `plot curve to: "x.png"`).
public struct CommandSyntax: Sendable {
  /// Names of registered builtins: `NAME arg…` at the start of a statement is a call.
  public var names: Set<String>
  /// Builtins that a statement consisting only of their name calls (`who`, `help`).
  public var bareNames: Set<String>

  /// Creates a command table.
  public init(names: Set<String> = [], bareNames: Set<String> = []) {
    self.names = names
    self.bareNames = bareNames
  }
}

/// The parsed statements and every syntax error found.
public struct ParseResult {
  /// Statements that parsed (statements with errors are dropped).
  public var statements: [Stmt]
  /// Scanner and parser errors, in source order.
  public var errors: [LangError]
}

/// Recursive-descent parser with panic-mode recovery and a nesting limit.
public final class Parser {
  /// Deepest nesting of expressions or blocks accepted; deeper input is an error, never a stack
  /// overflow (the interpreter recurses on the same tree).
  public static let maxDepth = 200

  /// Thrown internally to unwind to the statement being parsed.
  struct Panic: Error {}

  let tokens: [Token]
  var current = 0
  var errors: [LangError] = []
  var depth = 0
  var loopDepth = 0
  var functionDepth = 0
  let commands: CommandSyntax

  /// A parser over already scanned tokens (which must end with `.eof`).
  public init(tokens: [Token], commands: CommandSyntax = CommandSyntax()) {
    let fallback = Token(kind: .eof, lexeme: "", location: SourceLocation(file: "<input>", line: 1, column: 1))
    self.tokens = tokens.last?.kind == .eof ? tokens : tokens + [tokens.last.map {
      Token(kind: .eof, lexeme: "", location: $0.location) } ?? fallback]
    self.commands = commands
  }

  /// Scans and parses `source`, returning statements and all syntax errors.
  public static func parse(_ source: String, file: String = "<input>", firstLine: Int = 1,
                           commands: CommandSyntax = CommandSyntax()) -> ParseResult {
    let (tokens, scanErrors) = Scanner.scan(source, file: file, firstLine: firstLine)
    let parser = Parser(tokens: tokens, commands: commands)
    let statements = parser.parseProgram()
    let all = (scanErrors + parser.errors).sorted { a, b in
      let la = a.location, lb = b.location
      return (la?.line ?? 0, la?.column ?? 0) < (lb?.line ?? 0, lb?.column ?? 0)
    }
    return ParseResult(statements: statements, errors: all)
  }

  /// Parses the whole token stream.
  public func parseProgram() -> [Stmt] {
    var statements: [Stmt] = []
    skipSeparators()
    while !isAtEnd {
      let before = current
      if check(.rightBrace) {
        report("unexpected `}` (no block is open)", at: peek)
        advance()
      } else if let s = declaration() {
        statements.append(s)
      }
      if current == before { advance() }  // guarantees progress on any input
      skipSeparators()
    }
    return statements
  }

  // MARK: - Statements

  /// One statement, or nil after reporting an error and skipping to the next statement.
  func declaration() -> Stmt? {
    do {
      return try statement()
    } catch {
      synchronize()
      return nil
    }
  }

  func statement() throws -> Stmt {
    let start = peek.location
    switch peek.kind {
    case .kwDef: advance(); return try functionDeclaration(start)
    case .kwIf: advance(); return try ifStatement(start)
    case .kwFor: advance(); return try forStatement(start)
    case .kwWhile: advance(); return try whileStatement(start)
    case .kwReturn: advance(); return try returnStatement(start)
    case .kwBreak, .kwContinue: return try loopJump(start)
    default: break
    }
    if isBareCommand { return try bareCommand() }
    if isCommandStart { return try commandStatement() }
    return try simpleStatement()
  }

  /// An assignment or an expression statement.
  func simpleStatement() throws -> Stmt {
    let start = peek.location
    let expr = try expression()
    if match(.equal) {
      let equals = previous
      try checkAssignable(expr, equals: equals)
      skipNewlines()
      let value = try expression()
      try endStatement()
      return Stmt(.assign(target: expr, value: value), at: start)
    }
    let silent = try endStatement()
    return Stmt(.expression(expr, silent: silent), at: start)
  }

  func checkAssignable(_ target: Expr, equals: Token) throws {
    switch target.kind {
    case .variable: return
    case .index(let base, _): try checkAssignable(base, equals: equals)
    case .member(_, let name):
      throw error("cannot assign to member `\(name)`; assign to a variable instead", at: equals)
    default:
      throw error("cannot assign to this expression; the left of `=` must be a name or `name[index]`", at: equals)
    }
  }

  func functionDeclaration(_ start: SourceLocation) throws -> Stmt {
    let name = try consume(.identifier, "expected a function name after `def`")
    try consume(.leftParen, "expected `(` after the function name")
    let parameters = try parameterList()
    functionDepth += 1
    let savedLoops = loopDepth
    loopDepth = 0
    defer { functionDepth -= 1; loopDepth = savedLoops }
    let body = try block(opener: "def \(name.text)")
    try endStatement()
    let decl = FunctionDecl(name: name.text, parameters: parameters, body: body, location: name.location)
    return Stmt(.function(decl), at: start)
  }

  func parameterList() throws -> [ParameterDecl] {
    var parameters: [ParameterDecl] = []
    if match(.rightParen) { return parameters }
    repeat {
      if check(.rightParen) { break }  // trailing comma
      let name = try consume(.identifier, "expected a parameter name")
      var defaultValue: Expr?
      var source: String?
      if match(.colon) {
        let from = current
        defaultValue = try expression()
        source = sourceText(from..<current)
      } else if parameters.last?.defaultValue != nil {
        throw error("parameter `\(name.text)` needs a default because the one before it has one", at: name)
      }
      if parameters.contains(where: { $0.name == name.text }) {
        throw error("duplicate parameter `\(name.text)`", at: name)
      }
      parameters.append(ParameterDecl(name: name.text, defaultValue: defaultValue, defaultSource: source, location: name.location))
    } while match(.comma)
    try consume(.rightParen, "expected `)` after the parameters")
    return parameters
  }

  func ifStatement(_ start: SourceLocation) throws -> Stmt {
    let condition = try expression()
    let thenBranch = try block(opener: "if")
    var elseBranch: [Stmt]?
    if matchAfterNewlines(.kwElse) {
      let elseStart = previous.location
      if match(.kwIf) {
        // `else if` nests; the inner statement consumes its own terminator.
        elseBranch = [try nested { try ifStatement(elseStart) }]
        return Stmt(.ifElse(condition: condition, then: thenBranch, otherwise: elseBranch), at: start)
      }
      elseBranch = try block(opener: "else")
    }
    try endStatement()
    return Stmt(.ifElse(condition: condition, then: thenBranch, otherwise: elseBranch), at: start)
  }

  func forStatement(_ start: SourceLocation) throws -> Stmt {
    let name = try consume(.identifier, "expected a loop variable after `for`")
    try consume(.kwIn, "expected `in` after the loop variable")
    let sequence = try expression()
    let body = try loopBody(opener: "for")
    try endStatement()
    return Stmt(.forIn(variable: name.text, sequence: sequence, body: body), at: start)
  }

  func whileStatement(_ start: SourceLocation) throws -> Stmt {
    let condition = try expression()
    let body = try loopBody(opener: "while")
    try endStatement()
    return Stmt(.whileLoop(condition: condition, body: body), at: start)
  }

  func loopBody(opener: String) throws -> [Stmt] {
    loopDepth += 1
    defer { loopDepth -= 1 }
    return try block(opener: opener)
  }

  func returnStatement(_ start: SourceLocation) throws -> Stmt {
    let keyword = previous
    if functionDepth == 0 { throw error("`return` outside a function", at: keyword) }
    var value: Expr?
    if !isAtStatementEnd { value = try expression() }
    try endStatement()
    return Stmt(.returnValue(value), at: start)
  }

  func loopJump(_ start: SourceLocation) throws -> Stmt {
    let keyword = advance()
    if loopDepth == 0 { throw error("`\(keyword.lexeme)` outside a loop", at: keyword) }
    try endStatement()
    return Stmt(keyword.kind == .kwBreak ? .breakLoop : .continueLoop, at: start)
  }

  /// `{ statement* }`; errors inside are recovered here so the block still closes.
  func block(opener: String) throws -> [Stmt] {
    skipNewlines()
    let brace = try consume(.leftBrace, "expected `{` to start the body of `\(opener)`")
    return try nested {
      var statements: [Stmt] = []
      skipSeparators()
      while !check(.rightBrace) && !isAtEnd {
        let before = current
        if let s = declaration() { statements.append(s) }
        if current == before { advance() }
        skipSeparators()
      }
      if isAtEnd {
        throw error("expected `}` to close the block of `\(opener)` opened at line \(brace.location.line)", at: peek)
      }
      advance()
      return statements
    }
  }

  /// Ends a statement: a newline, `;`, or (without consuming) `}` or end of input. A statement
  /// that ended with its own `}` may be followed directly by another (`if a { b } c`).
  /// Returns true when the statement ended with `;` (silencing auto-print).
  @discardableResult
  func endStatement() throws -> Bool {
    if match(.semicolon) { return true }
    if match(.newline) || check(.rightBrace) || isAtEnd || previous.kind == .rightBrace { return false }
    throw error("expected end of statement, found \(peek.displayName)", at: peek)
  }

  var isAtStatementEnd: Bool {
    check(.newline) || check(.semicolon) || check(.rightBrace) || isAtEnd
  }

  // MARK: - Recovery

  /// Skips to the next statement boundary after an error (panic mode). Braces opened while
  /// skipping are skipped through their `}`, so a broken `for {` header does not leave a stray
  /// `}` behind to cause a second error.
  func synchronize() {
    var braces = 0
    while !isAtEnd {
      switch peek.kind {
      case .leftBrace:
        braces += 1
      case .rightBrace:
        if braces == 0 { return }
        braces -= 1
        if braces == 0 {
          advance()
          return
        }
      case .newline, .semicolon:
        if braces == 0 {
          advance()
          return
        }
      case .kwDef, .kwIf, .kwFor, .kwWhile, .kwReturn:
        if braces == 0 && previous.kind == .newline { return }
      default:
        break
      }
      advance()
    }
  }

  /// Runs `body` one nesting level deeper, failing cleanly past `maxDepth`.
  func nested<T>(_ body: () throws -> T) throws -> T {
    depth += 1
    defer { depth -= 1 }
    if depth > Parser.maxDepth {
      throw error("nesting is too deep (more than \(Parser.maxDepth) levels)", at: peek)
    }
    return try body()
  }
}
