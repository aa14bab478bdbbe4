// Which kernels run a convolution: oneDNN (JIT kernels for the machine's vector width, chosen at
// run time, independent of OpenBLAS's core type) or the im2col + sgemm reference.

import AegisKernels
#if canImport(Glibc)
import Glibc
#endif

/// The convolution kernels, chosen per shape.
public enum ConvBackend: String, Sendable {
  case oneDNN, im2col

  /// Forces one backend for every shape (tests compare the two); nil chooses per shape.
  nonisolated(unsafe) public static var forced: ConvBackend? = {
    guard let name = getenv("AEGIS_CONV").map({ String(cString: $0) }) else { return nil }
    return ConvBackend(rawValue: name)
  }()

  /// The backend for `geo`. oneDNN everywhere: measured on SmallCNN's conv1 (1→32 channels,
  /// the case the probe found slow) it is also faster than im2col once its blocked
  /// output layout is reordered inside the primitive cache (see docs/performance.md).
  static func choose(_ geo: ConvGeometry) -> ConvBackend { forced ?? .oneDNN }

  static func usesOneDNN(_ geo: ConvGeometry) -> Bool { choose(geo) == .oneDNN }

  /// Set AEGIS_DNNL_OMP=1 to run each convolution as one call on oneDNN's OpenMP threads
  /// instead of one single-threaded call per worker on a slice of the batch (for measuring).
  static let usesOpenMP = getenv("AEGIS_DNNL_OMP").map { String(cString: $0) == "1" } ?? false

  static func shape(_ geo: ConvGeometry, images: Int, bias: Bool, relu: Bool, worker: Int) -> aegis_conv_shape {
    aegis_conv_shape(n: Int32(images), c: Int32(geo.c), h: Int32(geo.h), w: Int32(geo.w), o: Int32(geo.o),
                     kh: Int32(geo.kh), kw: Int32(geo.kw), stride: Int32(geo.stride), padding: Int32(geo.padding),
                     src_format: format(geo.inputLayout), dst_format: format(geo.outputLayout), bias: bias ? 1 : 0, relu: relu ? 1 : 0, worker: Int32(worker))
  }

  static func format(_ layout: ActivationLayout) -> aegis_format {
    switch layout {
    case .channelsFirst: return AEGIS_NCHW
    case .channelsLast: return AEGIS_NHWC
    case .blocked: return AEGIS_NCHW16C
    }
  }

  /// How many slices of how many images the batch splits into (every slice non-empty).
  static func slices(_ geo: ConvGeometry) -> (count: Int, size: Int) {
    if usesOpenMP { return (1, geo.n) }
    let size = (geo.n + Parallel.workers - 1) / Parallel.workers
    return ((geo.n + size - 1) / size, size)
  }

  /// Runs `body(shape, worker, first)` on slices of the batch, one per worker, concurrently;
  /// true when every call succeeded.
  static func onSlices(_ geo: ConvGeometry, bias: Bool = false, relu: Bool = false,
                       _ body: (inout aegis_conv_shape, Int, Int) -> Int32) -> Bool {
    if usesOpenMP {
      var s = shape(geo, images: geo.n, bias: bias, relu: relu, worker: -1)
      return body(&s, 0, 0) == 0
    }
    let (workers, size) = slices(geo)
    var failed = [Bool](repeating: false, count: workers)
    failed.withUnsafeMutableBufferPointer { f in
      let flags = f.baseAddress!
      Parallel.forEach(workers) { w in
        let first = w * size, count = Swift.min(size, geo.n - first)
        var s = shape(geo, images: count, bias: bias, relu: relu, worker: w)
        flags[w] = body(&s, w, first) != 0
      }
    }
    return !failed.contains(true)
  }

  /// The output [N, O, OH, OW] (stored in the output layout) of conv(x, w) (+ bias) (then ReLU).
  static func forward(_ geo: ConvGeometry, _ x: Tensor, _ weight: Tensor, _ bias: Tensor?, relu: Bool, training: Bool) -> [Float] {
    let count = geo.n * geo.o * geo.p
    return x.storage.withUnsafeBufferPointer { px in
      weight.storage.withUnsafeBufferPointer { pw in
        uninitializedFloats(count) { op in
          let xp = px.baseAddress!, wp = pw.baseAddress!
          if choose(geo) == .oneDNN {
            let inSize = geo.c * geo.h * geo.w, outSize = geo.o * geo.p
            let ok = withOptionalStorage(bias) { bp in
              onSlices(geo, bias: bias != nil, relu: relu) { s, _, first in
                aegis_conv_forward(&s, training ? 1 : 0, xp + first * inSize, wp, bp, op + first * outSize)
              }
            }
            if ok { return }
          }
          LayoutCopy.run(geo, inputs: [(xp, geo.inputLayout, geo.c, geo.h, geo.w)], output: op, outputLayout: geo.outputLayout,
                         outputSize: (geo.o, geo.oh, geo.ow)) { cf, ins, out in
            Im2colConv.forward(cf, ins[0], wp, into: out)
            addBiasAndReLU(cf, bias, relu: relu, out)
          }
        }
      }
    }
  }

  /// ∂input [N, C, H, W] (stored in the input layout) from the output gradient `g`.
  static func inputGradient(_ geo: ConvGeometry, _ g: Tensor, _ weight: Tensor) -> [Float] {
    g.storage.withUnsafeBufferPointer { pg in
      weight.storage.withUnsafeBufferPointer { pw in
        uninitializedFloats(geo.n * geo.c * geo.h * geo.w) { op in
          let gp = pg.baseAddress!, wp = pw.baseAddress!
          if choose(geo) == .oneDNN {
            let inSize = geo.c * geo.h * geo.w, outSize = geo.o * geo.p
            if onSlices(geo, { s, _, first in aegis_conv_backward_data(&s, gp + first * outSize, wp, op + first * inSize) }) {
              return
            }
          }
          LayoutCopy.run(geo, inputs: [(gp, geo.outputLayout, geo.o, geo.oh, geo.ow)], output: op, outputLayout: geo.inputLayout,
                         outputSize: (geo.c, geo.h, geo.w)) { cf, ins, out in
            out.update(repeating: 0, count: geo.n * geo.c * geo.h * geo.w)
            Im2colConv.inputGradient(cf, ins[0], wp, into: out)
          }
        }
      }
    }
  }

  /// ∂weight [O, C, kh, kw] from the input `x` and the output gradient `g`.
  static func weightGradient(_ geo: ConvGeometry, _ x: Tensor, _ g: Tensor) -> [Float] {
    x.storage.withUnsafeBufferPointer { px in
      g.storage.withUnsafeBufferPointer { pg in
        uninitializedFloats(geo.o * geo.k) { op in
          let xp = px.baseAddress!, gp = pg.baseAddress!
          if choose(geo) == .oneDNN && oneDNNWeightGradient(geo, xp, gp, op, nil) { return }
          referenceWeightGradient(geo, xp, gp, into: op)
        }
      }
    }
  }

  /// ∂weight and ∂bias in one oneDNN call (plain backward only: not recorded).
  static func weightAndBiasGradient(_ geo: ConvGeometry, _ x: Tensor, _ g: Tensor) -> (Tensor, Tensor) {
    var bias = [Float](repeating: 0, count: geo.o)
    var ok = false
    let weight = Profiler.measure("conv2d weight grad", flops: 2 * Double(geo.n * geo.o * geo.p * geo.k)) {
      x.storage.withUnsafeBufferPointer { px in
        g.storage.withUnsafeBufferPointer { pg in
          bias.withUnsafeMutableBufferPointer { pb in
            uninitializedFloats(geo.o * geo.k) { op in
              ok = oneDNNWeightGradient(geo, px.baseAddress!, pg.baseAddress!, op, pb.baseAddress!)
              if !ok { referenceWeightGradient(geo, px.baseAddress!, pg.baseAddress!, into: op) }
            }
          }
        }
      }
    }
    let wshape = [geo.o, geo.c, geo.kh, geo.kw]
    if !ok { return (Tensor(shape: wshape, storage: weight), g.perChannelSum(layout: geo.outputLayout)) }
    return (Tensor(shape: wshape, storage: weight), Tensor(shape: [geo.o], storage: bias))
  }

  /// Weight (and bias) gradients summed over per-worker slices of the batch: worker 0 writes
  /// into `op` (and `bp`), the others into partial buffers added afterwards.
  static func oneDNNWeightGradient(_ geo: ConvGeometry, _ xp: UnsafePointer<Float>, _ gp: UnsafePointer<Float>,
                                   _ op: UnsafeMutablePointer<Float>, _ bp: UnsafeMutablePointer<Float>?) -> Bool {
    let size = geo.o * geo.k, workers = Parallel.workers
    let partial = UnsafeMutablePointer<Float>.allocate(capacity: workers * (size + geo.o))
    defer { partial.deallocate() }
    let inSize = geo.c * geo.h * geo.w, outSize = geo.o * geo.p
    let ok = onSlices(geo, bias: bp != nil) { s, w, first in
      let wOut = w == 0 ? op : partial + w * size
      let bOut = bp.map { w == 0 ? $0 : partial + workers * size + w * geo.o }
      return aegis_conv_backward_weights(&s, xp + first * inSize, gp + first * outSize, wOut, bOut)
    }
    guard ok else { return false }
    for w in 1..<slices(geo).count {
      let src = partial + w * size
      for i in 0..<size { op[i] += src[i] }
      if let bp {
        let bsrc = partial + workers * size + w * geo.o
        for i in 0..<geo.o { bp[i] += bsrc[i] }
      }
    }
    return true
  }

  /// ∂weight by im2col (on channels-first copies of activations stored otherwise).
  static func referenceWeightGradient(_ geo: ConvGeometry, _ xp: UnsafePointer<Float>, _ gp: UnsafePointer<Float>,
                                      into op: UnsafeMutablePointer<Float>) {
    guard geo.layouts != .channelsFirst else { return Im2colConv.weightGradient(geo, xp, gp, into: op) }
    let x = LayoutCopy.channelsFirst(xp, geo.inputLayout, n: geo.n, c: geo.c, h: geo.h, w: geo.w)
    let g = LayoutCopy.channelsFirst(gp, geo.outputLayout, n: geo.n, c: geo.o, h: geo.oh, w: geo.ow)
    defer { x.deallocate(); g.deallocate() }
    Im2colConv.weightGradient(geo.channelsFirst, x, g, into: op)
  }

  /// The reference path's bias and ReLU, one pass over the output.
  static func addBiasAndReLU(_ geo: ConvGeometry, _ bias: Tensor?, relu: Bool, _ op: UnsafeMutablePointer<Float>) {
    guard bias != nil || relu else { return }
    let zeros = [Float](repeating: 0, count: geo.o)
    (bias?.storage ?? zeros).withUnsafeBufferPointer { pb in
      Parallel.forEach(geo.n) { b in
        for o in 0..<geo.o {
          let base = op + (b * geo.o + o) * geo.p
          let v = pb[o]
          if relu {
            for i in 0..<geo.p { base[i] = Swift.max(base[i] + v, 0) }
          } else {
            for i in 0..<geo.p { base[i] += v }
          }
        }
      }
    }
  }
}

/// An array of `count` floats that `fill` initializes completely (no zero-fill first).
@inline(__always)
func uninitializedFloats(_ count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
  [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
    if count > 0 { fill(buffer.baseAddress!) }
    initialized = count
  }
}

/// `body` with the storage of `t` (nil when there is no tensor).
@inline(__always)
func withOptionalStorage<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let t else { return body(nil) }
  return t.storage.withUnsafeBufferPointer { body($0.baseAddress) }
}
