// Expression evaluation: literals, names, lists, ranges, operators (delegated to
// Value+Arithmetic.swift), member access and indexing. Errors are located at the node's main token.

import AegisTensor

extension Interpreter {
  /// Evaluates an expression in `env`. Each case calls out to a non-inlined helper so this
  /// recursive function keeps a small stack frame (deep user recursion stays cheap).
  func evaluate(_ expr: Expr, in env: Environment) throws -> Value {
    nesting += 1
    defer { nesting -= 1 }
    if nesting > Interpreter.maxNesting {
      throw LangError("evaluation is nested too deeply (more than \(Interpreter.maxNesting) levels)", at: expr.location)
    }
    switch expr.kind {
    case .number(let x): return .number(x)
    case .string(let s): return .string(s)
    case .bool(let b): return .bool(b)
    case .nil: return .nil
    case .list(let items): return try evaluateList(items, in: env)
    case .range(let lo, let hi): return try evaluateRange(lo, hi, in: env, at: expr.location)
    case .variable(let name): return try lookup(name, in: env, at: expr.location)
    case .unary(let op, let operand): return try evaluateUnary(op, operand, in: env, at: expr.location)
    case .binary(let op, let l, let r): return try evaluateBinary(op, l, r, in: env, at: expr.location)
    case .logical(let op, let l, let r): return try evaluateLogical(op, l, r, in: env)
    case .call(let callee, let arguments): return try evaluateCall(callee, arguments, in: env, at: expr.location)
    case .member(let base, let name): return try evaluateMember(base, name, in: env, at: expr.location)
    case .index(let base, let components): return try evaluateIndex(base, components, in: env, at: expr.location)
    }
  }

  @inline(never)
  func evaluateList(_ items: [Expr], in env: Environment) throws -> Value {
    .list(try items.map { try evaluate($0, in: env) })
  }

  @inline(never)
  func evaluateBinary(_ op: BinaryOperator, _ l: Expr, _ r: Expr, in env: Environment,
                      at location: SourceLocation) throws -> Value {
    let left = try evaluate(l, in: env)
    let right = try evaluate(r, in: env)
    do {
      return try located(location) { try Value.binary(op, left, right) }
    } catch var error as LangError {
      if left.isNil, case .call = l.kind, error.hint == nil {
        error.hint = "the left side is a call that returned nil; note `print (a) * b` means `print(a) * b`"
      }
      throw error
    }
  }

  @inline(never)
  func evaluateLogical(_ op: LogicalOperator, _ l: Expr, _ r: Expr, in env: Environment) throws -> Value {
    let left = try truth(l, in: env)
    if op == .and && !left { return .bool(false) }
    if op == .or && left { return .bool(true) }
    return .bool(try truth(r, in: env))
  }

  @inline(never)
  func evaluateMember(_ base: Expr, _ name: String, in env: Environment, at location: SourceLocation) throws -> Value {
    let value = try evaluate(base, in: env)
    return try located(location) { try value.member(name) }
  }

  @inline(never)
  func evaluateIndex(_ base: Expr, _ components: [IndexComponent], in env: Environment,
                     at location: SourceLocation) throws -> Value {
    let container = try evaluate(base, in: env)
    let keys = try indices(components, in: env)
    return try located(location) { try Value.index(container, keys) }
  }

  /// Runs `body`, giving any error without a location the location `at`.
  func located<T>(_ location: SourceLocation, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch {
      throw LangError.wrap(error, at: location)
    }
  }

  /// A variable, else a builtin, else an "undefined name" error with a suggestion.
  func lookup(_ name: String, in env: Environment, at location: SourceLocation) throws -> Value {
    if let v = env.lookup(name) { return v }
    if let b = registry[name] { return .builtin(b) }
    let candidates = env.visibleNames + registry.names
    let hint = EditDistance.suggestion(for: name, among: candidates).map { "did you mean `\($0)`?" }
    throw LangError("undefined name `\(name)`", at: location, hint: hint)
  }

  @inline(never)
  func evaluateRange(_ lo: Expr, _ hi: Expr, in env: Environment, at location: SourceLocation) throws -> Value {
    let start = try evaluate(lo, in: env), end = try evaluate(hi, in: env)
    return try located(location) {
      .range(RangeValue(start: try start.asInt("range start"), end: try end.asInt("range end")))
    }
  }

  @inline(never)
  func evaluateUnary(_ op: UnaryOperator, _ operand: Expr, in env: Environment, at location: SourceLocation) throws -> Value {
    switch op {
    case .not:
      return .bool(!(try truth(operand, in: env)))
    case .negate:
      switch try evaluate(operand, in: env) {
      case .number(let x): return .number(-x)
      case .tensor(let t): return .tensor(-t)
      case let other: throw LangError("cannot negate \(other.shortDescription)", at: location)
      }
    }
  }

  /// Evaluates the components of `x[…]`.
  func indices(_ components: [IndexComponent], in env: Environment) throws -> [IndexValue] {
    try components.map { component in
      switch component {
      case .single(let e):
        let v = try evaluate(e, in: env)
        return try located(e.location) {
          switch v {
          case .range(let r): return .range(r)
          case .nil: return .slice(start: nil, end: nil, step: nil)
          default: return .single(try v.asInt("index"))
          }
        }
      case .slice(let start, let end, let step):
        func bound(_ e: Expr?) throws -> Int? {
          guard let e else { return nil }
          let v = try evaluate(e, in: env)
          if v.isNil { return nil }
          return try located(e.location) { try v.asInt("slice bound") }
        }
        return .slice(start: try bound(start), end: try bound(end), step: try bound(step))
      }
    }
  }

  // MARK: - Assignment

  /// `name = v`, `xs[i] = v`, `grid[i][j] = v` (lists are values: the container is rebuilt).
  func assign(_ value: Value, to target: Expr, in env: Environment) throws {
    switch target.kind {
    case .variable(let name):
      env.assign(name, value)
    case .index(let base, let components):
      let container = try evaluate(base, in: env)
      let keys = try indices(components, in: env)
      let updated = try located(target.location) { try Value.settingIndex(container, keys, to: value) }
      try assign(updated, to: base, in: env)
    default:
      throw LangError("cannot assign to this expression", at: target.location)
    }
  }
}
