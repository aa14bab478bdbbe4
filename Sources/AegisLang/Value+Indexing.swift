// Indexing and slicing: `xs[-1]`, `s[1:3]`, `t[0, 2:5]`, `t[:, 1]`, `t[::2]`, `xs[1..3]`, and
// element assignment `xs[i] = v`. Slices follow Python (clamped bounds, negative steps); single
// indices are bounds-checked. Tensor indexing uses differentiable slice/gather ops so `grad`
// flows through it.

import AegisTensor

/// One evaluated component of an index expression.
public enum IndexValue: Equatable {
  case single(Int)
  case slice(start: Int?, end: Int?, step: Int?)
  case range(RangeValue)

  /// What the component selects in a dimension of size `n`.
  public enum Selection: Equatable {
    /// One position (the dimension is dropped).
    case element(Int)
    /// Several positions, in order (the dimension is kept).
    case positions([Int])
  }

  /// Resolves against a dimension of size `n`, checking single indices.
  public func resolve(size n: Int) throws -> Selection {
    switch self {
    case .single(let i):
      let j = i < 0 ? i + n : i
      guard j >= 0 && j < n else { throw LangError("index \(i) is out of range for length \(n)") }
      return .element(j)
    case .range(let r):
      return try IndexValue.slice(start: r.start, end: r.end, step: r.step).resolve(size: n)
    case .slice(let start, let end, let step):
      let s = step ?? 1
      guard s != 0 else { throw LangError("slice step cannot be zero") }
      func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(v, lo), hi) }
      func normalize(_ v: Int) -> Int { v < 0 ? v + n : v }
      if s > 0 {
        let a = clamp(normalize(start ?? 0), 0, n), b = clamp(normalize(end ?? n), 0, n)
        return .positions(Array(stride(from: a, to: b, by: s)))
      }
      let a = clamp(start.map(normalize) ?? n - 1, -1, n - 1)
      let b = clamp(end.map(normalize) ?? -1, -1, n - 1)
      return .positions(Array(stride(from: a, to: b, by: s)))
    }
  }
}

extension Value {
  /// `base[indices]`; errors carry no location.
  public static func index(_ base: Value, _ indices: [IndexValue]) throws -> Value {
    if case .tensor(let t) = base { return .tensor(try indexTensor(t, indices)) }
    if case .object(let o as AegisIndexable) = base { return try o.element(at: indices) }
    guard indices.count == 1, let index = indices.first else {
      throw LangError("\(base.typeName) takes one index, got \(indices.count)")
    }
    switch base {
    case .list(let items): return try pick(items, index) { .list($0) }
    case .string(let s): return try pick(s.map { Value.string(String($0)) }, index) { .string($0.map(\.description).joined()) }
    case .range(let r):
      // Ranges can be astronomically long; only a single index is answered without expanding.
      if case .single = index, case .element(let i) = try index.resolve(size: r.count) {
        return .number(Double(r.element(i)))
      }
      guard r.count <= maxListLength else { throw LangError("range is too long to slice; use list() on a smaller range") }
      return try pick(r.values, index) { .list($0) }
    default:
      throw LangError("cannot index \(base.shortDescription)")
    }

    func pick(_ items: [Value], _ index: IndexValue, _ wrap: ([Value]) -> Value) throws -> Value {
      switch try index.resolve(size: items.count) {
      case .element(let i): return items[i]
      case .positions(let p): return wrap(p.map { items[$0] })
      }
    }
  }

  /// Tensor indexing: one component per leading axis; single indices drop their axis.
  static func indexTensor(_ t: Tensor, _ indices: [IndexValue]) throws -> Tensor {
    guard indices.count <= t.rank else {
      throw LangError("too many indices: tensor of shape \(t.shape) has rank \(t.rank), got \(indices.count) indices")
    }
    var result = t
    var dropped = Set<Int>()
    for (axis, index) in indices.enumerated() {
      switch try index.resolve(size: result.shape[axis]) {
      case .element(let i):
        result = result.slice(axis: axis, i ..< i + 1)
        dropped.insert(axis)
      case .positions(let p):
        result = gather(result, axis: axis, p)
      }
    }
    let shape = result.shape.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    return shape == result.shape ? result : result.reshaped(shape)
  }

  /// Positions `p` along `axis`: a slice when contiguous, else a gather (both differentiable).
  static func gather(_ t: Tensor, axis: Int, _ p: [Int]) -> Tensor {
    if p.count == t.shape[axis] && p == Array(0..<p.count) { return t }
    guard let first = p.first else { return t.slice(axis: axis, 0 ..< 0) }
    if p == Array(first ..< first + p.count) { return t.slice(axis: axis, first ..< first + p.count) }
    if axis == 0 { return t.gatherRows(p) }
    var order = Array(0..<t.rank)
    order.remove(at: axis)
    order.insert(axis, at: 0)
    var inverse = [Int](repeating: 0, count: order.count)
    for (i, d) in order.enumerated() { inverse[d] = i }
    return t.permuted(order).gatherRows(p).permuted(inverse)
  }

  /// `container` with the element at `indices` replaced (lists and single tensor elements).
  public static func settingIndex(_ container: Value, _ indices: [IndexValue], to value: Value) throws -> Value {
    switch container {
    case .list(var items):
      guard indices.count == 1, case .element(let i) = try indices[0].resolve(size: items.count) else {
        throw LangError("only a single list element can be assigned, e.g. xs[2] = v")
      }
      items[i] = value
      return .list(items)
    case .tensor(let t):
      guard indices.count == t.rank else {
        throw LangError("tensor assignment needs one index per axis (\(t.rank)); build a new tensor for slices")
      }
      var offset = 0
      for (axis, index) in indices.enumerated() {
        guard case .element(let i) = try index.resolve(size: t.shape[axis]) else {
          throw LangError("only single tensor elements can be assigned; build a new tensor for slices")
        }
        offset = offset * t.shape[axis] + i
      }
      var storage = t.storage
      storage[offset] = Float(try value.asNumber("assigned value"))
      return .tensor(Tensor(shape: t.shape, storage: storage))
    default:
      throw LangError("cannot assign an element of \(container.shortDescription)")
    }
  }
}
