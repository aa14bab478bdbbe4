// Batch norm of channels-last activations [N, H, W, C], seen as [rows, C] (batchnorm_nhwc.c).
// Same formulas as the channels-first kernels; the rows are split into one fixed range per
// worker, and the per-worker partial sums are added in worker order, so results do not depend
// on thread timing.

import AegisKernels

extension Tensor {
  /// Rows and channels of a channels-last tensor: [rows, C].
  var channelsLastRows: (rows: Int, c: Int) { (count / shape[rank - 1], shape[rank - 1]) }

  /// Per-channel mean and biased variance over the rows.
  func channelsLastMoments() -> (mean: [Float], variance: [Float]) {
    let (rows, c) = channelsLastRows
    let (sum, squares) = Tensor.channelsLastSums(rows: rows, c: c) { range, s, q in
      storage.withUnsafeBufferPointer { aegis_nhwc_moments($0.baseAddress! + range.lowerBound * c, Int32(range.count), Int32(c), s, q) }
    }
    let m = Double(rows)
    let mean = sum.map { Float($0 / m) }
    let variance = (0..<c).map { ch in Float(Swift.max(squares[ch] / m - (sum[ch] / m) * (sum[ch] / m), 0)) }
    return (mean, variance)
  }

  /// Two per-channel sums over the rows: `body(range, sumA, sumB)` adds one worker's rows.
  static func channelsLastSums(rows: Int, c: Int,
                               _ body: (Range<Int>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void)
    -> ([Double], [Double])
  {
    let ranges = rowRanges(rows)
    var partial = [Double](repeating: 0, count: ranges.count * 2 * c)
    partial.withUnsafeMutableBufferPointer { p in
      let base = p.baseAddress!
      Parallel.forEach(ranges.count) { w in body(ranges[w], base + w * 2 * c, base + w * 2 * c + c) }
    }
    var a = [Double](repeating: 0, count: c), b = [Double](repeating: 0, count: c)
    for w in 0..<ranges.count {
      for ch in 0..<c {
        a[ch] += partial[w * 2 * c + ch]
        b[ch] += partial[w * 2 * c + c + ch]
      }
    }
    return (a, b)
  }

  /// One fixed, non-empty range of rows per worker (fewer for small tensors).
  static func rowRanges(_ rows: Int) -> [Range<Int>] {
    let workers = rows < 256 ? 1 : Parallel.workers
    let size = (rows + workers - 1) / workers
    return stride(from: 0, to: rows, by: Swift.max(size, 1)).map { $0..<Swift.min($0 + size, rows) }
  }

  /// x·scale[c] + shift[c] (then ReLU) over the rows.
  func channelsLastAffine(scale: [Float], shift: [Float], relu: Bool) -> [Float] {
    let (rows, c) = channelsLastRows
    let ranges = Tensor.rowRanges(rows)
    return storage.withUnsafeBufferPointer { px in
      uninitializedFloats(count) { op in
        Parallel.forEach(ranges.count) { w in
          let r = ranges[w], offset = r.lowerBound * c
          aegis_nhwc_affine(px.baseAddress! + offset, Int32(r.count), Int32(c), scale, shift, relu ? 1 : 0, op + offset)
        }
      }
    }
  }

  /// Training-mode batch norm of [N, H, W, C] with the fused kernels (see batchNormTraining).
  func channelsLastBatchNorm(gamma: Tensor, beta: Tensor, mean: [Float], variance: [Float], epsilon: Float, relu: Bool) -> Tensor {
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let scale = (0..<mean.count).map { gamma.storage[$0] * invStd[$0] }
    let shift = (0..<mean.count).map { beta.storage[$0] - mean[$0] * scale[$0] }
    let x = self
    let result = Tensor(shape: shape, storage: channelsLastAffine(scale: scale, shift: shift, relu: relu))
    result.recorded(relu ? "batchNorm+relu" : "batchNorm", [x, gamma, beta]) { [unowned result] g in
      Tensor.channelsLastBatchNormBackward(g, x: x, reluOutput: relu ? result : nil, mean: mean, invStd: invStd, gamma: gamma)
    }
    return result
  }

  private static func channelsLastBatchNormBackward(_ g: Tensor, x: Tensor, reluOutput: Tensor?, mean: [Float], invStd: [Float],
                                                    gamma: Tensor) -> [Tensor?] {
    let (rows, c) = x.channelsLastRows
    let gp = g.storage, xp = x.storage, yp = reluOutput?.storage
    let (sumG, sumGX) = channelsLastSums(rows: rows, c: c) { range, s, sx in
      let offset = range.lowerBound * c
      gp.withUnsafeBufferPointer { pg in
        xp.withUnsafeBufferPointer { px in
          withOptionalArray(yp) { py in
            aegis_nhwc_bn_backward_sums(pg.baseAddress! + offset, px.baseAddress! + offset, py.map { $0 + offset }, Int32(range.count),
                                        Int32(c), mean, invStd, s, sx)
          }
        }
      }
    }
    let sg = sumG.map { Float($0) }, sgx = sumGX.map { Float($0) }
    var dx: Tensor?
    if x.requiresGrad {
      let ranges = rowRanges(rows)
      let out = gp.withUnsafeBufferPointer { pg in
        xp.withUnsafeBufferPointer { px in
          withOptionalArray(yp) { py in
            uninitializedFloats(g.count) { dxp in
              Parallel.forEach(ranges.count) { w in
                let r = ranges[w], offset = r.lowerBound * c
                aegis_nhwc_bn_backward(pg.baseAddress! + offset, px.baseAddress! + offset, py.map { $0 + offset }, Int32(r.count), Int32(c),
                                       Int32(rows), mean, invStd, gamma.storage, sg, sgx, dxp + offset)
              }
            }
          }
        }
      }
      dx = Tensor(shape: x.shape, storage: out)
    }
    return [dx, Tensor(shape: [c], storage: sgx), Tensor(shape: [c], storage: sg)]
  }

  /// max(0, x·scale[c] + shift[c]) of [N, H, W, C], forward and backward in one pass each.
  func channelsLastAffineReLU(scale: Tensor, shift: Tensor) -> Tensor {
    let x = self
    let result = Tensor(shape: shape, storage: channelsLastAffine(scale: scale.storage, shift: shift.storage, relu: true))
    return result.recorded("affine+relu", [x, scale, shift]) { [unowned result] g in
      Tensor.channelsLastAffineReLUBackward(g, x: x, output: result, scale: scale, shift: shift)
    }
  }

  private static func channelsLastAffineReLUBackward(_ g: Tensor, x: Tensor, output: Tensor, scale: Tensor, shift: Tensor) -> [Tensor?] {
    let (rows, c) = x.channelsLastRows
    let ranges = rowRanges(rows)
    let dx = x.requiresGrad ? g.storage.withUnsafeBufferPointer { pg in
      output.storage.withUnsafeBufferPointer { py in
        uninitializedFloats(g.count) { dxp in
          Parallel.forEach(ranges.count) { w in
            let r = ranges[w], offset = r.lowerBound * c
            aegis_nhwc_affine_relu_backward(pg.baseAddress! + offset, py.baseAddress! + offset, Int32(r.count), Int32(c), scale.storage, dxp + offset)
          }
        }
      }
    } : nil
    let dxTensor = dx.map { Tensor(shape: x.shape, storage: $0) }
    guard scale.requiresGrad || shift.requiresGrad else { return [dxTensor, nil, nil] }
    let gp = g.storage, xp = x.storage, yp = output.storage
    let (sumG, sumGX) = channelsLastSums(rows: rows, c: c) { range, s, sx in
      let offset = range.lowerBound * c
      gp.withUnsafeBufferPointer { pg in
        xp.withUnsafeBufferPointer { px in
          yp.withUnsafeBufferPointer { py in
            aegis_nhwc_affine_relu_sums(pg.baseAddress! + offset, px.baseAddress! + offset, py.baseAddress! + offset, Int32(range.count),
                                        Int32(c), s, sx)
          }
        }
      }
    }
    return [dxTensor, Tensor(shape: [c], storage: sumGX.map { Float($0) }), Tensor(shape: [c], storage: sumG.map { Float($0) })]
  }
}

/// `body` with the storage of `array` (nil when there is none).
@inline(__always)
func withOptionalArray<R>(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let array else { return body(nil) }
  return array.withUnsafeBufferPointer { body($0.baseAddress) }
}
