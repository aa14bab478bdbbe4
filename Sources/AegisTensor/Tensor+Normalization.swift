// Batch normalization (fused kernels in AegisKernels' batchnorm.c, with a composite
// twice-differentiable form) and layer norm.

import AegisKernels

extension Tensor {
  /// Batch norm of [N, C, H, W] or [N, C] (or a spatial activation stored in `layout`) with batch statistics.
  ///
  /// Returns the output and the per-channel batch mean and biased variance (for running stats).
  /// Uses a fused kernel (channels spread over the cores); when `GradMode.needsSecondOrder` is
  /// set it is composed from differentiable ops instead, so its gradient can be differentiated
  /// again. With `relu`, the output is max(0, ·), fused into the same pass. With
  /// `layout` other than channels-first, a spatial `self` is stored that way ([N, H, W, C] or
  /// [N, C/16, H, W, 16]).
  public func batchNormTraining(gamma: Tensor, beta: Tensor, epsilon: Float, relu: Bool = false,
                                layout: ActivationLayout = .channelsFirst) -> (Tensor, mean: [Float], variance: [Float])
  {
    let runs = layout != .channelsFirst && layout.isSpatial(rank: rank) ? ChannelRuns(shape: shape, layout: layout) : nil
    let (mean, variance) = runs.map { storedLayoutMoments($0) } ?? channelMoments()
    if GradMode.needsSecondOrder && GradMode.isEnabled {
      let c = layout.channels(of: shape)
      let axes = layout.reductionAxes(rank: rank)
      let bshape = layout.broadcastShape(channels: c, rank: rank)
      let mu = self.mean(axes: axes, keepDims: true)
      let centered = self - mu
      let v = (centered * centered).mean(axes: axes, keepDims: true)
      let y = centered / (v + epsilon).sqrt() * gamma.reshaped(bshape) + beta.reshaped(bshape)
      return (relu ? y.relu() : y, mean, variance)
    }
    if let runs {
      return (storedLayoutBatchNorm(runs, gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon, relu: relu), mean, variance)
    }
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let (n, c, spatial) = channelLayout
    let out = storage.withUnsafeBufferPointer { px in
      uninitializedFloats(count) { op in
        let x = px.baseAddress!
        Parallel.forEach(n) { b in
          aegis_bn_forward_image(x + b * c * spatial, Int32(c), Int32(spatial), mean, invStd, gamma.storage, beta.storage,
                                 relu ? 1 : 0, op + b * c * spatial)
        }
      }
    }
    let x = self
    let result = Tensor(shape: shape, storage: out)
    // x̂ is recomputed from x in the backward pass instead of being kept: one activation less
    // in memory per BN layer, for one subtraction and multiplication per element.
    result.recorded(relu ? "batchNorm+relu" : "batchNorm", [x, gamma, beta]) { [unowned result] g in
      Tensor.batchNormBackward(g, x: x, reluOutput: relu ? result : nil, mean: mean, invStd: invStd, gamma: gamma)
    }
    return (result, mean, variance)
  }

  /// (N, C, spatial) of a [N, C, H, W] or [N, C] tensor.
  var channelLayout: (n: Int, c: Int, spatial: Int) { (shape[0], shape[1], rank == 4 ? shape[2] * shape[3] : 1) }

  /// Per-channel mean and biased variance over the batch (and positions).
  func channelMoments() -> (mean: [Float], variance: [Float]) {
    let (n, c, spatial) = channelLayout
    let m = Double(n * spatial)
    var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
    storage.withUnsafeBufferPointer { p in
      mean.withUnsafeMutableBufferPointer { pm in
        variance.withUnsafeMutableBufferPointer { pv in
          let x = p.baseAddress!, mp = pm.baseAddress!, vp = pv.baseAddress!
          Parallel.forEach(c) { ch in
            var s: Double = 0, ss: Double = 0
            aegis_bn_channel_moments(x, Int32(n), Int32(c), Int32(spatial), Int32(ch), &s, &ss)
            let mu = s / m
            mp[ch] = Float(mu)
            vp[ch] = Float(Swift.max(ss / m - mu * mu, 0))
          }
        }
      }
    }
    return (mean, variance)
  }

  /// Fused batch-norm backward (through the ReLU when `reluOutput` is given):
  /// dx = γ·σ⁻¹/M·(M·g − Σg − x̂·Σ(g·x̂)), dγ = Σ g·x̂, dβ = Σ g.
  private static func batchNormBackward(_ g: Tensor, x: Tensor, reluOutput: Tensor?, mean: [Float], invStd: [Float],
                                        gamma: Tensor) -> [Tensor?] {
    let (n, c, spatial) = x.channelLayout
    var sumG = [Float](repeating: 0, count: c), sumGX = [Float](repeating: 0, count: c)
    let dx = g.storage.withUnsafeBufferPointer { pg in
      x.storage.withUnsafeBufferPointer { px in
        withOptionalStorage(reluOutput) { py in
          sumG.withUnsafeMutableBufferPointer { psg in
            sumGX.withUnsafeMutableBufferPointer { psgx in
              let sgp = psg.baseAddress!, sgxp = psgx.baseAddress!
              Parallel.forEach(c) { ch in
                aegis_bn_backward_channel_sums(pg.baseAddress!, px.baseAddress!, py, Int32(n), Int32(c), Int32(spatial), Int32(ch),
                                               mean[ch], invStd[ch], sgp + ch, sgxp + ch)
              }
            }
          }
          return x.requiresGrad ? uninitializedFloats(g.count) { dxp in
            Parallel.forEach(n) { b in
              let offset = b * c * spatial
              aegis_bn_backward_image(pg.baseAddress! + offset, px.baseAddress! + offset, py.map { $0 + offset }, Int32(c), Int32(spatial),
                                      Int32(n * spatial), mean, invStd, gamma.storage, sumG, sumGX, dxp + offset)
            }
          } : nil
        }
      }
    }
    return [dx.map { Tensor(shape: x.shape, storage: $0) }, Tensor(shape: [c], storage: sumGX), Tensor(shape: [c], storage: sumG)]
  }

  /// Batch norm with fixed statistics (eval or frozen mode): an affine map per channel.
  /// With `relu`, max(0, ·) in the same pass (what attacks run: eval-mode BN+ReLU).
  public func batchNormInference(gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, epsilon: Float,
                                 relu: Bool = false, layout: ActivationLayout = .channelsFirst) -> Tensor {
    let c = layout.channels(of: shape)
    let bshape = layout.broadcastShape(channels: c, rank: rank)
    let invStd = variance.detached().mapElements { 1 / ($0 + epsilon).squareRoot() }
    let scale = gamma * invStd
    let shift = beta - mean.detached() * scale
    if relu && !(GradMode.needsSecondOrder && GradMode.isEnabled) {
      guard layout != .channelsFirst && layout.isSpatial(rank: rank) else { return affineReLU(scale: scale, shift: shift) }
      return storedLayoutAffineReLU(ChannelRuns(shape: shape, layout: layout), scale: scale, shift: shift)
    }
    let y = self * scale.reshaped(bshape) + shift.reshaped(bshape)
    return relu ? y.relu() : y
  }

  /// max(0, x·scale[c] + shift[c]) per channel, forward and backward in one pass each.
  func affineReLU(scale: Tensor, shift: Tensor) -> Tensor {
    let (n, c, spatial) = channelLayout
    let out = storage.withUnsafeBufferPointer { px in
      uninitializedFloats(count) { op in
        Parallel.forEach(n) { b in
          aegis_affine_relu_image(px.baseAddress! + b * c * spatial, Int32(c), Int32(spatial), scale.storage, shift.storage, op + b * c * spatial)
        }
      }
    }
    let x = self
    let result = Tensor(shape: shape, storage: out)
    return result.recorded("affine+relu", [x, scale, shift]) { [unowned result] g in
      Tensor.affineReLUBackward(g, x: x, output: result, scale: scale, shift: shift)
    }
  }

  private static func affineReLUBackward(_ g: Tensor, x: Tensor, output: Tensor, scale: Tensor, shift: Tensor) -> [Tensor?] {
    let (n, c, spatial) = x.channelLayout
    return g.storage.withUnsafeBufferPointer { pg in
      output.storage.withUnsafeBufferPointer { py in
        let gp = pg.baseAddress!, yp = py.baseAddress!
        let dx = x.requiresGrad ? uninitializedFloats(g.count) { dxp in
          Parallel.forEach(n) { b in
            let offset = b * c * spatial
            aegis_affine_relu_backward_image(gp + offset, yp + offset, Int32(c), Int32(spatial), scale.storage, dxp + offset)
          }
        } : nil
        guard scale.requiresGrad || shift.requiresGrad else { return [dx.map { Tensor(shape: x.shape, storage: $0) }, nil, nil] }
        var sumG = [Float](repeating: 0, count: c), sumGX = [Float](repeating: 0, count: c)
        x.storage.withUnsafeBufferPointer { px in
          sumG.withUnsafeMutableBufferPointer { psg in
            sumGX.withUnsafeMutableBufferPointer { psgx in
              let sgp = psg.baseAddress!, sgxp = psgx.baseAddress!
              Parallel.forEach(c) { ch in
                aegis_affine_relu_channel_sums(gp, px.baseAddress!, yp, Int32(n), Int32(c), Int32(spatial), Int32(ch), sgp + ch, sgxp + ch)
              }
            }
          }
        }
        return [dx.map { Tensor(shape: x.shape, storage: $0) }, Tensor(shape: [c], storage: sumGX), Tensor(shape: [c], storage: sumG)]
      }
    }
  }

  /// Layer norm over the last axis with affine `gamma`, `beta` [D] (composed, twice differentiable).
  public func layerNorm(gamma: Tensor, beta: Tensor, epsilon: Float = 1e-5) -> Tensor {
    let mu = mean(axes: [-1], keepDims: true)
    let centered = self - mu
    let v = (centered * centered).mean(axes: [-1], keepDims: true)
    return centered / (v + epsilon).sqrt() * gamma + beta
  }
}
