// Calls: builtins (bound through ArgumentBinder), user functions (positional and named
// arguments, defaults evaluated at call time in the new scope, recursion limit) and callable
// objects. Also the public `call` entry point for Swift code (e.g. a training builtin calling a
// user callback).

import AegisTensor

extension Interpreter {
  @inline(never)
  func evaluateCall(_ calleeExpr: Expr, _ arguments: [Argument], in env: Environment,
                    at location: SourceLocation) throws -> Value {
    let callee = try evaluate(calleeExpr, in: env)
    if case .variable(let name) = calleeExpr.kind, !callee.isCallable {
      throw notCallableError(name, callee, at: location)
    }
    let inputs = arguments.map { a in
      ArgumentInput(label: a.label, location: a.location, bareName: a.value.identifierName,
                    evaluate: { try self.evaluate(a.value, in: env) })
    }
    return try call(callee, inputs, at: location)
  }

  /// Calls a function value with evaluated arguments; errors are `LangError`s.
  ///
  /// Use this from builtins that take callbacks: `try interpreter.call(f, arguments: [.tensor(x)])`.
  public func call(_ callee: Value, arguments: [Value], named: [(String, Value)] = [],
                   at location: SourceLocation? = nil) throws -> Value {
    let inputs = arguments.map { ArgumentInput.value($0) } + named.map { ArgumentInput.value($0.1, label: $0.0) }
    return try call(callee, inputs, at: location)
  }

  func call(_ callee: Value, _ inputs: [ArgumentInput], at location: SourceLocation?) throws -> Value {
    switch callee {
    case .builtin(let builtin):
      let bound = try ArgumentBinder.bind(builtin, inputs, at: location)
      do {
        return try builtin.run(bound, self)
      } catch {
        throw location.map { LangError.wrap(error, at: $0) } ?? error
      }
    case .function(let function):
      return try callFunction(function, inputs, at: location)
    case .object(let object as AegisCallable):
      var positional: [Value] = []
      var named: [String: Value] = [:]
      for input in inputs {
        if let label = input.label { named[label] = try input.evaluate() } else { positional.append(try input.evaluate()) }
      }
      do {
        return try object.call(arguments: positional, named: named, interpreter: self)
      } catch {
        throw location.map { LangError.wrap(error, at: $0) } ?? error
      }
    default:
      throw LangError("\(callee.shortDescription) is not a function", at: location)
    }
  }

  /// Binds arguments to a `def`'s parameters and runs its body in a new scope.
  func callFunction(_ function: UserFunction, _ inputs: [ArgumentInput], at location: SourceLocation?) throws -> Value {
    let decl = function.declaration
    let scope = Environment(enclosing: function.closure)
    try bindParameters(decl, inputs, into: scope, at: location)
    if let location { try tick(at: location) }
    guard callDepth < maxCallDepth else {
      throw LangError("recursion too deep: more than \(maxCallDepth) nested calls (in `\(decl.name)`)", at: location)
    }
    callDepth += 1
    defer { callDepth -= 1 }
    do {
      if case .returned(let v) = try executeBlock(decl.body, in: scope) { return v }
      return .nil
    } catch var error as LangError where error.kind == .runtime {
      if let location, error.trace.count < 5 {
        error.trace.append("in `\(decl.name)`, called at \(location)")
      }
      throw error
    }
  }

  private func bindParameters(_ decl: FunctionDecl, _ inputs: [ArgumentInput], into scope: Environment,
                              at location: SourceLocation?) throws {
    let params = decl.parameters
    let usage = decl.signature
    var bound = Set<String>()
    var positional = 0
    for input in inputs {
      let at = input.location ?? location
      let name: String
      if let label = input.label {
        guard params.contains(where: { $0.name == label }) else {
          let hint = EditDistance.suggestion(for: label, among: params.map(\.name)).map { "did you mean `\($0):`?" }
          throw LangError("\(decl.name): unknown argument `\(label)`", at: at, hint: hint, usage: usage)
        }
        name = label
      } else {
        guard positional < params.count else {
          throw LangError("\(decl.name): too many arguments; it takes \(params.count)", at: at, usage: usage)
        }
        name = params[positional].name
        positional += 1
      }
      guard !bound.contains(name) else {
        throw LangError("\(decl.name): argument `\(name)` given twice", at: at, usage: usage)
      }
      bound.insert(name)
      scope.define(name, try input.evaluate())
    }
    // Defaults are evaluated now, in the call's scope, so they may use earlier parameters.
    for p in params where !bound.contains(p.name) {
      guard let d = p.defaultValue else {
        throw LangError("\(decl.name): missing required argument `\(p.name)`", at: location, usage: usage)
      }
      scope.define(p.name, try evaluate(d, in: scope))
    }
  }
}
