// Selfie (Trinh et al. 2019) as in the paper's code (method.md §3.3), at workstation scale:
// 4×4 patches encoded by the model's backbone (+ global average pooling), one mask per batch
// (4 of 16 positions masked, drawn from the rng), attention pooling of the visible patches by a
// small transformer with a learned prepended token, row + column position embeddings added to
// the pooled vector to form one query per masked position, scores = query · candidate features
// of the masked patches of the same image, target = the query's own patch.
//
// Patch encoder: the paper's P is "the first three blocks" = the transferable backbone θp. Aegis
// applies the model's backbone to each patch and global-average-pools: for the resnets this is
// exactly θp; for the SmallCNN (conv-conv-pool-conv-conv-pool) it works on patches of side ≥ 4;
// an MLP backbone takes whole flattened images and is refused.
//
// Loss: proper cross-entropy over the 4 candidates by default; `officialDoubleSoftmax` keeps the
// official code's softmax-then-CrossEntropyLoss (a bounded, damped loss, method.md §3.3).
// Proper CE on unscaled dot products is sensitive to the learning rate: on Fashion-MNIST with
// ResNet-8 width 8, lr 0.01 reaches ≈45% (chance 25%) in 2 epochs, 0.05 stalls at chance and
// larger rates diverge (training stops with an error); the double softmax tolerates 0.05.

import AegisNN
import AegisTensor

/// Selfie pretext task (Chen et al. 2020 §3; method.md §3.3).
public struct SelfieTask: PretextTask {
  /// Patches masked per batch (the queries); 4 of 16 in the paper.
  public let maskedPatches: Int
  /// Transformer encoder layers of the attention pooling (paper: 13).
  public let layers: Int
  /// Attention heads (paper: 16); must divide the feature size.
  public let heads: Int
  /// Feed-forward width (nil: twice the feature size, as the paper's 1024 → 2048).
  public let hiddenSize: Int?
  /// Transformer width (nil: the backbone's feature size; otherwise a learned projection of
  /// the patch features, shared by queries and candidates).
  public let dimension: Int?
  /// Dropout in the transformer (0.1 in the paper).
  public let dropout: Double
  /// Keep the official softmax-then-cross-entropy quirk instead of a proper cross-entropy
  /// (bounded loss, damped gradients; tolerates larger learning rates).
  public let officialDoubleSoftmax: Bool
  /// Grid side (4: 16 patches).
  public let gridSize: Int

  public init(maskedPatches: Int = 4, layers: Int = 2, heads: Int = 4, hiddenSize: Int? = nil, dimension: Int? = nil,
              dropout: Double = 0.1, officialDoubleSoftmax: Bool = false, gridSize: Int = 4) throws {
    let patches = gridSize * gridSize
    guard gridSize >= 2 else { throw SSLError("selfie: the grid needs at least 2×2 patches, got \(gridSize)×\(gridSize)") }
    guard maskedPatches >= 2, maskedPatches < patches else {
      throw SSLError("selfie: masked patches must be between 2 and \(patches - 1) (the paper masks 4 of 16), got \(maskedPatches)")
    }
    guard layers >= 1 else { throw SSLError("selfie: the attention pooling needs at least 1 transformer layer, got \(layers)") }
    guard heads >= 1 else { throw SSLError("selfie: heads must be at least 1, got \(heads)") }
    if let h = hiddenSize, h < 1 { throw SSLError("selfie: hidden size must be at least 1, got \(h)") }
    if let d = dimension, d < 1 || d % heads != 0 {
      throw SSLError("selfie: dimension \(d) must be a positive multiple of heads (\(heads))")
    }
    guard dropout.isFinite, dropout >= 0, dropout < 1 else { throw SSLError("selfie: dropout must be in [0, 1), got \(dropout)") }
    self.maskedPatches = maskedPatches
    self.layers = layers
    self.heads = heads
    self.hiddenSize = hiddenSize
    self.dimension = dimension
    self.dropout = dropout
    self.officialDoubleSoftmax = officialDoubleSoftmax
    self.gridSize = gridSize
  }

  /// The paper's attention pooling: 13 layers, 16 heads, FFN twice the width (13×1024 with
  /// 2048-wide FFNs on ResNet-50v2 width 64, whose θp features are 1024-d).
  public static func paperSize(officialDoubleSoftmax: Bool = false) throws -> SelfieTask {
    try SelfieTask(layers: 13, heads: 16, officialDoubleSoftmax: officialDoubleSoftmax)
  }

  public var name: String { "selfie" }
  public var classes: Int { maskedPatches }
  public var settings: [String: String] {
    ["task": name, "masked": String(maskedPatches), "layers": String(layers), "heads": String(heads),
     "hidden": hiddenSize.map(String.init) ?? "2x features", "dimension": dimension.map(String.init) ?? "features",
     "dropout": String(dropout), "official_double_softmax": String(officialDoubleSoftmax), "grid": "\(gridSize)x\(gridSize)"]
  }

  /// The patch grid over `imageShape` ([C, H, W]).
  public func grid(for imageShape: [Int]) throws -> PatchGrid {
    try PatchGrid(imageShape: imageShape, rows: gridSize, columns: gridSize, task: "selfie")
  }

  public func validate(for model: Model) throws {
    let grid = try grid(for: model.config.inputShape)
    switch model.config.architecture {
    case "resnet": break
    case "cnn":
      guard min(grid.patchHeight, grid.patchWidth) >= 4 else {
        throw SSLError("selfie: the cnn backbone pools twice by 2, so patches must be at least 4×4, got \(grid.patchHeight)×\(grid.patchWidth); use a resnet")
      }
    default:
      throw SSLError("selfie: encodes each \(grid.patchHeight)×\(grid.patchWidth) patch with the backbone, but an \(model.config.architecture) backbone takes whole flattened images; use resnet (or cnn)")
    }
  }

  public func makeHead(for model: Model, seed: UInt64) throws -> any PretextHead {
    try validate(for: model)
    let grid = try grid(for: model.config.inputShape)
    let features = SelfieHead.featureSize(of: model, patchShape: grid.patchShape)
    let width = dimension ?? features
    guard width % heads == 0 else {
      throw SSLError("selfie: heads (\(heads)) must divide the patch feature size \(width) of this backbone; choose heads among \(divisors(of: width)) or set dimension:")
    }
    var rng = RandomGenerator(seed: seed)
    return SelfieHead(grid: grid, featureSize: features, dimension: width, layers: layers, heads: heads,
                      hiddenSize: hiddenSize ?? 2 * width, dropout: Float(dropout),
                      officialDoubleSoftmax: officialDoubleSoftmax, rng: &rng)
  }

  /// The images themselves, with one mask for the whole batch: the first `maskedPatches`
  /// positions of a random permutation are masked (their order defines the targets).
  public func makeBatch(images: Tensor, rng: inout RandomGenerator) throws -> PretextBatch {
    guard images.rank == 4 else { throw SSLError("selfie: needs images [N, C, H, W], got \(images.shape)") }
    _ = try grid(for: Array(images.shape.dropFirst()))
    let order = rng.permutation(gridSize * gridSize)
    let n = images.shape[0]
    return PretextBatch(inputs: images, labels: (0..<n).flatMap { _ in Array(0..<maskedPatches) },
                        queriesPerInput: maskedPatches, maskedPositions: Array(order.prefix(maskedPatches)),
                        visiblePositions: Array(order.dropFirst(maskedPatches)))
  }

  private func divisors(of n: Int) -> String {
    (1...max(n, 1)).filter { n % $0 == 0 }.map(String.init).joined(separator: ", ")
  }
}
