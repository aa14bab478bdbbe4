// The abstract syntax tree: expressions and statements as Swift enums, each node carrying the
// location of its main token (the operator of a binary expression, the name of a call) so
// runtime errors point at the right place.

/// An expression node and the location of its main token.
public struct Expr: Sendable {
  /// What the expression is.
  public var kind: ExprKind
  /// Where its main token is.
  public var location: SourceLocation

  /// Creates an expression node.
  public init(_ kind: ExprKind, at location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// The identifier, when the expression is a bare name (used for command words like `help pgd`).
  public var identifierName: String? {
    if case .variable(let name) = kind { return name }
    return nil
  }
}

/// The kinds of expressions.
public indirect enum ExprKind: Sendable {
  case number(Double)
  case string(String)
  case bool(Bool)
  case `nil`
  /// `[a, b, c]`
  case list([Expr])
  /// `a..b`, end excluded.
  case range(Expr, Expr)
  case variable(String)
  case unary(UnaryOperator, Expr)
  /// Arithmetic and comparison; `and`/`or` are `.logical` because they short-circuit.
  case binary(BinaryOperator, Expr, Expr)
  case logical(LogicalOperator, Expr, Expr)
  /// `f(a, eps: 0.1)` or the command form `f a eps: 0.1`.
  case call(Expr, [Argument])
  /// `data.count`
  case member(Expr, String)
  /// `t[0, 2:5]`
  case index(Expr, [IndexComponent])
}

/// `-x` and `not x`.
public enum UnaryOperator: String, Sendable {
  case negate = "-", not = "not"
}

/// Arithmetic and comparison operators.
public enum BinaryOperator: String, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^", modulo = "%", matmul = "@"
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

  /// Whether the operator compares (result is a bool, or a 0/1 tensor).
  public var isComparison: Bool {
    switch self {
    case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
    default: return false
    }
  }
}

/// `and` / `or`.
public enum LogicalOperator: String, Sendable {
  case and, or
}

/// One argument of a call: positional (`label == nil`) or named (`eps: 0.1`).
public struct Argument: Sendable {
  /// The parameter name for a named argument.
  public var label: String?
  /// The argument expression.
  public var value: Expr
  /// Location of the label (named) or of the value (positional).
  public var location: SourceLocation

  /// Creates an argument.
  public init(label: String?, value: Expr, location: SourceLocation) {
    self.label = label
    self.value = value
    self.location = location
  }
}

/// One component inside `[ ]`: a single index or a slice `start:end:step` (each part optional).
public enum IndexComponent: Sendable {
  case single(Expr)
  case slice(start: Expr?, end: Expr?, step: Expr?)
}

/// A statement node and the location of its first token.
public struct Stmt: Sendable {
  /// What the statement is.
  public var kind: StmtKind
  /// Where it starts.
  public var location: SourceLocation

  /// Creates a statement node.
  public init(_ kind: StmtKind, at location: SourceLocation) {
    self.kind = kind
    self.location = location
  }
}

/// The kinds of statements.
public indirect enum StmtKind: Sendable {
  /// An expression; `silent` when followed by `;` (the REPL does not print it).
  case expression(Expr, silent: Bool)
  /// `name = value` or `xs[i] = value`.
  case assign(target: Expr, value: Expr)
  case function(FunctionDecl)
  case ifElse(condition: Expr, then: [Stmt], otherwise: [Stmt]?)
  case forIn(variable: String, sequence: Expr, body: [Stmt])
  case whileLoop(condition: Expr, body: [Stmt])
  case breakLoop
  case continueLoop
  case returnValue(Expr?)
}

/// A `def`: shared by every closure made from it.
public final class FunctionDecl: @unchecked Sendable {
  /// The function's name.
  public let name: String
  /// Parameters in order; those with defaults come last.
  public let parameters: [ParameterDecl]
  /// The body statements.
  public let body: [Stmt]
  /// Location of the name.
  public let location: SourceLocation

  /// Creates a declaration.
  public init(name: String, parameters: [ParameterDecl], body: [Stmt], location: SourceLocation) {
    self.name = name
    self.parameters = parameters
    self.body = body
    self.location = location
  }

  /// `f(a, b: 1)`, for usage lines and printing.
  public var signature: String {
    let params = parameters.map { p in p.defaultSource.map { "\(p.name): \($0)" } ?? p.name }
    return "\(name)(\(params.joined(separator: ", ")))"
  }
}

/// One parameter of a `def`, with its optional default expression.
public struct ParameterDecl: Sendable {
  /// The parameter name.
  public var name: String
  /// The default, evaluated at each call that omits the argument.
  public var defaultValue: Expr?
  /// The default as written, for signatures.
  public var defaultSource: String?
  /// Location of the name.
  public var location: SourceLocation

  /// Creates a parameter.
  public init(name: String, defaultValue: Expr?, defaultSource: String?, location: SourceLocation) {
    self.name = name
    self.defaultValue = defaultValue
    self.defaultSource = defaultSource
    self.location = location
  }
}
