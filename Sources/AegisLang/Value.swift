// Runtime values of the language. Domain types from other modules (datasets, models, attacks,
// histories, curves, tables, tasks) plug in as `.object` through the `AegisObject` protocol.

import AegisTensor

/// A value a script can hold in a variable.
public enum Value {
  case number(Double)
  case string(String)
  case bool(Bool)
  case `nil`
  /// A list; lists have value semantics (`ys = xs` copies).
  case list([Value])
  /// A lazy integer range `start..end` (end excluded) with a step.
  case range(RangeValue)
  case tensor(Tensor)
  /// A user `def` with its captured environment.
  case function(UserFunction)
  /// A registered builtin.
  case builtin(Builtin)
  /// A value from another module (dataset, model, attack, curve, …).
  case object(AegisObject)

  /// The type name used in messages and by `type(x)`.
  public var typeName: String {
    switch self {
    case .number: return "number"
    case .string: return "string"
    case .bool: return "bool"
    case .nil: return "nil"
    case .list: return "list"
    case .range: return "range"
    case .tensor: return "tensor"
    case .function: return "function"
    case .builtin: return "builtin"
    case .object(let o): return o.typeName
    }
  }

  /// Whether calling the value can work: functions, builtins and callable objects.
  public var isCallable: Bool {
    switch self {
    case .function, .builtin: return true
    case .object(let o): return o is AegisCallable
    default: return false
    }
  }

  /// Whether the value is `nil`.
  public var isNil: Bool {
    if case .nil = self { return true }
    return false
  }
}

/// A value owned by another module (Dataset, Model, Attack, History, Curve, Table, Task).
///
/// Conform a class to plug it into the language: the interpreter prints it with `summary`
/// (in lists, `who`) or `describe()` (auto-print), and `x.name` calls `member(_:)`.
public protocol AegisObject: AnyObject {
  /// Type name shown to users and matched by `ParameterType.object(typeName)`, e.g. "Model".
  var typeName: String { get }
  /// One line, e.g. "Model resnet(depth: 10) 78k params".
  var summary: String { get }
  /// Full printout (auto-print in the REPL).
  func describe() -> String
  /// The value of member `name`, or nil when there is no such member (the interpreter then
  /// reports an error with a "did you mean" over `memberNames`).
  func member(_ name: String) throws -> Value?
  /// Member names, for completion and suggestions.
  var memberNames: [String] { get }
}

extension AegisObject {
  /// By default the full printout is the summary.
  public func describe() -> String { summary }
  /// By default an object has no members.
  public func member(_ name: String) throws -> Value? { nil }
  /// By default an object has no members.
  public var memberNames: [String] { [] }
}

/// An object that can be called like a function, e.g. `net(x)` runs a model forward.
public protocol AegisCallable: AegisObject {
  /// Calls the object with evaluated arguments.
  func call(arguments: [Value], named: [String: Value], interpreter: Interpreter) throws -> Value
}

/// An object that supports `obj[i]`, e.g. `data[0]` for one sample.
public protocol AegisIndexable: AegisObject {
  /// The element at `indices`; `IndexValue.resolve(size:)` interprets each component.
  func element(at indices: [IndexValue]) throws -> Value
}

/// A lazy arithmetic progression of integers: `start, start+step, …` before `end`.
public struct RangeValue: Equatable, Sendable {
  /// First element.
  public var start: Int
  /// Excluded bound.
  public var end: Int
  /// Non-zero step.
  public var step: Int

  /// Creates a range; `step` must not be zero.
  public init(start: Int, end: Int, step: Int = 1) {
    self.start = start
    self.end = end
    self.step = step == 0 ? 1 : step
  }

  /// Number of elements.
  public var count: Int {
    if step > 0 { return end > start ? (end - start + step - 1) / step : 0 }
    return start > end ? (start - end - step - 1) / (-step) : 0
  }

  /// Element `i` (0-based, unchecked).
  public func element(_ i: Int) -> Int { start + i * step }

  /// The elements as numbers.
  public var values: [Value] { (0..<count).map { .number(Double(element($0))) } }

  /// `0..5` or `range(0, 10, 2)`.
  public var description: String {
    step == 1 ? "\(start)..\(end)" : "range(\(start), \(end), \(step))"
  }
}
