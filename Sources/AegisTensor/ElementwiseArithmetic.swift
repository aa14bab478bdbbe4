// The four arithmetic operators as an `ElementwiseOperation` with typed loops. Passed as a
// closure, the operation was not inlined through `Parallel.forRanges`: every element cost an
// indirect call and nothing vectorized. Profiling a study cell (PreActResNet PGD-10 fine-tuning)
// put 13 % of its time in that path, mostly `+` from residual connections and gradient
// accumulation. Each element is computed exactly as before (one IEEE operation), so results are
// bit-identical; only the loop changes.

enum ElementwiseArithmetic: ElementwiseOperation {
  case add, subtract, multiply, divide

  @inline(__always)
  func apply(_ pa: UnsafeBufferPointer<Float>, _ pb: UnsafeBufferPointer<Float>,
             _ po: UnsafeMutableBufferPointer<Float>, _ range: Range<Int>) {
    switch self {
    case .add: for i in range { po[i] = pa[i] + pb[i] }
    case .subtract: for i in range { po[i] = pa[i] - pb[i] }
    case .multiply: for i in range { po[i] = pa[i] * pb[i] }
    case .divide: for i in range { po[i] = pa[i] / pb[i] }
    }
  }

  @inline(__always)
  func apply(_ pa: UnsafeBufferPointer<Float>, scalar s: Float, _ po: UnsafeMutableBufferPointer<Float>,
             _ range: Range<Int>) {
    switch self {
    case .add: for i in range { po[i] = pa[i] + s }
    case .subtract: for i in range { po[i] = pa[i] - s }
    case .multiply: for i in range { po[i] = pa[i] * s }
    case .divide: for i in range { po[i] = pa[i] / s }
    }
  }

  @inline(__always)
  func apply(scalar s: Float, _ pb: UnsafeBufferPointer<Float>, _ po: UnsafeMutableBufferPointer<Float>,
             _ range: Range<Int>) {
    switch self {
    case .add: for i in range { po[i] = s + pb[i] }
    case .subtract: for i in range { po[i] = s - pb[i] }
    case .multiply: for i in range { po[i] = s * pb[i] }
    case .divide: for i in range { po[i] = s / pb[i] }
    }
  }

  @inline(__always)
  func callAsFunction(_ x: Float, _ y: Float) -> Float {
    switch self {
    case .add: return x + y
    case .subtract: return x - y
    case .multiply: return x * y
    case .divide: return x / y
    }
  }
}
