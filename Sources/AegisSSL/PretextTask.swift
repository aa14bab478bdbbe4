// Pretext tasks as values (method.md §3): a task turns a batch of unlabelled images into
// pretext inputs and labels, and makes the head that predicts them. The loss, the attack
// objective and the accuracy are computed generically by `PretextNetwork`, so PGD attacks the
// pretext loss of any task (method.md §4.1).

import AegisNN
import AegisTensor

/// A self-supervised task: Rotation, Jigsaw or Selfie (Chen et al. 2020, §3; method.md §3).
public protocol PretextTask {
  /// Short name used in tables and metric names: "rotation", "jigsaw", "selfie".
  var name: String { get }
  /// Classes each prediction chooses among (4 rotations, 31 permutations, 4 masked patches).
  var classes: Int { get }
  /// Every setting of the task, for histories and grid exports.
  var settings: [String: String] { get }
  /// Checks that the task can run on `model` (image size, architecture); throws with the fix.
  func validate(for model: Model) throws
  /// A fresh task head for `model`, initialized from `seed`.
  func makeHead(for model: Model, seed: UInt64) throws -> any PretextHead
  /// Pretext inputs and labels for `images` `[N, C, H, W]`, drawing from `rng`.
  func makeBatch(images: Tensor, rng: inout RandomGenerator) throws -> PretextBatch
}

extension PretextTask {
  /// "rotation(all_rotations: false)"-style one-line summary.
  public var summary: String {
    let parts = settings.filter { $0.key != "task" }.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
    return "\(name)(\(parts.joined(separator: ", ")))"
  }
}

/// One batch of a pretext task: what the network (and a pretext attack) sees, and the targets.
public struct PretextBatch {
  /// Inputs `[M, C, H, W]` in [0, 1]: rotated or shuffled images, or the images themselves (Selfie).
  public var inputs: Tensor
  /// `queriesPerInput` targets per input, row-major (input 0's queries first).
  public var labels: [Int]
  /// Predictions per input: 1, or Selfie's number of masked patches.
  public var queriesPerInput: Int
  /// Selfie: the masked patch positions, in the order that defines the targets.
  public var maskedPositions: [Int]
  /// Selfie: the visible patch positions.
  public var visiblePositions: [Int]

  public init(inputs: Tensor, labels: [Int], queriesPerInput: Int = 1, maskedPositions: [Int] = [], visiblePositions: [Int] = []) {
    self.inputs = inputs
    self.labels = labels
    self.queriesPerInput = queriesPerInput
    self.maskedPositions = maskedPositions
    self.visiblePositions = visiblePositions
  }

  /// Number of inputs.
  public var count: Int { inputs.shape.first ?? 0 }
}

/// The trainable head of a pretext task, on top of a model's backbone (θpc in Fig. 2).
public protocol PretextHead: Layer {
  /// Scores `[M·queries, classes]` of `inputs` (the batch's inputs, possibly perturbed);
  /// row `r` is predicted against `batch.labels[r]`.
  func scores(_ model: Model, inputs: Tensor, batch: PretextBatch) -> Tensor
  /// Loss of each score row `[M·queries]` (cross-entropy unless the task says otherwise).
  func rowLosses(_ scores: Tensor, batch: PretextBatch) -> Tensor
}

extension PretextHead {
  public func rowLosses(_ scores: Tensor, batch: PretextBatch) -> Tensor {
    scores.crossEntropyPerExample(batch.labels)
  }
}

/// A classification head (Rotation, Jigsaw): the architecture's own head (for the resnets the
/// last stage + pooling + linear, as the paper's layer4 + FC) with `classes` outputs, on the
/// backbone features of the pretext inputs.
public final class ClassificationTaskHead: Layer, PretextHead {
  /// The head layers, installable as a model's head (`Model.replaceHead`).
  public let layer: Layer
  public let classes: Int

  public init(_ layer: Layer, classes: Int) {
    self.layer = layer
    self.classes = classes
  }

  public override func forward(_ x: Tensor) -> Tensor { layer(x) }

  public func scores(_ model: Model, inputs: Tensor, batch: PretextBatch) -> Tensor {
    layer(model.features(inputs))
  }

  public override var children: [(name: String, layer: Layer)] {
    (layer as? Sequential)?.children ?? [("head", layer)]
  }
  public override var summary: String { "ClassificationTaskHead(\(classes) classes)" }
}
