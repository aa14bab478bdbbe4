// Mode handling for a model together with task-owned layers (pretext heads): AegisRobust's
// `ClassifierState.forAttack` already switches layers to eval mode, stops parameter gradients
// and protects BN running statistics; a `LayerGroup` lets it cover several layers at once.

import AegisNN
import AegisRobust
import AegisTensor

/// Several layers seen as one `Classifier`, only for mode handling (its logits are the first
/// model's output).
final class LayerGroup: Classifier {
  let layers: [Layer]
  let label: String
  let numClasses: Int

  init(_ layers: [Layer], label: String = "pretext network", classes: Int = 2) {
    self.layers = layers
    self.label = label
    numClasses = classes
  }

  func logits(_ images: Tensor) -> Tensor { (layers.first as? Model)?.forward(images) ?? images }

  /// Runs `body` with every layer in eval mode (or BN batch statistics when
  /// `batchNormInTrainMode`), parameters not recording, running statistics untouched.
  func withAttackState<T>(batchNormInTrainMode: Bool = false, _ body: () throws -> T) rethrows -> T {
    try ClassifierState.forAttack(self, batchNormInTrainMode: batchNormInTrainMode, body)
  }

  /// Saves every layer's training flag, runs `body`, restores the flags.
  static func preservingModes<T>(_ layers: [Layer], _ body: () throws -> T) rethrows -> T {
    let all = layers.flatMap { $0.allLayers() }
    let modes = all.map(\.isTraining)
    defer { for (l, m) in zip(all, modes) { l.setTrainingFlagOnly(m) } }
    return try body()
  }
}
