// 2-D convolution as im2col + sgemm, one image per task spread over the cores.
// The two backward ops (input gradient and weight gradient) are recorded ops too, each the
// other's partner, so convolutions differentiate twice.

import CBLAS

/// Sizes of one convolution: input [N, C, H, W], weight [O, C, kh, kw], output [N, O, OH, OW].
struct ConvGeometry {
  let n, c, h, w, o, kh, kw, stride, padding, oh, ow: Int
  var k: Int { c * kh * kw }
  var p: Int { oh * ow }

  init(input: [Int], weight: [Int], stride: Int, padding: Int) {
    n = input[0]; c = input[1]; h = input[2]; w = input[3]
    o = weight[0]; kh = weight[2]; kw = weight[3]
    self.stride = stride; self.padding = padding
    oh = (h + 2 * padding - kh) / stride + 1
    ow = (w + 2 * padding - kw) / stride + 1
  }

  /// Unfolds one image [C, H, W] into columns [K, P].
  func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>) {
    for ci in 0..<c {
      for i in 0..<kh {
        for j in 0..<kw {
          let row = col + ((ci * kh + i) * kw + j) * p
          for y in 0..<oh {
            let iy = y * stride - padding + i
            let dst = row + y * ow
            if iy < 0 || iy >= h {
              for xo in 0..<ow { dst[xo] = 0 }
              continue
            }
            let src = x + (ci * h + iy) * w
            for xo in 0..<ow {
              let ix = xo * stride - padding + j
              dst[xo] = (ix >= 0 && ix < w) ? src[ix] : 0
            }
          }
        }
      }
    }
  }

  /// Adjoint of im2col: adds columns [K, P] back into an image [C, H, W].
  func col2im(_ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>) {
    for ci in 0..<c {
      for i in 0..<kh {
        for j in 0..<kw {
          let row = col + ((ci * kh + i) * kw + j) * p
          for y in 0..<oh {
            let iy = y * stride - padding + i
            if iy < 0 || iy >= h { continue }
            let src = row + y * ow
            let dst = x + (ci * h + iy) * w
            for xo in 0..<ow {
              let ix = xo * stride - padding + j
              if ix >= 0 && ix < w { dst[ix] += src[xo] }
            }
          }
        }
      }
    }
  }
}

extension Tensor {
  /// Convolution of `self` [N, C, H, W] with `weight` [O, C, kh, kw] (+ `bias` [O]).
  public func conv2d(_ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
    let x = self
    let geo = ConvGeometry(input: x.shape, weight: weight.shape, stride: stride, padding: padding)
    var out = [Float](repeating: 0, count: geo.n * geo.o * geo.p)
    x.storage.withUnsafeBufferPointer { px in
      weight.storage.withUnsafeBufferPointer { pw in
        out.withUnsafeMutableBufferPointer { po in
          let xp = px.baseAddress!, wp = pw.baseAddress!, op = po.baseAddress!
          Parallel.forRanges(geo.n, grain: 2) { images in
            let col = UnsafeMutablePointer<Float>.allocate(capacity: geo.k * geo.p)
            defer { col.deallocate() }
            for b in images {
              geo.im2col(xp + b * geo.c * geo.h * geo.w, col)
              sgemm(transA: false, transB: false, m: geo.o, n: geo.p, k: geo.k,
                    wp, lda: geo.k, col, ldb: geo.p, op + b * geo.o * geo.p, ldc: geo.p)
            }
          }
          if let bias {
            bias.storage.withUnsafeBufferPointer { pb in
              for b in 0..<geo.n {
                for o in 0..<geo.o {
                  let base = op + (b * geo.o + o) * geo.p
                  let v = pb[o]
                  for i in 0..<geo.p { base[i] += v }
                }
              }
            }
          }
        }
      }
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor(shape: [geo.n, geo.o, geo.oh, geo.ow], storage: out).recorded("conv2d", inputs) { g in
      [x.requiresGrad ? g.conv2dInputGradient(weight, inputShape: x.shape, stride: stride, padding: padding) : nil,
       weight.requiresGrad ? x.conv2dWeightGradient(g, weightShape: weight.shape, stride: stride, padding: padding) : nil,
       bias.map { _ in g.sum(axes: [0, 2, 3]) }]
    }
  }

  /// ∂(conv)/∂input applied to `self` (the output gradient): a transposed convolution.
  func conv2dInputGradient(_ weight: Tensor, inputShape: [Int], stride: Int, padding: Int) -> Tensor {
    let g = self
    let geo = ConvGeometry(input: inputShape, weight: weight.shape, stride: stride, padding: padding)
    var out = [Float](repeating: 0, count: inputShape.elementCount)
    g.storage.withUnsafeBufferPointer { pg in
      weight.storage.withUnsafeBufferPointer { pw in
        out.withUnsafeMutableBufferPointer { po in
          let gp = pg.baseAddress!, wp = pw.baseAddress!, op = po.baseAddress!
          Parallel.forRanges(geo.n, grain: 2) { images in
            let col = UnsafeMutablePointer<Float>.allocate(capacity: geo.k * geo.p)
            defer { col.deallocate() }
            for b in images {
              sgemm(transA: true, transB: false, m: geo.k, n: geo.p, k: geo.o,
                    wp, lda: geo.k, gp + b * geo.o * geo.p, ldb: geo.p, col, ldc: geo.p)
              geo.col2im(col, op + b * geo.c * geo.h * geo.w)
            }
          }
        }
      }
    }
    return Tensor(shape: inputShape, storage: out).recorded("conv2dInputGradient", [g, weight]) { gg in
      [g.requiresGrad ? gg.conv2d(weight, stride: stride, padding: padding) : nil,
       weight.requiresGrad ? gg.conv2dWeightGradient(g, weightShape: weight.shape, stride: stride, padding: padding) : nil]
    }
  }

  /// ∂(conv)/∂weight for input `self` and output gradient `g`: Σ_b g_b · col_bᵀ.
  func conv2dWeightGradient(_ g: Tensor, weightShape: [Int], stride: Int, padding: Int) -> Tensor {
    let x = self
    let geo = ConvGeometry(input: x.shape, weight: weightShape, stride: stride, padding: padding)
    let size = geo.o * geo.k
    let workers = geo.n >= 2 ? Parallel.workers : 1
    var partials = [Float](repeating: 0, count: workers * size)
    x.storage.withUnsafeBufferPointer { px in
      g.storage.withUnsafeBufferPointer { pg in
        partials.withUnsafeMutableBufferPointer { pp in
          let xp = px.baseAddress!, gp = pg.baseAddress!, part = pp.baseAddress!
          let per = (geo.n + workers - 1) / workers
          Parallel.forEach(workers) { wk in
            let lo = wk * per, hi = min(geo.n, lo + per)
            guard lo < hi else { return }
            let col = UnsafeMutablePointer<Float>.allocate(capacity: geo.k * geo.p)
            defer { col.deallocate() }
            for b in lo..<hi {
              geo.im2col(xp + b * geo.c * geo.h * geo.w, col)
              sgemm(transA: false, transB: true, m: geo.o, n: geo.k, k: geo.p,
                    gp + b * geo.o * geo.p, lda: geo.p, col, ldb: geo.p,
                    beta: 1, part + wk * size, ldc: geo.k)
            }
          }
        }
      }
    }
    var out = [Float](partials[0..<size])
    for wk in 1..<workers { for i in 0..<size { out[i] += partials[wk * size + i] } }
    return Tensor(shape: weightShape, storage: out).recorded("conv2dWeightGradient", [x, g]) { gw in
      [x.requiresGrad ? g.conv2dInputGradient(gw, inputShape: x.shape, stride: stride, padding: padding) : nil,
       g.requiresGrad ? x.conv2d(gw, stride: stride, padding: padding) : nil]
    }
  }
}

/// Tells OpenBLAS how many threads to use (Aegis parallelizes convolutions itself).
public func setBLASThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
