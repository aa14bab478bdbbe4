// Rotation prediction (Gidaris et al. 2018) as in the paper's code (method.md §3.1): 4 classes
// = rotation by k·90° counter-clockwise over (H, W) (torch.rot90), one rotation per image,
// labels a random permutation of [0, 1, 2, 3] repeated ⌊B/4⌋+1 times, truncated to B
// (`np.random.permutation([0,1,2,3] * (B//4 + 1))[:B]`). Optionally all four rotations of every
// image (the batch grows 4×), as in Hendrycks et al. 2019.

import AegisNN
import AegisTensor

/// Rotation pretext task (Chen et al. 2020 §3; method.md §3.1).
public struct RotationTask: PretextTask {
  /// When true, every image appears in all four rotations (the batch grows 4×).
  public let allRotations: Bool

  public init(allRotations: Bool = false) { self.allRotations = allRotations }

  public var name: String { "rotation" }
  public var classes: Int { 4 }
  public var settings: [String: String] { ["task": name, "all_rotations": String(allRotations)] }

  public func validate(for model: Model) throws {
    let shape = model.config.inputShape
    guard shape.count == 3, shape[1] == shape[2] else {
      throw SSLError("rotation: images must be square so a 90° rotation keeps their shape, got \(shape.dropFirst().map(String.init).joined(separator: "×")); crop them first")
    }
  }

  public func makeHead(for model: Model, seed: UInt64) throws -> any PretextHead {
    try validate(for: model)
    return ClassificationTaskHead(model.makeHead(outputs: classes, seed: seed), classes: classes)
  }

  public func makeBatch(images: Tensor, rng: inout RandomGenerator) throws -> PretextBatch {
    guard images.rank == 4, images.shape[2] == images.shape[3] else {
      throw SSLError("rotation: needs square images [N, C, H, H], got \(images.shape)")
    }
    let n = images.shape[0]
    if allRotations {
      let inputs = Tensor.concat((0..<4).map { images.rot90($0) }, axis: 0)
      return PretextBatch(inputs: inputs, labels: (0..<4).flatMap { [Int](repeating: $0, count: n) })
    }
    let labels = Self.balancedLabels(count: n, rng: &rng)
    return PretextBatch(inputs: Self.rotate(images, by: labels), labels: labels)
  }

  /// The official class-balanced labels: a random permutation of [0,1,2,3] × (⌊n/4⌋+1), first n.
  public static func balancedLabels(count n: Int, rng: inout RandomGenerator) -> [Int] {
    let pool = (0..<(n / 4 + 1)).flatMap { _ in [0, 1, 2, 3] }
    return Array(rng.permutation(pool.count).map { pool[$0] }.prefix(n))
  }

  /// Image `i` rotated by `labels[i]`·90° counter-clockwise (differentiable: a permutation).
  public static func rotate(_ images: Tensor, by labels: [Int]) -> Tensor {
    var order: [Int] = []
    var parts: [Tensor] = []
    for k in 0..<4 {
      let members = labels.indices.filter { labels[$0] % 4 == k }
      guard !members.isEmpty else { continue }
      parts.append(images.gatherRows(members).rot90(k))
      order += members
    }
    guard !parts.isEmpty else { return images }
    var inverse = [Int](repeating: 0, count: order.count)
    for (position, index) in order.enumerated() { inverse[index] = position }
    return Tensor.concat(parts, axis: 0).gatherRows(inverse)
  }
}
