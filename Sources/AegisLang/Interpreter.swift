// The tree-walking interpreter (jlox shape): `run` scans, parses, stops on syntax errors, then
// executes statement by statement. Statements live here; expressions, calls, operators,
// indexing and members have their own files. Control flow (break/continue/return) travels as
// a returned `Flow` value rather than as thrown errors.

import AegisTensor

/// What running one piece of source produced.
public struct RunResult {
  /// The value of the last statement when it is an expression statement not ended by `;` and
  /// not nil: what the REPL auto-prints (use `value.repr`).
  public var value: Value?
  /// Syntax errors (all of them) or the runtime error that stopped execution.
  public var diagnostics: [LangError]

  /// Whether there were no errors.
  public var succeeded: Bool { diagnostics.isEmpty }

  /// Exit code for scripts, as jlox/sysexits: 0 ok, 65 syntax error, 70 runtime error, 130 interrupted.
  public var exitCode: Int32 {
    guard let first = diagnostics.first else { return 0 }
    switch first.kind {
    case .syntax: return 65
    case .runtime: return 70
    case .interrupted: return 130
    }
  }
}

/// Runs Aegis source against a persistent workspace.
public final class Interpreter {
  /// The builtins this interpreter can call.
  public let registry: BuiltinRegistry
  /// The workspace: global variables.
  public let globals = Environment()
  /// Source text by file, for rendering diagnostics.
  public let sources = SourceStore()
  /// Where `print`, `help`, `who` write (one call per line group, no trailing newline).
  public var output: (String) -> Void
  /// Deepest user-function recursion allowed before an error.
  public var maxCallDepth = 200
  /// When set, running more than this many loop iterations and calls is an error (fuzzing,
  /// notebook cell budgets). Counted per `run`.
  public var stepLimit: Int?
  /// The session's random generator, reseeded by `seed(n)`; random builtins without an explicit
  /// `seed:` draw from it.
  public var random: RandomGenerator
  /// The last seed given to `seed(n)` (0 at start).
  public private(set) var seedValue: UInt64 = 0

  var callDepth = 0
  /// Variables hiding builtins (see Interpreter+Shadowing.swift).
  var shadows = ShadowedBuiltins()
  var steps = 0
  /// Next line number for `runREPL`, so every interactive input keeps its own lines in `sources`.
  var nextREPLLine = 1
  /// Current depth of `evaluate` calls (bounded by `maxNesting`).
  var nesting = 0

  /// Deepest evaluation nesting (expressions inside calls inside expressions…) before an error.
  /// With `stackSize` this keeps the interpreter far from a stack overflow on any input.
  public static let maxNesting = 2_000
  /// Stack size of the thread `run` executes on: the interpreter recurses on the tree, and the
  /// caller's thread (a secondary thread may have only 512 KB) must not limit scripts.
  public static let stackSize = 128 << 20

  /// Creates an interpreter with the standard builtins; `output` defaults to standard output.
  public init(registry: BuiltinRegistry = .standard(), output: ((String) -> Void)? = nil) {
    self.registry = registry
    self.output = output ?? { Swift.print($0) }
    self.random = RandomGenerator(seed: 0)
  }

  /// Reseeds the session generator.
  public func setSeed(_ seed: UInt64) {
    seedValue = seed
    random = RandomGenerator(seed: seed)
  }

  /// A generator for one random builtin call: from `seed` when given, else forked from the session.
  public func generator(seed: Value) throws -> RandomGenerator {
    if seed.isNil { return random.fork() }
    let n = try seed.asInt("seed")
    return RandomGenerator(seed: UInt64(bitPattern: Int64(n)))
  }

  // MARK: - Running source

  /// Parses `source` (statements only; nothing runs).
  public func parse(_ source: String, file: String = "<repl>", firstLine: Int = 1) -> ParseResult {
    Parser.parse(source, file: file, firstLine: firstLine, commands: registry.commandSyntax)
  }

  /// Runs `source` in the workspace. Syntax errors stop it before anything runs; a runtime error
  /// stops it where it happens (earlier statements keep their effects). Never throws or traps.
  public func run(_ source: String, file: String = "<repl>", firstLine: Int = 1) -> RunResult {
    LargeStack.run { self.runHere(source, file: file, firstLine: firstLine) }
  }

  private func runHere(_ source: String, file: String, firstLine: Int) -> RunResult {
    sources.add(source, file: file, firstLine: firstLine)
    let parsed = parse(source, file: file, firstLine: firstLine)
    guard parsed.errors.isEmpty else { return RunResult(value: nil, diagnostics: parsed.errors) }
    steps = 0
    callDepth = 0
    nesting = 0
    do {
      return RunResult(value: try executeTopLevel(parsed.statements), diagnostics: [])
    } catch {
      let location = SourceLocation(file: file, line: firstLine, column: 1)
      return RunResult(value: nil, diagnostics: [LangError.wrap(error, at: location)])
    }
  }

  /// Runs top-level statements, binding `_` to each non-nil expression value.
  func executeTopLevel(_ statements: [Stmt]) throws -> Value? {
    var last: Value?
    for statement in statements {
      last = nil
      if case .expression(let expr, let silent) = statement.kind {
        let value = try evaluate(expr, in: globals)
        if !value.isNil {
          globals.define("_", value)
          if !silent { last = value }
        }
      } else {
        _ = try execute(statement, in: globals)
      }
    }
    return last
  }

  // MARK: - Statements

  /// How a statement finished.
  enum Flow {
    case normal, breakLoop, continueLoop
    case returned(Value)
  }

  func execute(_ statement: Stmt, in env: Environment) throws -> Flow {
    switch statement.kind {
    case .expression(let expr, _):
      _ = try evaluate(expr, in: env)
    case .assign(let target, let valueExpr):
      let value = try evaluate(valueExpr, in: env)
      try assign(value, to: target, in: env)
      if env.isGlobal, case .variable(let name) = target.kind { noteGlobalBinding(name, value, at: statement.location) }
    case .function(let decl):
      let function = Value.function(UserFunction(declaration: decl, closure: env))
      env.define(decl.name, function)
      if env.isGlobal { noteGlobalBinding(decl.name, function, at: statement.location) }
    case .ifElse(let condition, let thenBranch, let elseBranch):
      if try truth(condition, in: env) { return try executeBlock(thenBranch, in: env) }
      if let elseBranch { return try executeBlock(elseBranch, in: env) }
    case .forIn(let name, let sequence, let body):
      return try executeFor(name, try evaluate(sequence, in: env), body, in: env, at: sequence.location)
    case .whileLoop(let condition, let body):
      while try truth(condition, in: env) {
        try tick(at: statement.location)
        let c = try executeBlock(body, in: env)
        if case .breakLoop = c { break }
        if case .returned = c { return c }
      }
    case .breakLoop: return .breakLoop
    case .continueLoop: return .continueLoop
    case .returnValue(let expr):
      return .returned(try expr.map { try evaluate($0, in: env) } ?? .nil)
    }
    return .normal
  }

  func executeBlock(_ statements: [Stmt], in env: Environment) throws -> Flow {
    for statement in statements {
      let c = try execute(statement, in: env)
      if case .normal = c { continue }
      return c
    }
    return .normal
  }

  func executeFor(_ name: String, _ sequence: Value, _ body: [Stmt], in env: Environment,
                  at location: SourceLocation) throws -> Flow {
    let count: Int
    let element: (Int) -> Value
    switch sequence {
    case .list(let items): count = items.count; element = { items[$0] }
    case .range(let r): count = r.count; element = { .number(Double(r.element($0))) }
    case .string(let s):
      let chars = s.map { Value.string(String($0)) }
      count = chars.count; element = { chars[$0] }
    case .tensor(let t) where t.rank >= 1:
      count = t.shape[0]
      element = { i in t.rank == 1 ? .number(Double(t.storage[i])) : .tensor(t.slice(axis: 0, i ..< i + 1).reshaped(Array(t.shape.dropFirst()))) }
    default:
      throw LangError("cannot loop over \(sequence.shortDescription); use a list, range, string or tensor", at: location)
    }
    for i in 0..<count {
      try tick(at: location)
      env.assign(name, element(i))
      let c = try executeBlock(body, in: env)
      if case .breakLoop = c { break }
      if case .returned = c { return c }
    }
    return .normal
  }

  /// Per-iteration and per-call bookkeeping: Ctrl-C and the optional step budget.
  func tick(at location: SourceLocation) throws {
    if Cancellation.isRequested { throw LangError("interrupted", kind: .interrupted, at: location) }
    steps += 1
    if let limit = stepLimit, steps > limit {
      throw LangError("step limit of \(limit) loop iterations and calls exceeded", at: location)
    }
  }

  /// Evaluates a condition: a bool, or a one-element tensor (non-zero is true).
  func truth(_ expr: Expr, in env: Environment) throws -> Bool {
    try truthValue(try evaluate(expr, in: env), at: expr.location)
  }

  func truthValue(_ value: Value, at location: SourceLocation) throws -> Bool {
    switch value {
    case .bool(let b): return b
    case .tensor(let t) where t.count == 1: return t.storage[0] != 0
    case .tensor(let t):
      throw LangError("a tensor with \(t.count) elements is not true or false; reduce it first, e.g. all(t) or any(t)", at: location)
    default:
      throw LangError("expected true or false, got \(value.shortDescription)", at: location,
                      hint: value.isNil ? "compare explicitly, e.g. `x != nil`" : nil)
    }
  }
}
