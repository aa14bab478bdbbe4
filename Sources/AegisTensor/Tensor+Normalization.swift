// Batch normalization (fused kernel, with a composite twice-differentiable form) and layer norm.

extension Tensor {
  /// Batch norm of [N, C, H, W] (or [N, C]) with batch statistics.
  ///
  /// Returns the output and the per-channel batch mean and biased variance (for running stats).
  /// Uses a fused kernel (channels spread over the cores); when `GradMode.needsSecondOrder` is
  /// set it is composed from differentiable ops instead, so its gradient can be differentiated
  /// again. With `relu`, the output is max(0, ·), fused into the same pass.
  public func batchNormTraining(gamma: Tensor, beta: Tensor, epsilon: Float, relu: Bool = false)
    -> (Tensor, mean: [Float], variance: [Float])
  {
    let c = shape[1]
    let spatial = rank == 4 ? shape[2] * shape[3] : 1
    let n = shape[0]
    let m = Float(n * spatial)
    var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
    storage.withUnsafeBufferPointer { p in
      mean.withUnsafeMutableBufferPointer { pm in
        variance.withUnsafeMutableBufferPointer { pv in
          let mp = pm.baseAddress!, vp = pv.baseAddress!
          Parallel.forEach(c) { ch in
            var s: Double = 0, ss: Double = 0
            for b in 0..<n {
              let base = (b * c + ch) * spatial
              var fs: Float = 0, fss: Float = 0  // per-row float sums (vectorize), rows summed in double
              for i in 0..<spatial { let v = p[base + i]; fs += v; fss += v * v }
              s += Double(fs); ss += Double(fss)
            }
            let mu = s / Double(m)
            mp[ch] = Float(mu)
            vp[ch] = Float(Swift.max(ss / Double(m) - mu * mu, 0))
          }
        }
      }
    }
    if GradMode.needsSecondOrder && GradMode.isEnabled {
      let axes = rank == 4 ? [0, 2, 3] : [0]
      let bshape = rank == 4 ? [1, c, 1, 1] : [1, c]
      let mu = self.mean(axes: axes, keepDims: true)
      let centered = self - mu
      let v = (centered * centered).mean(axes: axes, keepDims: true)
      let y = centered / (v + epsilon).sqrt() * gamma.reshaped(bshape) + beta.reshaped(bshape)
      return (relu ? y.relu() : y, mean, variance)
    }
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    var xhat = [Float](repeating: 0, count: count)
    var out = [Float](repeating: 0, count: count)
    storage.withUnsafeBufferPointer { p in
      xhat.withUnsafeMutableBufferPointer { px in
        out.withUnsafeMutableBufferPointer { po in
          let xp = px.baseAddress!, op = po.baseAddress!
          Parallel.forEach(n) { b in
            for ch in 0..<c {
              let base = (b * c + ch) * spatial
              let mu = mean[ch], inv = invStd[ch], gm = gamma.storage[ch], bt = beta.storage[ch]
              for i in 0..<spatial {
                let xh = (p[base + i] - mu) * inv
                xp[base + i] = xh
                let y = xh * gm + bt
                op[base + i] = relu ? Swift.max(y, 0) : y
              }
            }
          }
        }
      }
    }
    let x = self
    let name = relu ? "batchNorm+relu" : "batchNorm"
    let result = Tensor(shape: shape, storage: out)
    result.recorded(name, [x, gamma, beta]) { [unowned result] g in
      Tensor.batchNormBackward(relu ? g.reluMasked(by: result) : g, xhat: xhat, invStd: invStd, gamma: gamma, shape: x.shape)
    }
    return (result, mean, variance)
  }

  /// Fused batch-norm backward: dx = γ·σ⁻¹/M·(M·g − Σg − x̂·Σ(g·x̂)), dγ = Σ g·x̂, dβ = Σ g.
  private static func batchNormBackward(_ g: Tensor, xhat: [Float], invStd: [Float], gamma: Tensor, shape: [Int]) -> [Tensor?] {
    let n = shape[0], c = shape[1]
    let spatial = shape.count == 4 ? shape[2] * shape[3] : 1
    let m = Float(n * spatial)
    var sumG = [Float](repeating: 0, count: c), sumGX = [Float](repeating: 0, count: c)
    var dx = [Float](repeating: 0, count: g.count)
    g.storage.withUnsafeBufferPointer { pg in
      xhat.withUnsafeBufferPointer { pxh in
        sumG.withUnsafeMutableBufferPointer { psg in
          sumGX.withUnsafeMutableBufferPointer { psgx in
            let sgp = psg.baseAddress!, sgxp = psgx.baseAddress!
            Parallel.forEach(c) { ch in
              var s: Float = 0, sx: Float = 0
              for b in 0..<n {
                let base = (b * c + ch) * spatial
                for i in 0..<spatial { s += pg[base + i]; sx += pg[base + i] * pxh[base + i] }
              }
              sgp[ch] = s; sgxp[ch] = sx
            }
          }
        }
        dx.withUnsafeMutableBufferPointer { pdx in
          let dxp = pdx.baseAddress!
          Parallel.forEach(n) { b in
            for ch in 0..<c {
              let base = (b * c + ch) * spatial
              let k = gamma.storage[ch] * invStd[ch] / m
              let sg = sumG[ch], sgx = sumGX[ch]
              for i in 0..<spatial { dxp[base + i] = k * (m * pg[base + i] - sg - pxh[base + i] * sgx) }
            }
          }
        }
      }
    }
    return [Tensor(shape: shape, storage: dx), Tensor(shape: [c], storage: sumGX), Tensor(shape: [c], storage: sumG)]
  }

  /// Batch norm with fixed statistics (eval or frozen mode): an affine map per channel.
  public func batchNormInference(gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, epsilon: Float) -> Tensor {
    let c = shape[1]
    let bshape = rank == 4 ? [1, c, 1, 1] : [1, c]
    let invStd = variance.detached().mapElements { 1 / ($0 + epsilon).squareRoot() }
    let scale = gamma * invStd
    let shift = beta - mean.detached() * scale
    return self * scale.reshaped(bshape) + shift.reshaped(bshape)
  }

  /// Layer norm over the last axis with affine `gamma`, `beta` [D] (composed, twice differentiable).
  public func layerNorm(gamma: Tensor, beta: Tensor, epsilon: Float = 1e-5) -> Tensor {
    let mu = mean(axes: [-1], keepDims: true)
    let centered = self - mu
    let v = (centered * centered).mean(axes: [-1], keepDims: true)
    return centered / (v + epsilon).sqrt() * gamma + beta
  }
}
