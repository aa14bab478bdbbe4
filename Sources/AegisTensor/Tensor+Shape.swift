// Shape manipulation: reshape, permute, concatenate, slice, gather rows, rotate images.

extension Tensor {
  /// Same elements, new shape (one dimension may be -1). Gradient: reshape back.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    var s = newShape
    if let i = s.firstIndex(of: -1) {
      let known = s.enumerated().filter { $0.offset != i }.reduce(1) { $0 * $1.element }
      s[i] = known == 0 ? 0 : count / known
    }
    precondition(s.elementCount == count, "internal: reshape \(shape) -> \(newShape)")
    let inputShape = shape
    return Tensor(shape: s, storage: storage).recorded("reshape", [self]) { g in [g.reshaped(inputShape)] }
  }

  /// Checked reshape for user input.
  public func reshapedChecked(_ newShape: [Int]) throws -> Tensor {
    let unknown = newShape.filter { $0 == -1 }.count
    guard unknown <= 1, newShape.allSatisfy({ $0 >= -1 }) else { throw TensorError.invalidShape(newShape) }
    let known = newShape.filter { $0 != -1 }.reduce(1, *)
    let ok = unknown == 1 ? (known > 0 && count % known == 0) : known == count
    guard ok else { throw TensorError.shapeMismatch(operation: "reshape", shape, newShape) }
    return reshaped(newShape)
  }

  /// Flattens all but the first dimension: [N, …] → [N, rest].
  public func flattenedBatch() -> Tensor { reshaped([shape.first ?? 1, -1]) }

  /// Reorders dimensions: result dimension i is input dimension `order[i]`.
  public func permuted(_ order: [Int]) -> Tensor {
    let outShape = order.map { shape[$0] }
    let inStrides = shape.contiguousStrides
    let strides = order.map { inStrides[$0] }
    var out = [Float](repeating: 0, count: count)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        let zero: [Float] = [0]
        zero.withUnsafeBufferPointer { _ in
          Tensor.gatherStrided(p, o, outShape, strides)
        }
      }
    }
    var inverse = [Int](repeating: 0, count: order.count)
    for (i, d) in order.enumerated() { inverse[d] = i }
    return Tensor(shape: outShape, storage: out).recorded("permute", [self]) { g in [g.permuted(inverse)] }
  }

  /// Writes `p` read with `strides` over `shape` into contiguous `o`.
  static func gatherStrided(_ p: UnsafeBufferPointer<Float>, _ o: UnsafeMutableBufferPointer<Float>, _ shape: [Int], _ strides: [Int]) {
    let (dims, sets) = Broadcast.coalesce(shape, [strides])
    let s = sets[0]
    let inner = dims[dims.count - 1], si = s[s.count - 1]
    let outer = dims.count - 1
    let rows = o.count / Swift.max(inner, 1)
    var index = [Int](repeating: 0, count: Swift.max(outer, 1))
    var off = 0
    for row in 0..<rows {
      let base = row * inner
      for j in 0..<inner { o[base + j] = p[off + j * si] }
      var d = outer - 1
      while d >= 0 {
        index[d] += 1
        off += s[d]
        if index[d] < dims[d] { break }
        off -= s[d] * dims[d]
        index[d] = 0
        d -= 1
      }
    }
  }

  /// Matrix transpose of a rank-2 tensor.
  public func transposed() -> Tensor { permuted([1, 0]) }

  /// Joins tensors along `axis`; all other dimensions must agree.
  public static func concat(_ parts: [Tensor], axis: Int = 0) -> Tensor {
    precondition(!parts.isEmpty, "internal: concat of nothing")
    let first = parts[0]
    let a = first.normalizedAxis(axis)
    let outer = first.shape[..<a].reduce(1, *)
    let inner = first.shape[(a + 1)...].reduce(1, *)
    var outShape = first.shape
    outShape[a] = parts.reduce(0) { $0 + $1.shape[a] }
    var out = [Float](repeating: 0, count: outShape.elementCount)
    let total = outShape[a] * inner
    var offset = 0
    for part in parts {
      let block = part.shape[a] * inner
      part.storage.withUnsafeBufferPointer { p in
        out.withUnsafeMutableBufferPointer { o in
          for i in 0..<outer {
            for j in 0..<block { o[i * total + offset + j] = p[i * block + j] }
          }
        }
      }
      offset += block
    }
    let sizes = parts.map { $0.shape[a] }
    return Tensor(shape: outShape, storage: out).recorded("concat", parts) { g in
      var start = 0
      return sizes.map { size in
        defer { start += size }
        return g.slice(axis: a, start ..< start + size)
      }
    }
  }

  /// Stacks equal-shaped tensors along a new leading axis.
  public static func stack(_ parts: [Tensor]) -> Tensor {
    concat(parts.map { $0.reshaped([1] + $0.shape) }, axis: 0)
  }

  /// Elements `range` along `axis`. Gradient: scattered into zeros.
  public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
    let a = normalizedAxis(axis)
    let outer = shape[..<a].reduce(1, *)
    let inner = shape[(a + 1)...].reduce(1, *)
    var outShape = shape
    outShape[a] = range.count
    let block = range.count * inner, full = shape[a] * inner, start = range.lowerBound * inner
    var out = [Float](repeating: 0, count: outShape.elementCount)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        for i in 0..<outer {
          for j in 0..<block { o[i * block + j] = p[i * full + start + j] }
        }
      }
    }
    let inputShape = shape
    return Tensor(shape: outShape, storage: out).recorded("slice", [self]) { g in
      [g.padSlice(axis: a, range, into: inputShape)]
    }
  }

  /// The adjoint of `slice`: places `self` at `range` along `axis` inside zeros of `shape`.
  func padSlice(axis a: Int, _ range: Range<Int>, into target: [Int]) -> Tensor {
    let outer = target[..<a].reduce(1, *)
    let inner = target[(a + 1)...].reduce(1, *)
    let block = range.count * inner, full = target[a] * inner, start = range.lowerBound * inner
    var out = [Float](repeating: 0, count: target.elementCount)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        for i in 0..<outer {
          for j in 0..<block { o[i * full + start + j] = p[i * block + j] }
        }
      }
    }
    return Tensor(shape: target, storage: out).recorded("padSlice", [self]) { g in [g.slice(axis: a, range)] }
  }

  /// Rows `indices` of the leading axis (a batch gather). Gradient: scatter-added back.
  public func gatherRows(_ indices: [Int]) -> Tensor {
    let rowSize = count / Swift.max(shape[0], 1)
    var out = [Float](repeating: 0, count: indices.count * rowSize)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        for (k, r) in indices.enumerated() {
          for j in 0..<rowSize { o[k * rowSize + j] = p[r * rowSize + j] }
        }
      }
    }
    let rows = shape[0]
    var outShape = shape
    outShape[0] = indices.count
    return Tensor(shape: outShape, storage: out).recorded("gatherRows", [self]) { g in
      [g.scatterRows(indices, rows: rows)]
    }
  }

  /// The adjoint of `gatherRows`: adds row k of `self` into row `indices[k]` of zeros.
  func scatterRows(_ indices: [Int], rows: Int) -> Tensor {
    let rowSize = count / Swift.max(shape[0], 1)
    var out = [Float](repeating: 0, count: rows * rowSize)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        for (k, r) in indices.enumerated() {
          for j in 0..<rowSize { o[r * rowSize + j] += p[k * rowSize + j] }
        }
      }
    }
    var outShape = shape
    outShape[0] = rows
    return Tensor(shape: outShape, storage: out).recorded("scatterRows", [self]) { g in [g.gatherRows(indices)] }
  }

  /// Rotates the two last (spatial) axes by k·90° counter-clockwise, as `torch.rot90(x, k, (-2, -1))`.
  public func rot90(_ k: Int) -> Tensor {
    let turns = ((k % 4) + 4) % 4
    if turns == 0 { return self }
    let h = shape[rank - 2], w = shape[rank - 1]
    let planes = count / Swift.max(h * w, 1)
    var outShape = shape
    if turns % 2 == 1 { outShape[rank - 2] = w; outShape[rank - 1] = h }
    let oh = outShape[rank - 2], ow = outShape[rank - 1]
    var out = [Float](repeating: 0, count: count)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        for plane in 0..<planes {
          let base = plane * h * w
          for i in 0..<oh {
            for j in 0..<ow {
              // Source coordinates of output (i, j) for a counter-clockwise rotation.
              let (si, sj): (Int, Int)
              switch turns {
              case 1: (si, sj) = (j, w - 1 - i)
              case 2: (si, sj) = (h - 1 - i, w - 1 - j)
              default: (si, sj) = (h - 1 - j, i)
              }
              o[base + i * ow + j] = p[base + si * w + sj]
            }
          }
        }
      }
    }
    return Tensor(shape: outShape, storage: out).recorded("rot90", [self]) { g in [g.rot90(-turns)] }
  }

  /// Mirrors the last axis (horizontal flip of images).
  public func flippedHorizontally() -> Tensor {
    let w = shape[rank - 1]
    let rows = count / Swift.max(w, 1)
    var out = [Float](repeating: 0, count: count)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        for r in 0..<rows { for j in 0..<w { o[r * w + j] = p[r * w + w - 1 - j] } }
      }
    }
    return Tensor(shape: shape, storage: out).recorded("flip", [self]) { g in [g.flippedHorizontally()] }
  }
}
