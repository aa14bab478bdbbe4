// Reductions: sums and means over axes (differentiable), maxima and argmax (not).

extension Tensor {
  /// Normalizes a possibly negative axis, or throws.
  public func checkedAxis(_ axis: Int) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0 && a < Swift.max(rank, 1) else { throw TensorError.axisOutOfRange(axis: axis, rank: rank) }
    return a
  }

  func normalizedAxis(_ axis: Int) -> Int { axis < 0 ? axis + rank : axis }

  /// Sums one axis, viewing the tensor as [outer, n, inner]; keeps the axis with size 1.
  private func sumOneAxisKeepingDim(_ axis: Int) -> Tensor {
    let n = shape[axis]
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    var outShape = shape
    outShape[axis] = 1
    var out = [Float](repeating: 0, count: outer * inner)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        for i in 0..<outer {
          let src = i * n * inner, dst = i * inner
          for k in 0..<n {
            let row = src + k * inner
            for j in 0..<inner { o[dst + j] += p[row + j] }
          }
        }
      }
    }
    return Tensor(shape: outShape, storage: out)
  }

  /// Sums [N, C, H, W] over N, H and W → [1, C, 1, 1].
  private func perChannelSum() -> Tensor {
    let n = shape[0], c = shape[1], plane = shape[2] * shape[3]
    var out = [Float](repeating: 0, count: c)
    storage.withUnsafeBufferPointer { p in
      for b in 0..<n {
        for ch in 0..<c {
          let base = (b * c + ch) * plane
          var acc: Float = 0
          for i in 0..<plane { acc += p[base + i] }
          out[ch] += acc
        }
      }
    }
    return Tensor(shape: [1, c, 1, 1], storage: out)
  }

  /// Sum over `axes` (all when empty). Gradient: broadcast back.
  public func sum(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
    let list = axes.isEmpty ? Array(0..<rank) : Array(Set(axes.map(normalizedAxis))).sorted()
    var result = self.detached()
    if rank == 4 && list == [0, 2, 3] {
      result = perChannelSum()  // bias and batch-norm gradients: one pass instead of three
    } else {
      for axis in list.reversed() { result = result.sumOneAxisKeepingDim(axis) }
    }
    let keptShape = result.shape
    if !keepDims {
      let finalShape = shape.enumerated().filter { !list.contains($0.offset) }.map(\.element)
      result = Tensor(shape: finalShape, storage: result.storage)
    }
    let inputShape = shape
    return result.recorded("sum", [self]) { g in [g.reshaped(keptShape).expanded(to: inputShape)] }
  }

  /// Mean over `axes` (all when empty).
  public func mean(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
    let list = axes.isEmpty ? Array(0..<rank) : axes.map(normalizedAxis)
    let n = Set(list).reduce(1) { $0 * shape[$1] }
    return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
  }

  /// Broadcasts to a larger shape. Gradient: sum back down.
  public func expanded(to target: [Int]) -> Tensor {
    if shape == target { return self }
    var out = [Float](repeating: 0, count: target.elementCount)
    storage.withUnsafeBufferPointer { p in
      let zero: [Float] = [0]
      zero.withUnsafeBufferPointer { z in
        out.withUnsafeMutableBufferPointer { o in
          Tensor.stridedBinary(p, z, o, target, shape, []) { a, _ in a }
        }
      }
    }
    let inputShape = shape
    return Tensor(shape: target, storage: out).recorded("expand", [self]) { g in [g.sum(toShape: inputShape)] }
  }

  /// Maximum along `axis` (not differentiable; used for stability shifts and reports).
  public func max(axis: Int, keepDims: Bool = false) -> Tensor {
    let a = normalizedAxis(axis)
    let (values, _) = maxAndIndex(axis: a)
    var s = shape
    if keepDims { s[a] = 1 } else { s.remove(at: a) }
    return Tensor(shape: s, storage: values)
  }

  /// Index of the maximum along `axis`, flattened over the other axes in row-major order.
  public func argmax(axis: Int = -1) -> [Int] { maxAndIndex(axis: normalizedAxis(axis)).1 }

  private func maxAndIndex(axis: Int) -> ([Float], [Int]) {
    let n = shape[axis]
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    var values = [Float](repeating: -.infinity, count: outer * inner)
    var indices = [Int](repeating: 0, count: outer * inner)
    storage.withUnsafeBufferPointer { p in
      for i in 0..<outer {
        for j in 0..<inner {
          var best = -Float.infinity, bestK = 0
          for k in 0..<n {
            let v = p[(i * n + k) * inner + j]
            if v > best || (k == 0) { best = v; bestK = k }
          }
          values[i * inner + j] = best
          indices[i * inner + j] = bestK
        }
      }
    }
    return (values, indices)
  }

  /// Minimum and maximum over all elements (for printing and validation).
  public var range: (min: Float, max: Float) {
    var lo = Float.infinity, hi = -Float.infinity
    for v in storage { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
    return (lo, hi)
  }
}
