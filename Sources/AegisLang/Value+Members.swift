// Member access `x.name`: tensor properties (shape, count, rank, T, item), counts of lists and
// strings, range bounds, and whatever an `AegisObject` exposes. Unknown members get a
// "did you mean" hint from the same name lists that completion uses.

import AegisTensor

extension Value {
  /// Member names of this value, for completion and hints.
  public var memberNames: [String] {
    switch self {
    case .tensor: return ["T", "count", "item", "rank", "shape"]
    case .list, .string: return ["count"]
    case .range: return ["count", "end", "start", "step"]
    case .object(let o): return o.memberNames.sorted()
    default: return []
    }
  }

  /// The value of member `name`, or a `LangError` (without location).
  public func member(_ name: String) throws -> Value {
    if let v = try builtinMember(name) { return v }
    let names = memberNames
    let hint = EditDistance.suggestion(for: name, among: names).map { "did you mean `\($0)`?" }
      ?? (names.isEmpty ? nil : "members: " + names.joined(separator: ", "))
    throw LangError("\(typeName) has no member `\(name)`", hint: hint)
  }

  private func builtinMember(_ name: String) throws -> Value? {
    switch (self, name) {
    case (.tensor(let t), "shape"): return .list(t.shape.map { .number(Double($0)) })
    case (.tensor(let t), "count"): return .number(Double(t.count))
    case (.tensor(let t), "rank"): return .number(Double(t.rank))
    case (.tensor(let t), "T"):
      guard t.rank == 2 else { throw LangError("`.T` needs a 2-D tensor, got shape \(t.shape); use transpose(t, axes: …)") }
      return .tensor(t.transposed())
    case (.tensor(let t), "item"):
      guard t.count == 1 else { throw LangError("`.item` needs a one-element tensor, got shape \(t.shape)") }
      return .number(Double(t.storage[0]))
    case (.list(let xs), "count"): return .number(Double(xs.count))
    case (.string(let s), "count"): return .number(Double(s.count))
    case (.range(let r), "count"): return .number(Double(r.count))
    case (.range(let r), "start"): return .number(Double(r.start))
    case (.range(let r), "end"): return .number(Double(r.end))
    case (.range(let r), "step"): return .number(Double(r.step))
    case (.object(let o), _): return try o.member(name)
    default: return nil
    }
  }
}
