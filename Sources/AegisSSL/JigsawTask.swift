// Jigsaw puzzles (Noroozi & Favaro 2016) as in the paper's code (method.md §3.2): a 4×4 grid
// (8×8 patches on 32×32, 7×7 on 28×28), classes = a permutation set (31 = identity + 30 by
// default), per image a uniform class that is forced to 0 (the identity) with probability
// `identityBias` (0.1 in the code: `if rand() > 0.9: order = 0`). Output patch j of a shuffled
// image is input patch perm[j].

import AegisNN
import AegisTensor

/// Jigsaw pretext task (Chen et al. 2020 §3; method.md §3.2).
public struct JigsawTask: PretextTask {
  /// Class k shuffles the patches by `permutations.permutations[k]`; class 0 is the identity.
  public let permutations: PermutationSet
  /// Probability of forcing the identity (class 0) for an image; 0.1 as the official code.
  public let identityBias: Double
  /// Grid side (4 as the paper: 16 patches); must match the permutation set's pieces.
  public let gridSize: Int

  /// A task over an explicit permutation set.
  public init(permutations: PermutationSet, identityBias: Double = 0.1) throws {
    guard identityBias.isFinite, (0...1).contains(identityBias) else {
      throw SSLError("jigsaw: bias must be a probability between 0 and 1 (0.1 forces the identity for 10% of the images, as the official code), got \(identityBias)")
    }
    let side = Int(Double(permutations.pieces).squareRoot().rounded())
    guard side * side == permutations.pieces else {
      throw SSLError("jigsaw: permutations of \(permutations.pieces) pieces do not fill a square grid; use 16 pieces for the paper's 4×4 grid")
    }
    self.permutations = permutations
    self.identityBias = identityBias
    gridSize = side
  }

  /// A 4×4 task with `classes` permutations chosen by `selection` from `seed`
  /// (maximal Hamming distance by default; `.random` is the official recipe).
  public init(classes: Int = 31, selection: PermutationSet.Selection = .maximalHamming, seed: UInt64 = 0, identityBias: Double = 0.1) throws {
    try self.init(permutations: PermutationSet.make(selection, count: classes, pieces: 16, seed: seed), identityBias: identityBias)
  }

  public var name: String { "jigsaw" }
  public var classes: Int { permutations.count }
  public var settings: [String: String] {
    ["task": name, "classes": String(classes), "selection": permutations.selection.rawValue,
     "permutation_seed": String(permutations.seed), "identity_bias": String(identityBias),
     "grid": "\(gridSize)x\(gridSize)", "min_hamming": String(permutations.minimumDistance)]
  }

  /// The patch grid over `imageShape` ([C, H, W]).
  public func grid(for imageShape: [Int]) throws -> PatchGrid {
    try PatchGrid(imageShape: imageShape, rows: gridSize, columns: gridSize, task: "jigsaw")
  }

  public func validate(for model: Model) throws { _ = try grid(for: model.config.inputShape) }

  public func makeHead(for model: Model, seed: UInt64) throws -> any PretextHead {
    try validate(for: model)
    return ClassificationTaskHead(model.makeHead(outputs: classes, seed: seed), classes: classes)
  }

  public func makeBatch(images: Tensor, rng: inout RandomGenerator) throws -> PretextBatch {
    guard images.rank == 4 else { throw SSLError("jigsaw: needs images [N, C, H, W], got \(images.shape)") }
    let grid = try grid(for: Array(images.shape.dropFirst()))
    let labels = drawLabels(count: images.shape[0], rng: &rng)
    let inputs = try grid.rearrange(images, orders: labels.map { permutations.permutations[$0] })
    return PretextBatch(inputs: inputs, labels: labels)
  }

  /// Per image: a uniform class, then the identity with probability `identityBias` (official order of draws).
  func drawLabels(count n: Int, rng: inout RandomGenerator) -> [Int] {
    (0..<n).map { _ in
      let order = rng.nextInt(classes)
      return Double(rng.nextFloat()) < identityBias ? 0 : order
    }
  }
}
