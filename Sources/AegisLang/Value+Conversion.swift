// Checked conversions from script values to Swift types: whole numbers, shapes, lists and
// tensors (from numbers and nested lists). Each failure is a `LangError`, never a trap: a
// script can pass NaN, 1e300 or a ragged list and must get a message back.

import AegisTensor

extension Value {
  /// Largest tensor a script may create (elements); beyond it is an error, not an allocation
  /// failure that kills the session. Hosts may lower it (the fuzz tests do).
  nonisolated(unsafe) public static var maxTensorElements = 1 << 27
  /// Longest list or string a script may build (ranges expanded, concatenations).
  nonisolated(unsafe) public static var maxListLength = 1 << 24

  /// The value as a whole number, or an error naming `what`.
  public func asInt(_ what: String) throws -> Int {
    guard case .number(let x) = self else { throw LangError("\(what) must be a whole number, got \(shortDescription)") }
    guard x.isFinite, x == x.rounded() else { throw LangError("\(what) must be a whole number, got \(Value.format(x))") }
    guard Swift.abs(x) < 9e15 else { throw LangError("\(what) is too large: \(Value.format(x))") }
    return Int(x)
  }

  /// The value as a number (one-element tensors included).
  public func asNumber(_ what: String) throws -> Double {
    switch self {
    case .number(let x): return x
    case .tensor(let t) where t.count == 1: return Double(t.storage[0])
    default: throw LangError("\(what) must be a number, got \(shortDescription)")
    }
  }

  /// Lists and ranges as an array of values.
  public func asList(_ what: String) throws -> [Value] {
    switch self {
    case .list(let items): return items
    case .range(let r):
      guard r.count <= Value.maxListLength else { throw LangError("\(what): range is too long to expand") }
      return r.values
    default: throw LangError("\(what) must be a list, got \(shortDescription)")
    }
  }

  /// A shape: one whole number `n` (meaning `[n]`) or a list of non-negative whole numbers.
  public func asShape(_ what: String) throws -> [Int] {
    let dims: [Int]
    switch self {
    case .number: dims = [try asInt(what)]
    case .list, .range: dims = try asList(what).map { try $0.asInt("\(what) dimension") }
    case .tensor(let t) where t.rank <= 1: dims = try t.storage.map { try Value.number(Double($0)).asInt(what) }
    default: throw LangError("\(what) must be a shape like [2, 3], got \(shortDescription)")
    }
    guard dims.allSatisfy({ $0 >= 0 }) else { throw LangError("\(what) has a negative dimension: \(dims)") }
    var total = 1
    for d in dims {
      let (product, overflow) = total.multipliedReportingOverflow(by: d)
      guard !overflow, product <= Value.maxTensorElements else {
        throw LangError("\(what) \(dims) is too large (limit \(Value.maxTensorElements) elements)")
      }
      total = product
    }
    return dims
  }

  /// A tensor from a tensor, a number (0-d), a range, or a rectangular nested list of numbers.
  public func asTensor(_ what: String) throws -> Tensor {
    switch self {
    case .tensor(let t): return t
    case .number(let x): return Tensor(Float(x))
    case .bool(let b): return Tensor(b ? 1 : 0)
    case .range(let r):
      guard r.count <= Value.maxTensorElements else { throw LangError("\(what): range is too long") }
      return Tensor(shape: [r.count], storage: (0..<r.count).map { Float(r.element($0)) })
    case .list(let items):
      let shape = try Value.leadingShape(items, what: what)
      var storage: [Float] = []
      storage.reserveCapacity(shape.reduce(1, *))
      try Value.flatten(items, depth: 0, shape: shape, into: &storage, what: what)
      return try Tensor(checkedShape: shape, storage: storage)
    default:
      throw LangError("\(what) must be a tensor (or a number or list of numbers), got \(shortDescription)")
    }
  }

  /// The shape implied by following the first element of each nested list.
  private static func leadingShape(_ items: [Value], what: String) throws -> [Int] {
    var shape = [items.count]
    var current = items.first
    while let item = current {
      let inner: [Value]
      switch item {
      case .list(let xs): inner = xs
      case .range(let r): inner = r.values
      default: return shape
      }
      guard shape.count < 32 else { throw LangError("\(what): list is nested too deeply") }
      shape.append(inner.count)
      current = inner.first
    }
    return shape
  }

  /// Appends a nested list's numbers row-major, checking every row against `shape`.
  private static func flatten(_ items: [Value], depth: Int, shape: [Int], into storage: inout [Float], what: String) throws {
    guard items.count == shape[depth] else {
      throw LangError("\(what): ragged list; rows at depth \(depth) have \(shape[depth]) and \(items.count) elements")
    }
    let leaf = depth == shape.count - 1
    for item in items {
      switch item {
      case .list(let inner) where !leaf: try flatten(inner, depth: depth + 1, shape: shape, into: &storage, what: what)
      case .range(let r) where !leaf: try flatten(r.values, depth: depth + 1, shape: shape, into: &storage, what: what)
      case .number(let x) where leaf: storage.append(Float(x))
      case .bool(let b) where leaf: storage.append(b ? 1 : 0)
      case .tensor(let t) where leaf && t.count == 1: storage.append(t.storage[0])
      case .list, .range, .number, .bool:
        throw LangError("\(what): ragged list; mixed numbers and lists at depth \(depth)")
      default:
        throw LangError("\(what): lists must contain only numbers, found \(item.shortDescription)")
      }
      guard storage.count <= maxTensorElements else { throw LangError("\(what): list is too large") }
    }
  }

  /// A tensor as a nested list of numbers (0-d tensors become a number).
  static func list(from t: Tensor) -> Value {
    if t.rank == 0 { return .number(Double(t.storage.first ?? 0)) }
    func build(_ axis: Int, _ offset: Int) -> Value {
      let n = t.shape[axis]
      let stride = t.shape[(axis + 1)...].reduce(1, *)
      if axis == t.rank - 1 { return .list((0..<n).map { .number(Double(t.storage[offset + $0])) }) }
      return .list((0..<n).map { build(axis + 1, offset + $0 * stride) })
    }
    return build(0, 0)
  }
}
