// Command form: a statement that starts with the name of a registered builtin, followed on the
// same line by an argument, is a call without parentheses:
//
//   help pgd                     → help(pgd)
//   plot curve to: "x.png"       → plot(curve, to: "x.png")
//   save clf "clf.safetensors"   → save(clf, "clf.safetensors")    (commas are optional)
//   print x, y                   → print(x, y)
//
// The rule, kept deliberately narrow so ordinary expressions never change meaning: the first
// token is an identifier in `CommandSyntax.names` and the second token, on the same line, is
//   - an identifier, a number, a string, `true`/`false`/`nil` or `not`; or
//   - `[` or `-` preceded by a space and (for `-`) not followed by one: `print [1, 2]`,
//     `print -x` (as in Ruby, spacing tells a command argument from indexing or subtraction).
// Anything else — `(`, `.`, `=`, `name[0]`, `a - b` — parses as an ordinary expression, so
// `f (1)`, `x = f(1)`, `a - b` and `shape[0]` (a variable shadowing a builtin) mean what they
// look like. Note `print (1 + 2) * 3` is `print(1 + 2) * 3`. A statement that is only the name
// of a builtin whose parameters are all optional (`who`, `help`) calls it.

extension Parser {
  /// Whether the statement starting here is in command form.
  var isCommandStart: Bool {
    guard check(.identifier), commands.names.contains(peek.text), current + 1 < tokens.count else { return false }
    let next = tokens[current + 1]
    switch next.kind {
    case .identifier, .number, .string, .kwTrue, .kwFalse, .kwNil, .kwNot: return true
    case .leftBracket: return spaced(peek, next)
    case .minus: return spaced(peek, next) && current + 2 < tokens.count && !spaced(next, tokens[current + 2])
    default: return false
    }
  }

  /// Whether whitespace separates two tokens on the same line.
  private func spaced(_ a: Token, _ b: Token) -> Bool {
    a.location.line == b.location.line && b.location.column > a.location.column + a.location.length
  }

  /// Whether the statement is just the name of a builtin that can run without arguments.
  var isBareCommand: Bool {
    guard check(.identifier), commands.bareNames.contains(peek.text), current + 1 < tokens.count else { return false }
    switch tokens[current + 1].kind {
    case .newline, .semicolon, .eof, .rightBrace: return true
    default: return false
    }
  }

  func bareCommand() throws -> Stmt {
    let name = advance()
    let callee = Expr(.variable(name.text), at: name.location)
    let silent = try endStatement()
    return Stmt(.expression(Expr(.call(callee, []), at: name.location), silent: silent), at: name.location)
  }

  /// `NAME arg ((",")? arg)*` up to the end of the statement.
  func commandStatement() throws -> Stmt {
    let name = advance()
    let callee = Expr(.variable(name.text), at: name.location)
    var arguments: [Argument] = []
    while !isAtStatementEnd {
      if !arguments.isEmpty { _ = match(.comma) }
      let argument = try self.argument()
      if argument.label == nil, let last = arguments.last, last.label != nil {
        throw error("positional argument after named argument `\(last.label ?? "")`", at: argument.location)
      }
      arguments.append(argument)
    }
    let silent = try endStatement()
    let call = Expr(.call(callee, arguments), at: name.location)
    return Stmt(.expression(call, silent: silent), at: name.location)
  }
}
