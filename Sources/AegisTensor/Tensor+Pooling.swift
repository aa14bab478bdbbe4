// Max and average pooling over the spatial axes of [N, C, H, W]; each with its adjoint op.

extension Tensor {
  /// Max pooling with a square window (no padding). Gradient: routed to each window's maximum.
  public func maxPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
    let s = stride ?? kernel
    let n = shape[0], c = shape[1], h = shape[2], w = shape[3]
    let oh = (h - kernel) / s + 1, ow = (w - kernel) / s + 1
    var out = [Float](repeating: 0, count: n * c * oh * ow)
    var source = [Int](repeating: 0, count: out.count)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        source.withUnsafeMutableBufferPointer { src in
          Parallel.forRanges(n * c, grain: 64) { planes in
            for plane in planes {
              let ib = plane * h * w, ob = plane * oh * ow
              for y in 0..<oh {
                for x in 0..<ow {
                  var best = -Float.infinity, bestIndex = ib + y * s * w + x * s
                  for i in 0..<kernel {
                    for j in 0..<kernel {
                      let idx = ib + (y * s + i) * w + x * s + j
                      if p[idx] > best { best = p[idx]; bestIndex = idx }
                    }
                  }
                  o[ob + y * ow + x] = best
                  src[ob + y * ow + x] = bestIndex
                }
              }
            }
          }
        }
      }
    }
    let inputShape = shape
    return Tensor(shape: [n, c, oh, ow], storage: out).recorded("maxPool2d", [self]) { g in
      [g.scatterFlat(source, into: inputShape, distinct: s >= kernel)]
    }
  }

  /// Adds element k of `self` at flat position `positions[k]` of zeros shaped `target`.
  /// `distinct`: no position repeats (pooling windows that do not overlap), so the adds are
  /// plain stores and can be spread over the cores.
  func scatterFlat(_ positions: [Int], into target: [Int], distinct: Bool = false) -> Tensor {
    var out = [Float](repeating: 0, count: target.elementCount)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        if distinct {
          Parallel.forRanges(positions.count) { r in for k in r { o[positions[k]] = p[k] } }
        } else {
          for (k, pos) in positions.enumerated() { o[pos] += p[k] }
        }
      }
    }
    let outShape = shape
    return Tensor(shape: target, storage: out).recorded("scatterFlat", [self]) { g in
      [g.gatherFlat(positions, shape: outShape)]
    }
  }

  /// Elements at flat `positions`, shaped `shape` (the adjoint of `scatterFlat`).
  func gatherFlat(_ positions: [Int], shape outShape: [Int]) -> Tensor {
    let values = positions.map { storage[$0] }
    let inputShape = shape
    return Tensor(shape: outShape, storage: values).recorded("gatherFlat", [self]) { g in
      [g.scatterFlat(positions, into: inputShape)]
    }
  }

  /// Average pooling with a square window (no padding). Linear, so its adjoint is its gradient.
  public func avgPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
    let s = stride ?? kernel
    let n = shape[0], c = shape[1], h = shape[2], w = shape[3]
    let oh = (h - kernel) / s + 1, ow = (w - kernel) / s + 1
    let scale = 1 / Float(kernel * kernel)
    var out = [Float](repeating: 0, count: n * c * oh * ow)
    storage.withUnsafeBufferPointer { p in
      for plane in 0..<(n * c) {
        let ib = plane * h * w, ob = plane * oh * ow
        for y in 0..<oh {
          for x in 0..<ow {
            var acc: Float = 0
            for i in 0..<kernel { for j in 0..<kernel { acc += p[ib + (y * s + i) * w + x * s + j] } }
            out[ob + y * ow + x] = acc * scale
          }
        }
      }
    }
    let inputShape = shape
    return Tensor(shape: [n, c, oh, ow], storage: out).recorded("avgPool2d", [self]) { g in
      [g.avgPool2dAdjoint(kernel: kernel, stride: s, inputShape: inputShape)]
    }
  }

  func avgPool2dAdjoint(kernel: Int, stride s: Int, inputShape: [Int]) -> Tensor {
    let n = inputShape[0], c = inputShape[1], h = inputShape[2], w = inputShape[3]
    let oh = shape[2], ow = shape[3]
    let scale = 1 / Float(kernel * kernel)
    var out = [Float](repeating: 0, count: inputShape.elementCount)
    storage.withUnsafeBufferPointer { p in
      for plane in 0..<(n * c) {
        let ib = plane * h * w, ob = plane * oh * ow
        for y in 0..<oh {
          for x in 0..<ow {
            let v = p[ob + y * ow + x] * scale
            for i in 0..<kernel { for j in 0..<kernel { out[ib + (y * s + i) * w + x * s + j] += v } }
          }
        }
      }
    }
    return Tensor(shape: inputShape, storage: out).recorded("avgPool2dAdjoint", [self]) { g in
      [g.avgPool2d(kernel: kernel, stride: s)]
    }
  }

  /// Mean over the spatial axes: [N, C, H, W] → [N, C].
  public func globalAvgPool() -> Tensor { mean(axes: [2, 3]) }
}
