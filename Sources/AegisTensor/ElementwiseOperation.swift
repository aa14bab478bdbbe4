// What `Tensor.broadcastBinary` needs of an operation: its loops for the common cases (same
// shapes, a scalar on either side) and one element for the general broadcasting path. The loop
// is part of the operation so that an operation known at compile time (`ElementwiseArithmetic`)
// gets a loop the optimizer vectorizes; a closure (`ElementwiseClosure`) is called per element.

protocol ElementwiseOperation {
  /// `po[i] = pa[i] ∘ pb[i]` over `range`.
  func apply(_ pa: UnsafeBufferPointer<Float>, _ pb: UnsafeBufferPointer<Float>,
             _ po: UnsafeMutableBufferPointer<Float>, _ range: Range<Int>)
  /// `po[i] = pa[i] ∘ s` over `range`.
  func apply(_ pa: UnsafeBufferPointer<Float>, scalar s: Float, _ po: UnsafeMutableBufferPointer<Float>,
             _ range: Range<Int>)
  /// `po[i] = s ∘ pb[i]` over `range`.
  func apply(scalar s: Float, _ pb: UnsafeBufferPointer<Float>, _ po: UnsafeMutableBufferPointer<Float>,
             _ range: Range<Int>)
  /// One element, for the strided broadcasting loop.
  func callAsFunction(_ x: Float, _ y: Float) -> Float
}

/// Any `(Float, Float) -> Float`, called once per element.
struct ElementwiseClosure: ElementwiseOperation {
  let f: (Float, Float) -> Float

  @inline(__always)
  func apply(_ pa: UnsafeBufferPointer<Float>, _ pb: UnsafeBufferPointer<Float>,
             _ po: UnsafeMutableBufferPointer<Float>, _ range: Range<Int>) {
    for i in range { po[i] = f(pa[i], pb[i]) }
  }

  @inline(__always)
  func apply(_ pa: UnsafeBufferPointer<Float>, scalar s: Float, _ po: UnsafeMutableBufferPointer<Float>,
             _ range: Range<Int>) {
    for i in range { po[i] = f(pa[i], s) }
  }

  @inline(__always)
  func apply(scalar s: Float, _ pb: UnsafeBufferPointer<Float>, _ po: UnsafeMutableBufferPointer<Float>,
             _ range: Range<Int>) {
    for i in range { po[i] = f(s, pb[i]) }
  }

  @inline(__always)
  func callAsFunction(_ x: Float, _ y: Float) -> Float { f(x, y) }
}
