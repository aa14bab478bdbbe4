// Shape arithmetic: element counts, strides and broadcasting rules (NumPy's).

extension Array where Element == Int {
  /// Product of the dimensions (1 for a scalar).
  @inlinable public var elementCount: Int { reduce(1, *) }

  /// Row-major strides.
  public var contiguousStrides: [Int] {
    var strides = [Int](repeating: 1, count: count)
    var acc = 1
    for i in stride(from: count - 1, through: 0, by: -1) {
      strides[i] = acc
      acc *= self[i]
    }
    return strides
  }
}

enum Broadcast {
  /// The shape two operands broadcast to, or nil when they cannot.
  static func shape(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = Swift.max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
    }
    return out
  }

  /// Strides of `shape` viewed inside `target` (0 on broadcast dimensions).
  static func strides(of shape: [Int], in target: [Int]) -> [Int] {
    let pad = target.count - shape.count
    let own = shape.contiguousStrides
    return (0..<target.count).map { i in
      i < pad ? 0 : (shape[i - pad] == 1 && target[i] != 1 ? 0 : own[i - pad])
    }
  }

  /// Merges adjacent dimensions that are contiguous for every operand, so loops stay short.
  static func coalesce(_ shape: [Int], _ strideSets: [[Int]]) -> ([Int], [[Int]]) {
    var dims: [Int] = []
    var sets: [[Int]] = strideSets.map { _ in [] }
    for i in 0..<shape.count where shape[i] != 1 {
      if let last = dims.last, strideSets.indices.allSatisfy({ k in
        sets[k].last! == strideSets[k][i] * shape[i]
      }) {
        dims[dims.count - 1] = last * shape[i]
        for k in sets.indices { sets[k][sets[k].count - 1] = strideSets[k][i] }
      } else {
        dims.append(shape[i])
        for k in sets.indices { sets[k].append(strideSets[k][i]) }
      }
    }
    if dims.isEmpty { return ([1], strideSets.map { _ in [0] }) }
    return (dims, sets)
  }
}
