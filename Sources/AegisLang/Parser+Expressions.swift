// Expression rules, lowest precedence first:
//
//   expression     → or
//   or             → and ("or" and)*
//   and            → not ("and" not)*
//   not            → "not" not | comparison
//   comparison     → range (("==" | "!=" | "<" | "<=" | ">" | ">=") range)?   (no chaining)
//   range          → additive (".." additive)?
//   additive       → multiplicative (("+" | "-") multiplicative)*
//   multiplicative → unary (("*" | "/" | "%" | "@") unary)*     (`@` is matmul, as in Python)
//   unary          → "-" unary | power
//   power          → postfix ("^" unary)?                  (right-associative; -2^2 == -4)
//   postfix        → primary ("(" arguments ")" | "[" indices "]" | "." IDENT)*
//   primary        → NUMBER | STRING | "true" | "false" | "nil" | IDENT | "(" expression ")"
//                  | "[" (expression ("," expression)* ","?)? "]"
//
// A line may continue after a binary operator or comma; inside ( ) and [ ] newlines are ignored.

extension Parser {
  func expression() throws -> Expr { try orExpression() }

  func orExpression() throws -> Expr {
    try leftAssociative(operators: [.kwOr], next: andExpression) { op, l, r, loc in
      Expr(.logical(.or, l, r), at: loc)
    }
  }

  func andExpression() throws -> Expr {
    try leftAssociative(operators: [.kwAnd], next: notExpression) { op, l, r, loc in
      Expr(.logical(.and, l, r), at: loc)
    }
  }

  func notExpression() throws -> Expr {
    if match(.kwNot) {
      let op = previous
      let operand = try nested { try notExpression() }
      return Expr(.unary(.not, operand), at: op.location)
    }
    return try comparison()
  }

  func comparison() throws -> Expr {
    let left = try rangeExpression()
    let kinds: [TokenKind] = [.equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual]
    guard let opToken = matchAny(kinds) else { return left }
    skipNewlines()
    let right = try rangeExpression()
    if let extra = matchAny(kinds) {
      throw error("comparisons cannot be chained; write `a < b and b < c`", at: extra)
    }
    return Expr(.binary(binaryOperator(opToken.kind), left, right), at: opToken.location)
  }

  func rangeExpression() throws -> Expr {
    let left = try additive()
    guard match(.dotDot) else { return left }
    let op = previous
    skipNewlines()
    let right = try additive()
    return Expr(.range(left, right), at: op.location)
  }

  func additive() throws -> Expr {
    try leftAssociative(operators: [.plus, .minus], next: multiplicative) { op, l, r, loc in
      Expr(.binary(self.binaryOperator(op), l, r), at: loc)
    }
  }

  func multiplicative() throws -> Expr {
    try leftAssociative(operators: [.star, .slash, .percent, .at], next: unary) { op, l, r, loc in
      Expr(.binary(self.binaryOperator(op), l, r), at: loc)
    }
  }

  func unary() throws -> Expr {
    try nested {
      if match(.minus) {
        let op = previous
        return Expr(.unary(.negate, try unary()), at: op.location)
      }
      return try power()
    }
  }

  func power() throws -> Expr {
    let base = try postfix()
    guard match(.caret) else { return base }
    let op = previous
    skipNewlines()
    let exponent = try unary()
    return Expr(.binary(.power, base, exponent), at: op.location)
  }

  /// Calls, indexing and member access, applied left to right.
  func postfix() throws -> Expr {
    var expr = try primary()
    while true {
      if match(.leftParen) {
        expr = Expr(.call(expr, try callArguments()), at: calleeLocation(expr))
      } else if match(.leftBracket) {
        let bracket = previous
        expr = Expr(.index(expr, try indexComponents()), at: bracket.location)
      } else if match(.dot) {
        let name = try consume(.identifier, "expected a member name after `.`")
        expr = Expr(.member(expr, name.text), at: name.location)
      } else {
        return expr
      }
    }
  }

  func primary() throws -> Expr {
    let token = peek
    switch token.kind {
    case .number: advance(); return Expr(.number(token.number), at: token.location)
    case .string: advance(); return Expr(.string(token.text), at: token.location)
    case .kwTrue: advance(); return Expr(.bool(true), at: token.location)
    case .kwFalse: advance(); return Expr(.bool(false), at: token.location)
    case .kwNil: advance(); return Expr(.nil, at: token.location)
    case .identifier: advance(); return Expr(.variable(token.text), at: token.location)
    case .leftParen:
      advance()
      let inner = try nested { try expression() }
      try consume(.rightParen, "expected `)` to close the `(` at \(token.location.line):\(token.location.column)")
      return inner
    case .leftBracket:
      advance()
      return Expr(.list(try listElements(open: token)), at: token.location)
    default:
      throw error("expected an expression, found \(token.displayName)", at: token)
    }
  }

  // MARK: - Lists, arguments, indices

  func listElements(open: Token) throws -> [Expr] {
    try nested {
      var elements: [Expr] = []
      while !check(.rightBracket) && !isAtEnd {
        elements.append(try expression())
        if !match(.comma) { break }
      }
      try consume(.rightBracket, "expected `]` to close the list started at \(open.location.line):\(open.location.column)")
      return elements
    }
  }

  /// `(a, b, eps: 0.1)`; named arguments must follow positional ones.
  func callArguments() throws -> [Argument] {
    let open = previous
    return try nested {
      var arguments: [Argument] = []
      while !check(.rightParen) && !isAtEnd {
        let argument = try argument()
        if argument.label == nil, let last = arguments.last, last.label != nil {
          throw error("positional argument after named argument `\(last.label ?? "")`", at: argument.location)
        }
        arguments.append(argument)
        if !match(.comma) { break }
      }
      try consume(.rightParen, "expected `)` to close the call started at \(open.location.line):\(open.location.column)")
      return arguments
    }
  }

  /// `expr` or `name: expr`.
  func argument() throws -> Argument {
    if check(.identifier) && checkNext(.colon) {
      let label = advance()
      advance()
      skipNewlines()
      return Argument(label: label.text, value: try expression(), location: label.location)
    }
    let value = try expression()
    return Argument(label: nil, value: value, location: startLocation(of: value))
  }

  /// `[i]`, `[0, 2:5]`, `[:, 1]`, `[::2]`.
  func indexComponents() throws -> [IndexComponent] {
    let open = previous
    return try nested {
      var components: [IndexComponent] = []
      repeat {
        if check(.rightBracket) && !components.isEmpty { break }
        components.append(try indexComponent())
      } while match(.comma)
      try consume(.rightBracket, "expected `]` to close the index started at \(open.location.line):\(open.location.column)")
      return components
    }
  }

  func indexComponent() throws -> IndexComponent {
    if check(.rightBracket) { throw error("expected an index inside `[ ]`", at: peek) }
    let start = check(.colon) ? nil : try expression()
    guard match(.colon) else {
      return .single(start ?? Expr(.nil, at: peek.location))
    }
    let end = isSliceBoundary ? nil : try expression()
    var step: Expr?
    if match(.colon) { step = isSliceBoundary ? nil : try expression() }
    return .slice(start: start, end: end, step: step)
  }

  var isSliceBoundary: Bool { check(.comma) || check(.rightBracket) || check(.colon) }

  // MARK: - Helpers

  /// Parses `next (op next)*` into a left-leaning tree. Each link counts as a nesting level so
  /// a 10 000-term sum cannot build a tree deep enough to overflow the interpreter's stack.
  func leftAssociative(operators: [TokenKind], next: () throws -> Expr,
                       make: (TokenKind, Expr, Expr, SourceLocation) -> Expr) throws -> Expr {
    var expr = try next()
    var links = 0
    defer { depth -= links }
    while let op = matchAny(operators) {
      skipNewlines()
      depth += 1
      links += 1
      if depth > Parser.maxDepth {
        throw error("expression is too long or nested too deeply (more than \(Parser.maxDepth) levels)", at: op)
      }
      expr = make(op.kind, expr, try next(), op.location)
    }
    return expr
  }

  func binaryOperator(_ kind: TokenKind) -> BinaryOperator {
    switch kind {
    case .plus: return .add
    case .minus: return .subtract
    case .star: return .multiply
    case .slash: return .divide
    case .caret: return .power
    case .percent: return .modulo
    case .at: return .matmul
    case .equalEqual: return .equal
    case .bangEqual: return .notEqual
    case .less: return .less
    case .lessEqual: return .lessEqual
    case .greater: return .greater
    default: return .greaterEqual
    }
  }

  /// A call is located at its callee's name, so "unknown argument" errors point at `pgd`.
  func calleeLocation(_ callee: Expr) -> SourceLocation { callee.location }

  /// The location of the first token of an expression (binary nodes sit at their operator).
  func startLocation(of expr: Expr) -> SourceLocation {
    switch expr.kind {
    case .binary(_, let l, _), .logical(_, let l, _), .range(let l, _): return startLocation(of: l)
    case .call(let callee, _), .index(let callee, _), .member(let callee, _): return startLocation(of: callee)
    default: return expr.location
    }
  }
}
