// Batch norm of activations stored channels-last or blocked (batchnorm_nhwc.c over ChannelRuns).
// Same formulas as the channels-first kernels of Tensor+Normalization.

import AegisKernels

extension Tensor {
  /// Per-channel mean and biased variance over the positions.
  func storedLayoutMoments(_ runs: ChannelRuns) -> (mean: [Float], variance: [Float]) {
    let (sum, squares) = storage.withUnsafeBufferPointer { px in
      runs.sums { run, s, q in aegis_nhwc_moments(px.baseAddress! + run.offset, Int32(run.rows), Int32(runs.width), s, q) }
    }
    let m = Double(runs.positions)
    let mean = sum.map { Float($0 / m) }
    let variance = (0..<runs.channels).map { ch in Float(Swift.max(squares[ch] / m - (sum[ch] / m) * (sum[ch] / m), 0)) }
    return (mean, variance)
  }

  /// x·scale[c] + shift[c] (then ReLU).
  func storedLayoutAffine(_ runs: ChannelRuns, scale: [Float], shift: [Float], relu: Bool) -> [Float] {
    withChannelPointers([scale, shift]) { p in
      storage.withUnsafeBufferPointer { px in
        uninitializedFloats(count) { op in
          runs.forEachRun { run in
            aegis_nhwc_affine(px.baseAddress! + run.offset, Int32(run.rows), Int32(runs.width), p[0] + run.channel, p[1] + run.channel,
                              relu ? 1 : 0, op + run.offset)
          }
        }
      }
    }
  }

  /// Training-mode batch norm with the fused kernels (see batchNormTraining).
  func storedLayoutBatchNorm(_ runs: ChannelRuns, gamma: Tensor, beta: Tensor, mean: [Float], variance: [Float], epsilon: Float,
                             relu: Bool) -> Tensor {
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let scale = (0..<mean.count).map { gamma.storage[$0] * invStd[$0] }
    let shift = (0..<mean.count).map { beta.storage[$0] - mean[$0] * scale[$0] }
    let x = self
    let result = Tensor(shape: shape, storage: storedLayoutAffine(runs, scale: scale, shift: shift, relu: relu))
    result.recorded(relu ? "batchNorm+relu" : "batchNorm", [x, gamma, beta]) { [unowned result] g in
      Tensor.storedLayoutBatchNormBackward(runs, g, x: x, reluOutput: relu ? result : nil, mean: mean, invStd: invStd, gamma: gamma)
    }
    return result
  }

  private static func storedLayoutBatchNormBackward(_ runs: ChannelRuns, _ g: Tensor, x: Tensor, reluOutput: Tensor?, mean: [Float],
                                                    invStd: [Float], gamma: Tensor) -> [Tensor?] {
    let width = Int32(runs.width)
    let (sumG, sumGX) = withChannelPointers([mean, invStd]) { p in
      g.storage.withUnsafeBufferPointer { pg in
        x.storage.withUnsafeBufferPointer { px in
          withOptionalStorage(reluOutput) { py in
            runs.sums { run, s, sx in
              aegis_nhwc_bn_backward_sums(pg.baseAddress! + run.offset, px.baseAddress! + run.offset, py.map { $0 + run.offset },
                                          Int32(run.rows), width, p[0] + run.channel, p[1] + run.channel, s, sx)
            }
          }
        }
      }
    }
    let sg = sumG.map { Float($0) }, sgx = sumGX.map { Float($0) }
    var dx: Tensor?
    if x.requiresGrad {
      let out = withChannelPointers([mean, invStd, gamma.storage, sg, sgx]) { p in
        g.storage.withUnsafeBufferPointer { pg in
          x.storage.withUnsafeBufferPointer { px in
            withOptionalStorage(reluOutput) { py in
              uninitializedFloats(g.count) { dxp in
                runs.forEachRun { run in
                  let ch = run.channel
                  aegis_nhwc_bn_backward(pg.baseAddress! + run.offset, px.baseAddress! + run.offset, py.map { $0 + run.offset },
                                         Int32(run.rows), width, Int32(runs.positions), p[0] + ch, p[1] + ch, p[2] + ch, p[3] + ch,
                                         p[4] + ch, dxp + run.offset)
                }
              }
            }
          }
        }
      }
      dx = Tensor(shape: x.shape, storage: out)
    }
    let c = runs.channels
    return [dx, Tensor(shape: [c], storage: sgx), Tensor(shape: [c], storage: sg)]
  }

  /// max(0, x·scale[c] + shift[c]), forward and backward in one pass each.
  func storedLayoutAffineReLU(_ runs: ChannelRuns, scale: Tensor, shift: Tensor) -> Tensor {
    let x = self
    let result = Tensor(shape: shape, storage: storedLayoutAffine(runs, scale: scale.storage, shift: shift.storage, relu: true))
    return result.recorded("affine+relu", [x, scale, shift]) { [unowned result] g in
      Tensor.storedLayoutAffineReLUBackward(runs, g, x: x, output: result, scale: scale, shift: shift)
    }
  }

  private static func storedLayoutAffineReLUBackward(_ runs: ChannelRuns, _ g: Tensor, x: Tensor, output: Tensor, scale: Tensor,
                                                     shift: Tensor) -> [Tensor?] {
    let width = Int32(runs.width)
    let dx = x.requiresGrad ? withChannelPointers([scale.storage]) { p in
      g.storage.withUnsafeBufferPointer { pg in
        output.storage.withUnsafeBufferPointer { py in
          uninitializedFloats(g.count) { dxp in
            runs.forEachRun { run in
              aegis_nhwc_affine_relu_backward(pg.baseAddress! + run.offset, py.baseAddress! + run.offset, Int32(run.rows), width,
                                              p[0] + run.channel, dxp + run.offset)
            }
          }
        }
      }
    } : nil
    let dxTensor = dx.map { Tensor(shape: x.shape, storage: $0) }
    guard scale.requiresGrad || shift.requiresGrad else { return [dxTensor, nil, nil] }
    let (sumG, sumGX) = g.storage.withUnsafeBufferPointer { pg in
      x.storage.withUnsafeBufferPointer { px in
        output.storage.withUnsafeBufferPointer { py in
          runs.sums { run, s, sx in
            aegis_nhwc_affine_relu_sums(pg.baseAddress! + run.offset, px.baseAddress! + run.offset, py.baseAddress! + run.offset,
                                        Int32(run.rows), width, s, sx)
          }
        }
      }
    }
    let c = runs.channels
    return [dxTensor, Tensor(shape: [c], storage: sumGX.map { Float($0) }), Tensor(shape: [c], storage: sumG.map { Float($0) })]
  }
}
