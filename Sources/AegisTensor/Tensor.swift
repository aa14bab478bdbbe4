// Tensor: a float32, contiguous, row-major (NCHW for images) n-dimensional array that can
// take part in reverse-mode automatic differentiation.

/// A float32 n-dimensional array, contiguous and row-major.
///
/// Images are `[N, C, H, W]`. A tensor with `requiresGrad == true` records the operations that
/// use it (while `GradMode.isEnabled`), so `backward()` or `gradients(of:wrt:)` can compute
/// derivatives with respect to it. Values are mutable only through the optimizer and the
/// explicit `assign` helpers; operations always return new tensors.
public final class Tensor {
  /// Dimensions, outermost first. A scalar has shape `[]`.
  public let shape: [Int]
  /// The elements, row-major; `storage.count == shape.product`.
  public var storage: [Float]
  /// Whether gradients flow to (or through) this tensor.
  public var requiresGrad: Bool
  /// Accumulated gradient after `backward()` (leaves only).
  public var grad: Tensor?
  /// How this tensor was computed, when it was recorded for differentiation.
  var node: BackwardNode?

  /// Creates a tensor from elements and a shape. The caller guarantees the count matches.
  public init(shape: [Int], storage: [Float], requiresGrad: Bool = false) {
    precondition(shape.reduce(1, *) == storage.count, "internal: shape \(shape) does not match \(storage.count) elements")
    self.shape = shape
    self.storage = storage
    self.requiresGrad = requiresGrad
  }

  /// Creates a tensor from elements, checking that the count matches the shape.
  public convenience init(checkedShape shape: [Int], storage: [Float]) throws {
    guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorError.invalidShape(shape) }
    let n = shape.reduce(1, *)
    guard n == storage.count else {
      throw TensorError.elementCountMismatch(shape: shape, count: storage.count)
    }
    self.init(shape: shape, storage: storage)
  }

  /// A scalar tensor.
  public convenience init(_ value: Float) {
    self.init(shape: [], storage: [value])
  }

  /// Number of elements.
  @inlinable public var count: Int { storage.count }
  /// Number of dimensions.
  @inlinable public var rank: Int { shape.count }
  /// The single element of a one-element tensor.
  public var scalar: Float { storage[0] }

  /// A tensor sharing these values but cut from the graph.
  public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }

  /// Overwrites the values in place (same shape). Used by optimizers and loaders.
  public func assign(_ other: Tensor) {
    precondition(other.count == count, "internal: assign of \(other.shape) into \(shape)")
    storage = other.storage
  }
}

// MARK: - Creation

extension Tensor {
  public static func zeros(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, storage: [Float](repeating: 0, count: shape.reduce(1, *)))
  }

  public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

  public static func full(_ shape: [Int], _ value: Float) -> Tensor {
    Tensor(shape: shape, storage: [Float](repeating: value, count: shape.reduce(1, *)))
  }

  /// `[start, start+step, …)` below `end`, as a 1-D tensor.
  public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
    var values: [Float] = []
    var v = start
    while step > 0 ? v < end : v > end {
      values.append(v)
      v += step
    }
    return Tensor(shape: [values.count], storage: values)
  }

  /// Uniform values in `[low, high)` from a seeded generator.
  public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, rng: inout RandomGenerator) -> Tensor {
    let n = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n { values[i] = low + (high - low) * rng.nextFloat() }
    return Tensor(shape: shape, storage: values)
  }

  /// Normal values with the given mean and standard deviation from a seeded generator.
  public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout RandomGenerator) -> Tensor {
    let n = shape.reduce(1, *)
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n { values[i] = mean + std * rng.nextNormal() }
    return Tensor(shape: shape, storage: values)
  }

  /// PyTorch's default init for conv/linear weights (Kaiming uniform with a = √5):
  /// U(-1/√fanIn, 1/√fanIn). `fanIn` = inputs per output unit.
  public static func kaimingUniform(_ shape: [Int], fanIn: Int, rng: inout RandomGenerator) -> Tensor {
    let bound = 1 / Float(fanIn).squareRoot()
    return uniform(shape, low: -bound, high: bound, rng: &rng)
  }

  /// He normal init N(0, 2/fanIn), for ReLU networks trained from scratch.
  public static func kaimingNormal(_ shape: [Int], fanIn: Int, rng: inout RandomGenerator) -> Tensor {
    normal(shape, std: (2 / Float(fanIn)).squareRoot(), rng: &rng)
  }
}
