// Elementwise arithmetic with NumPy broadcasting. Each op is its forward kernel plus its
// backward rule, side by side; backward rules are tensor ops, so they differentiate again.

extension Tensor {
  /// The broadcast shape of two shapes, or a `TensorError` naming both.
  public static func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
    guard let s = Broadcast.shape(a, b) else { throw TensorError.notBroadcastable(a, b) }
    return s
  }

  /// Applies `f` elementwise over the broadcast of `a` and `b`.
  @inline(__always)
  static func broadcastBinary(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
    withoutActuallyEscaping(f) { broadcastBinary(a, b, ElementwiseClosure(f: $0)) }
  }

  /// Applies `op` elementwise over the broadcast of `a` and `b`: its own loops when the shapes
  /// match or one side is a single element, else the strided loop one element at a time.
  static func broadcastBinary<Op: ElementwiseOperation>(_ a: Tensor, _ b: Tensor, _ op: Op) -> Tensor {
    guard let outShape = Broadcast.shape(a.shape, b.shape) else {
      preconditionFailure("internal: shapes \(a.shape) and \(b.shape) do not broadcast; check before calling")
    }
    let n = outShape.elementCount
    // Uninitialized: every element is written below, and zero-filling large arrays costs a pass.
    let out = [Float](unsafeUninitializedCapacity: n) { po, initialized in
      a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
          if a.count == n && b.count == n {
            Parallel.forRanges(n) { r in op.apply(pa, pb, po, r) }
          } else if b.count == 1 && a.count == n {
            let s = pb[0]
            Parallel.forRanges(n) { r in op.apply(pa, scalar: s, po, r) }
          } else if a.count == 1 && b.count == n {
            let s = pa[0]
            Parallel.forRanges(n) { r in op.apply(scalar: s, pb, po, r) }
          } else {
            stridedBinary(pa, pb, po, outShape, a.shape, b.shape) { op($0, $1) }
          }
        }
      }
      initialized = n
    }
    return Tensor(shape: outShape, storage: out)
  }

  /// General broadcasting loop: odometer over the outer dimensions, tight inner loop.
  @inline(__always)
  static func stridedBinary(
    _ pa: UnsafeBufferPointer<Float>, _ pb: UnsafeBufferPointer<Float>, _ po: UnsafeMutableBufferPointer<Float>,
    _ outShape: [Int], _ aShape: [Int], _ bShape: [Int], _ f: (Float, Float) -> Float
  ) {
    let (dims, sets) = Broadcast.coalesce(
      outShape, [Broadcast.strides(of: aShape, in: outShape), Broadcast.strides(of: bShape, in: outShape)])
    let sa = sets[0], sb = sets[1]
    let inner = dims[dims.count - 1], ia = sa[sa.count - 1], ib = sb[sb.count - 1]
    let outer = dims.count - 1
    let rows = po.count / Swift.max(inner, 1)
    var index = [Int](repeating: 0, count: Swift.max(outer, 1))
    var offA = 0, offB = 0
    for row in 0..<rows {
      let base = row * inner
      for j in 0..<inner { po[base + j] = f(pa[offA + j * ia], pb[offB + j * ib]) }
      var d = outer - 1
      while d >= 0 {
        index[d] += 1
        offA += sa[d]; offB += sb[d]
        if index[d] < dims[d] { break }
        offA -= sa[d] * dims[d]; offB -= sb[d] * dims[d]
        index[d] = 0
        d -= 1
      }
    }
  }

  /// Applies `f` to every element.
  @inline(__always)
  func mapElements(_ f: (Float) -> Float) -> Tensor {
    let n = count
    let out = [Float](unsafeUninitializedCapacity: n) { o, initialized in
      storage.withUnsafeBufferPointer { p in
        Parallel.forRanges(n) { r in for i in r { o[i] = f(p[i]) } }
      }
      initialized = n
    }
    return Tensor(shape: shape, storage: out)
  }

  /// Sums a broadcast gradient back down to `target` (the inverse of broadcasting).
  public func sum(toShape target: [Int]) -> Tensor {
    if shape == target { return self }
    let pad = rank - target.count
    var axes: [Int] = Array(0..<pad)
    for i in 0..<target.count where target[i] == 1 && shape[i + pad] != 1 { axes.append(i + pad) }
    return sum(axes: axes, keepDims: true).reshaped(target)
  }
}

// MARK: - Binary operators

extension Tensor {
  public static func + (a: Tensor, b: Tensor) -> Tensor {
    broadcastBinary(a, b, ElementwiseArithmetic.add).recorded("add", [a, b]) { g in
      [g.sum(toShape: a.shape), g.sum(toShape: b.shape)]
    }
  }

  public static func - (a: Tensor, b: Tensor) -> Tensor {
    broadcastBinary(a, b, ElementwiseArithmetic.subtract).recorded("sub", [a, b]) { g in
      [g.sum(toShape: a.shape), (-g).sum(toShape: b.shape)]
    }
  }

  public static func * (a: Tensor, b: Tensor) -> Tensor {
    broadcastBinary(a, b, ElementwiseArithmetic.multiply).recorded("mul", [a, b]) { g in
      [a.requiresGrad ? (g * b).sum(toShape: a.shape) : nil,
       b.requiresGrad ? (g * a).sum(toShape: b.shape) : nil]
    }
  }

  public static func / (a: Tensor, b: Tensor) -> Tensor {
    broadcastBinary(a, b, ElementwiseArithmetic.divide).recorded("div", [a, b]) { g in
      [a.requiresGrad ? (g / b).sum(toShape: a.shape) : nil,
       b.requiresGrad ? (-(g * a) / (b * b)).sum(toShape: b.shape) : nil]
    }
  }

  public static prefix func - (a: Tensor) -> Tensor {
    a.mapElements { -$0 }.recorded("neg", [a]) { g in [-g] }
  }

  public static func + (a: Tensor, s: Float) -> Tensor { a + Tensor(s) }
  public static func + (s: Float, a: Tensor) -> Tensor { Tensor(s) + a }
  public static func - (a: Tensor, s: Float) -> Tensor { a - Tensor(s) }
  public static func - (s: Float, a: Tensor) -> Tensor { Tensor(s) - a }
  public static func * (a: Tensor, s: Float) -> Tensor { a * Tensor(s) }
  public static func * (s: Float, a: Tensor) -> Tensor { Tensor(s) * a }
  public static func / (a: Tensor, s: Float) -> Tensor { a * Tensor(1 / s) }
  public static func / (s: Float, a: Tensor) -> Tensor { Tensor(s) / a }

  /// Elementwise maximum; the gradient goes to the larger operand (to `a` on ties).
  public func maximum(_ b: Tensor) -> Tensor {
    let a = self
    return Tensor.broadcastBinary(a, b) { Swift.max($0, $1) }.recorded("maximum", [a, b]) { g in
      let mask = Tensor.broadcastBinary(a, b) { $0 >= $1 ? 1 : 0 }
      return [(g * mask).sum(toShape: a.shape), (g * (1 - mask)).sum(toShape: b.shape)]
    }
  }

  /// Elementwise minimum; the gradient goes to the smaller operand (to `a` on ties).
  public func minimum(_ b: Tensor) -> Tensor {
    let a = self
    return Tensor.broadcastBinary(a, b) { Swift.min($0, $1) }.recorded("minimum", [a, b]) { g in
      let mask = Tensor.broadcastBinary(a, b) { $0 <= $1 ? 1 : 0 }
      return [(g * mask).sum(toShape: a.shape), (g * (1 - mask)).sum(toShape: b.shape)]
    }
  }

  /// 1 where the comparison holds, else 0 (not differentiable).
  public func compare(_ b: Tensor, _ op: (Float, Float) -> Bool) -> Tensor {
    Tensor.broadcastBinary(self, b) { op($0, $1) ? 1 : 0 }
  }
}

// MARK: - Unary functions

extension Tensor {
  public func exp() -> Tensor {
    let out = mapElements { expf($0) }
    return out.recorded("exp", [self]) { [unowned out] g in [g * out] }
  }

  public func log() -> Tensor {
    mapElements { logf($0) }.recorded("log", [self]) { g in [g / self] }
  }

  public func sqrt() -> Tensor {
    let out = mapElements { $0.squareRoot() }
    return out.recorded("sqrt", [self]) { [unowned out] g in [g / (2 * out)] }
  }

  public func squared() -> Tensor { self * self }

  /// Elementwise power with a constant exponent.
  public func pow(_ p: Float) -> Tensor {
    mapElements { powf($0, p) }.recorded("pow", [self]) { g in [g * p * self.pow(p - 1)] }
  }

  public func tanh() -> Tensor {
    let out = mapElements { tanhf($0) }
    return out.recorded("tanh", [self]) { [unowned out] g in [g * (1 - out * out)] }
  }

  public func sigmoid() -> Tensor {
    let out = mapElements { 1 / (1 + expf(-$0)) }
    return out.recorded("sigmoid", [self]) { [unowned out] g in [g * out * (1 - out)] }
  }

  public func relu() -> Tensor {
    Profiler.measure("relu") { mapElements { $0 > 0 ? $0 : 0 } }.recorded("relu", [self]) { g in
      [g.reluMasked(by: self.detached())]
    }
  }

  /// GELU, tanh approximation (as the Selfie transformer), composed so it twice-differentiates.
  public func gelu() -> Tensor {
    let c: Float = 0.797_884_56  // √(2/π)
    return 0.5 * self * (1 + (c * (self + 0.044715 * self * self * self)).tanh())
  }

  public func abs() -> Tensor {
    mapElements { Swift.abs($0) }.recorded("abs", [self]) { g in [g * self.detached().sign()] }
  }

  /// -1, 0 or 1 per element (zero gradient: a step function).
  public func sign() -> Tensor { mapElements { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) } }

  /// Clamps to `[low, high]`; the gradient passes where the value was inside.
  public func clamped(_ low: Float, _ high: Float) -> Tensor {
    mapElements { Swift.min(Swift.max($0, low), high) }.recorded("clamp", [self]) { g in
      [g * self.detached().mapElements { $0 >= low && $0 <= high ? 1 : 0 }]
    }
  }

  /// Rounds to `levels - 1` steps in [0, 1] (a deliberately non-differentiable quantizer; gradient 0).
  public func quantized(levels: Int) -> Tensor {
    let q = Float(Swift.max(levels - 1, 1))
    return mapElements { ($0 * q).rounded() / q }
  }

  public var hasNonFinite: Bool { storage.contains { !$0.isFinite } }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
