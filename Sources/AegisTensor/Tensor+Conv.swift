// 2-D convolution: oneDNN kernels (see ConvBackend) with im2col + sgemm as the reference.
// The two backward ops (input gradient and weight gradient) are recorded ops too, each the
// other's partner, so convolutions differentiate twice.

import CBLAS

/// The stored layouts of a convolution's input and output activations (the stem of a ResNet
/// reads channels-first images and writes its own layout; every later convolution keeps one).
public struct ConvLayouts: Equatable, Sendable {
  public let input: ActivationLayout
  public let output: ActivationLayout
  public init(input: ActivationLayout, output: ActivationLayout) { self.input = input; self.output = output }
  public static let channelsFirst = ConvLayouts(input: .channelsFirst, output: .channelsFirst)
}

/// Sizes of one convolution: input [N, C, H, W], weight [O, C, kh, kw], output [N, O, OH, OW],
/// logically; the activations are stored in `layouts`.
struct ConvGeometry {
  let n, c, h, w, o, kh, kw, stride, padding, oh, ow: Int
  let layouts: ConvLayouts
  var inputLayout: ActivationLayout { layouts.input }
  var outputLayout: ActivationLayout { layouts.output }
  var k: Int { c * kh * kw }
  var p: Int { oh * ow }
  var outputShape: [Int] { layouts.output.shape(n: n, c: o, h: oh, w: ow) }

  init(input: [Int], weight: [Int], stride: Int, padding: Int, layouts: ConvLayouts = .channelsFirst) {
    (n, c, h, w) = layouts.input.dimensions(input)
    o = weight[0]; kh = weight[2]; kw = weight[3]
    self.stride = stride; self.padding = padding; self.layouts = layouts
    oh = (h + 2 * padding - kh) / stride + 1
    ow = (w + 2 * padding - kw) / stride + 1
  }

  /// The same convolution on channels-first activations (what the im2col reference computes).
  var channelsFirst: ConvGeometry {
    ConvGeometry(input: [n, c, h, w], weight: [o, c, kh, kw], stride: stride, padding: padding)
  }

  /// Images per sgemm: enough columns (≈4k) for an efficient product, bounded memory.
  var chunk: Int { max(1, min(n, 4096 / max(p, 1))) }

  /// Output columns `lo..<hi` whose input column `xo·stride − padding + j` lies inside the image.
  @inline(__always)
  func validColumns(_ j: Int) -> (lo: Int, hi: Int) {
    let shift = j - padding
    // ix = xo·s + shift ∈ [0, w)  ⇔  xo ∈ [ceil(−shift/s), ceil((w − shift)/s))
    let lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride
    let hi = w - shift <= 0 ? 0 : min(ow, (w - shift + stride - 1) / stride)
    return (min(lo, ow), max(min(hi, ow), min(lo, ow)))
  }

  /// Unfolds one image [C, H, W] into columns [K, P] of a matrix whose rows are `ld` long.
  func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, ld: Int) {
    for ci in 0..<c {
      for i in 0..<kh {
        for j in 0..<kw {
          let row = col + ((ci * kh + i) * kw + j) * ld
          let (lo, hi) = validColumns(j)
          let shift = j - padding
          for y in 0..<oh {
            let iy = y * stride - padding + i
            let dst = row + y * ow
            if iy < 0 || iy >= h {
              dst.update(repeating: 0, count: ow)
              continue
            }
            let src = x + (ci * h + iy) * w + shift
            if lo > 0 { dst.update(repeating: 0, count: lo) }
            if stride == 1 {
              (dst + lo).update(from: src + lo, count: hi - lo)
            } else {
              for xo in lo..<hi { dst[xo] = src[xo * stride] }
            }
            if hi < ow { (dst + hi).update(repeating: 0, count: ow - hi) }
          }
        }
      }
    }
  }

  /// Adjoint of im2col: adds columns [K, P] (rows `ld` long) back into an image [C, H, W].
  func col2im(_ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, ld: Int) {
    for ci in 0..<c {
      for i in 0..<kh {
        for j in 0..<kw {
          let row = col + ((ci * kh + i) * kw + j) * ld
          let (lo, hi) = validColumns(j)
          let shift = j - padding
          for y in 0..<oh {
            let iy = y * stride - padding + i
            if iy < 0 || iy >= h { continue }
            let src = row + y * ow
            let dst = x + (ci * h + iy) * w + shift
            if stride == 1 {
              for xo in lo..<hi { dst[xo] += src[xo] }
            } else {
              for xo in lo..<hi { dst[xo * stride] += src[xo] }
            }
          }
        }
      }
    }
  }

  /// Copies outputs of images `first..<first+count` from [N, O, P] into [O, count·P] (rows `ld` long).
  func packOutputs(_ batch: UnsafePointer<Float>, first: Int, count: Int, into tmp: UnsafeMutablePointer<Float>, ld: Int) {
    for b in 0..<count {
      for oc in 0..<o { (tmp + oc * ld + b * p).update(from: batch + ((first + b) * o + oc) * p, count: p) }
    }
  }

  /// The inverse of `packOutputs`: [O, count·P] back into images `first..<first+count` of [N, O, P].
  func unpackOutputs(_ tmp: UnsafePointer<Float>, ld: Int, into batch: UnsafeMutablePointer<Float>, first: Int, count: Int) {
    for b in 0..<count {
      for oc in 0..<o { (batch + ((first + b) * o + oc) * p).update(from: tmp + oc * ld + b * p, count: p) }
    }
  }

  /// Calls `body(first, count)` for chunks of images, the chunks spread over the cores.
  func forEachChunk(_ body: (Int, Int) -> Void) {
    let chunks = (n + chunk - 1) / chunk
    Parallel.forEach(min(chunks, Parallel.workers)) { worker in
      var c = worker
      while c < chunks {
        let first = c * chunk
        body(first, min(chunk, n - first))
        c += Parallel.workers
      }
    }
  }
}

/// The reference kernels: im2col + sgemm over chunks of images, spread over the cores. They stay
/// the numerical reference for oneDNN's and win for one input channel (conv1, see ConvBackend).
enum Im2colConv {
  static func forward(_ geo: ConvGeometry, _ xp: UnsafePointer<Float>, _ wp: UnsafePointer<Float>, into op: UnsafeMutablePointer<Float>) {
    let imageSize = geo.c * geo.h * geo.w
    geo.forEachChunk { first, count in
      let ld = count * geo.p
      let col = UnsafeMutablePointer<Float>.allocate(capacity: geo.k * ld)
      let tmp = UnsafeMutablePointer<Float>.allocate(capacity: geo.o * ld)
      defer { col.deallocate(); tmp.deallocate() }
      for b in 0..<count { geo.im2col(xp + (first + b) * imageSize, col + b * geo.p, ld: ld) }
      sgemm(transA: false, transB: false, m: geo.o, n: ld, k: geo.k, wp, lda: geo.k, col, ldb: ld, tmp, ldc: ld)
      geo.unpackOutputs(tmp, ld: ld, into: op, first: first, count: count)
    }
  }

  /// `op` must be zeroed: col2im accumulates.
  static func inputGradient(_ geo: ConvGeometry, _ gp: UnsafePointer<Float>, _ wp: UnsafePointer<Float>, into op: UnsafeMutablePointer<Float>) {
    let imageSize = geo.c * geo.h * geo.w
    geo.forEachChunk { first, count in
      let ld = count * geo.p
      let col = UnsafeMutablePointer<Float>.allocate(capacity: geo.k * ld)
      let tmp = UnsafeMutablePointer<Float>.allocate(capacity: geo.o * ld)
      defer { col.deallocate(); tmp.deallocate() }
      geo.packOutputs(gp, first: first, count: count, into: tmp, ld: ld)
      sgemm(transA: true, transB: false, m: geo.k, n: ld, k: geo.o, wp, lda: geo.k, tmp, ldb: ld, col, ldc: ld)
      for b in 0..<count { geo.col2im(col + b * geo.p, op + (first + b) * imageSize, ld: ld) }
    }
  }

  static func weightGradient(_ geo: ConvGeometry, _ xp: UnsafePointer<Float>, _ gp: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    let size = geo.o * geo.k
    let workers = Parallel.workers
    var partials = [Float](repeating: 0, count: workers * size)
    partials.withUnsafeMutableBufferPointer { pp in
      let part = pp.baseAddress!
      let imageSize = geo.c * geo.h * geo.w
      let chunks = (geo.n + geo.chunk - 1) / geo.chunk
      Parallel.forEach(min(chunks, workers)) { wk in
        var c = wk
        while c < chunks {
          let first = c * geo.chunk, count = min(geo.chunk, geo.n - first)
          let ld = count * geo.p
          let col = UnsafeMutablePointer<Float>.allocate(capacity: geo.k * ld)
          let tmp = UnsafeMutablePointer<Float>.allocate(capacity: geo.o * ld)
          for b in 0..<count { geo.im2col(xp + (first + b) * imageSize, col + b * geo.p, ld: ld) }
          geo.packOutputs(gp, first: first, count: count, into: tmp, ld: ld)
          sgemm(transA: false, transB: true, m: geo.o, n: geo.k, k: ld, tmp, lda: ld, col, ldb: ld,
                beta: 1, part + wk * size, ldc: geo.k)
          col.deallocate(); tmp.deallocate()
          c += workers
        }
      }
      out.update(from: part, count: size)
      for wk in 1..<workers { for i in 0..<size { out[i] += part[wk * size + i] } }
    }
  }
}

extension Tensor {
  /// Convolution of `self` [N, C, H, W] with `weight` [O, C, kh, kw] (+ `bias` [O]).
  /// With `relu`, the output is max(0, ·) (fused into the kernel where the backend allows).
  /// `layout` is how the output is stored, and the input too unless `inputLayout` says otherwise
  /// (e.g. [N, H, W, C] in and out for `.channelsLast`).
  public func conv2d(_ weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, relu: Bool = false,
                     layout: ActivationLayout = .channelsFirst, inputLayout: ActivationLayout? = nil) -> Tensor {
    conv2d(weight, bias: bias, stride: stride, padding: padding, relu: relu,
           layouts: ConvLayouts(input: inputLayout ?? layout, output: layout))
  }

  func conv2d(_ weight: Tensor, bias: Tensor?, stride: Int, padding: Int, relu: Bool, layouts: ConvLayouts) -> Tensor {
    let x = self
    let geo = ConvGeometry(input: x.shape, weight: weight.shape, stride: stride, padding: padding, layouts: layouts)
    let flops = 2 * Double(geo.n * geo.o * geo.p * geo.k)
    let out = Profiler.measure(relu ? "conv2d+relu" : "conv2d", flops: flops) {
      ConvBackend.forward(geo, x, weight, bias, relu: relu, training: GradMode.isEnabled && (x.requiresGrad || weight.requiresGrad))
    }
    let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
    let result = Tensor(shape: geo.outputShape, storage: out)
    return result.recorded(relu ? "conv2d+relu" : "conv2d", inputs) { [unowned result] g0 in
      let g = relu ? g0.reluMasked(by: result) : g0
      let dx = x.requiresGrad ? g.conv2dInputGradient(weight, inputShape: x.shape, stride: stride, padding: padding, layouts: layouts) : nil
      // Plain backward: the weight and bias gradients come from one oneDNN call.
      if !GradMode.isEnabled, weight.requiresGrad, let bias, bias.requiresGrad, ConvBackend.usesOneDNN(geo) {
        let (gw, gb) = ConvBackend.weightAndBiasGradient(geo, x, g)
        return [dx, gw, gb]
      }
      return [dx,
              weight.requiresGrad ? x.conv2dWeightGradient(g, weightShape: weight.shape, stride: stride, padding: padding, layouts: layouts) : nil,
              // Only when asked: attack steps freeze the parameters, and this reduction over
              // every element cost 20 % of SmallCNN's PGD-10 step when it ran regardless.
              bias.flatMap { $0.requiresGrad ? g.perChannelSum(layout: layouts.output) : nil }]
    }
  }

  /// Σ over everything but the channels of an activation stored in `layout`: [C].
  func perChannelSum(layout: ActivationLayout) -> Tensor {
    sum(axes: layout.reductionAxes(rank: rank)).reshaped([layout.channels(of: shape)])
  }

  /// ∂(conv)/∂input applied to `self` (the output gradient): a transposed convolution.
  func conv2dInputGradient(_ weight: Tensor, inputShape: [Int], stride: Int, padding: Int, layouts: ConvLayouts) -> Tensor {
    let g = self
    let geo = ConvGeometry(input: inputShape, weight: weight.shape, stride: stride, padding: padding, layouts: layouts)
    let out = Profiler.measure("conv2d input grad", flops: 2 * Double(geo.n * geo.o * geo.p * geo.k)) {
      ConvBackend.inputGradient(geo, g, weight)
    }
    return Tensor(shape: inputShape, storage: out).recorded("conv2dInputGradient", [g, weight]) { gg in
      [g.requiresGrad ? gg.conv2d(weight, bias: nil, stride: stride, padding: padding, relu: false, layouts: layouts) : nil,
       weight.requiresGrad ? gg.conv2dWeightGradient(g, weightShape: weight.shape, stride: stride, padding: padding, layouts: layouts) : nil]
    }
  }

  /// ∂(conv)/∂weight for input `self` and output gradient `g`: Σ_b g_b · col_bᵀ.
  func conv2dWeightGradient(_ g: Tensor, weightShape: [Int], stride: Int, padding: Int, layouts: ConvLayouts) -> Tensor {
    let x = self
    let geo = ConvGeometry(input: x.shape, weight: weightShape, stride: stride, padding: padding, layouts: layouts)
    let out = Profiler.measure("conv2d weight grad", flops: 2 * Double(geo.n * geo.o * geo.p * geo.k)) {
      ConvBackend.weightGradient(geo, x, g)
    }
    return Tensor(shape: weightShape, storage: out).recorded("conv2dWeightGradient", [x, g]) { gw in
      [x.requiresGrad ? g.conv2dInputGradient(gw, inputShape: x.shape, stride: stride, padding: padding, layouts: layouts) : nil,
       g.requiresGrad ? x.conv2d(gw, bias: nil, stride: stride, padding: padding, relu: false, layouts: layouts) : nil]
    }
  }

  /// `self` where `output` > 0, else 0: the gradient through a ReLU whose result is `output`.
  func reluMasked(by output: Tensor) -> Tensor {
    if GradMode.isEnabled { return self * output.mapElements { $0 > 0 ? 1 : 0 } }
    // Uninitialized: every element is written, and zero-filling first is one more pass over
    // a memory-bound op (it runs after every fused Conv+ReLU, 44 times per PGD-10 step).
    let out = [Float](unsafeUninitializedCapacity: count) { po, initialized in
      storage.withUnsafeBufferPointer { pg in
        output.storage.withUnsafeBufferPointer { py in
          let g = pg.baseAddress!, y = py.baseAddress!, o = po.baseAddress!
          Parallel.forRanges(pg.count) { r in for i in r { o[i] = y[i] > 0 ? g[i] : 0 } }
        }
      }
      initialized = count
    }
    return Tensor(shape: shape, storage: out)
  }
}

/// Tells OpenBLAS how many threads to use (Aegis parallelizes convolutions itself).
public func setBLASThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
