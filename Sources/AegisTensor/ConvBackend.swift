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

  static func shape(_ geo: ConvGeometry, bias: Bool, relu: Bool) -> aegis_conv_shape {
    aegis_conv_shape(n: Int32(geo.n), c: Int32(geo.c), h: Int32(geo.h), w: Int32(geo.w), o: Int32(geo.o),
                     kh: Int32(geo.kh), kw: Int32(geo.kw), stride: Int32(geo.stride), padding: Int32(geo.padding),
                     bias: bias ? 1 : 0, relu: relu ? 1 : 0)
  }

  /// The output [N, O, OH, OW] of conv(x, w) (+ bias) (then ReLU).
  static func forward(_ geo: ConvGeometry, _ x: Tensor, _ weight: Tensor, _ bias: Tensor?, relu: Bool, training: Bool) -> [Float] {
    let count = geo.n * geo.o * geo.p
    return x.storage.withUnsafeBufferPointer { px in
      weight.storage.withUnsafeBufferPointer { pw in
        uninitializedFloats(count) { op in
          let xp = px.baseAddress!, wp = pw.baseAddress!
          if choose(geo) == .oneDNN {
            var s = shape(geo, bias: bias != nil, relu: relu)
            let status = withOptionalPointer(bias) { bp in aegis_conv_forward(&s, training ? 1 : 0, xp, wp, bp, op) }
            if status == 0 { return }
          }
          Im2colConv.forward(geo, xp, wp, into: op)
          addBiasAndReLU(geo, bias, relu: relu, op)
        }
      }
    }
  }

  /// ∂input [N, C, H, W] from the output gradient `g`.
  static func inputGradient(_ geo: ConvGeometry, _ g: Tensor, _ weight: Tensor) -> [Float] {
    g.storage.withUnsafeBufferPointer { pg in
      weight.storage.withUnsafeBufferPointer { pw in
        uninitializedFloats(geo.n * geo.c * geo.h * geo.w) { op in
          let gp = pg.baseAddress!, wp = pw.baseAddress!
          if choose(geo) == .oneDNN {
            var s = shape(geo, bias: false, relu: false)
            if aegis_conv_backward_data(&s, gp, wp, op) == 0 { return }
          }
          op.update(repeating: 0, count: geo.n * geo.c * geo.h * geo.w)
          Im2colConv.inputGradient(geo, gp, wp, into: op)
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
          if choose(geo) == .oneDNN {
            var s = shape(geo, bias: false, relu: false)
            if aegis_conv_backward_weights(&s, xp, gp, op, nil) == 0 { return }
          }
          Im2colConv.weightGradient(geo, xp, gp, into: op)
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
              var s = shape(geo, bias: true, relu: false)
              ok = aegis_conv_backward_weights(&s, px.baseAddress!, pg.baseAddress!, op, pb.baseAddress!) == 0
              if !ok { Im2colConv.weightGradient(geo, px.baseAddress!, pg.baseAddress!, into: op) }
            }
          }
        }
      }
    }
    let wshape = [geo.o, geo.c, geo.kh, geo.kw]
    if !ok { return (Tensor(shape: wshape, storage: weight), g.sum(axes: [0, 2, 3])) }
    return (Tensor(shape: wshape, storage: weight), Tensor(shape: [geo.o], storage: bias))
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

@inline(__always)
private func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let t else { return body(nil) }
  return t.storage.withUnsafeBufferPointer { body($0.baseAddress) }
}
