// A model's backbone with a pretext task's head (Fig. 2 of the paper: θp shared, θpc per task).
// It computes the per-example pretext loss, exposes it as an AttackObjective so PGD attacks the
// pretext loss on the task's inputs (method.md §4.1), and counts correct predictions.

import AegisNN
import AegisRobust
import AegisTensor

/// A model and the head of one pretext task (the head may be the model's own head).
public final class PretextNetwork {
  public let model: Model
  public let head: any PretextHead
  public let task: any PretextTask

  public init(model: Model, head: any PretextHead, task: any PretextTask) {
    self.model = model
    self.head = head
    self.task = task
  }

  /// A network with a fresh head for `task` on `model`.
  public static func make(model: Model, task: any PretextTask, seed: UInt64 = 0) throws -> PretextNetwork {
    PretextNetwork(model: model, head: try task.makeHead(for: model, seed: seed), task: task)
  }

  /// The model and the head (for modes and parameters).
  public var layers: [Layer] { [model, head] }

  /// Parameters trained by pretraining: the backbone and the head (gradient-enabled only).
  public var trainableParameters: [Tensor] {
    var seen = Set<ObjectIdentifier>()
    return (model.backbone.parameters + head.parameters).filter { $0.requiresGrad && seen.insert(ObjectIdentifier($0)).inserted }
  }

  /// Scores `[M·queries, classes]` of `inputs` for `batch`.
  public func scores(_ inputs: Tensor, batch: PretextBatch) -> Tensor {
    head.scores(model, inputs: inputs, batch: batch)
  }

  /// Per-input loss `[M]` (summed over an input's queries, as Selfie's sum over 4 queries), and the scores.
  public func perExampleLoss(_ inputs: Tensor, batch: PretextBatch) -> (loss: Tensor, scores: Tensor) {
    let s = scores(inputs, batch: batch)
    let rows = head.rowLosses(s, batch: batch)
    let q = max(batch.queriesPerInput, 1)
    return (q == 1 ? rows : rows.reshaped([inputs.shape[0], q]).sum(axes: [1]), s)
  }

  /// The pretext loss as an attack objective on the batch's inputs. With `stopWhenFooled`
  /// (single-query tasks only), an input counts as broken once its prediction is wrong.
  public func objective(for batch: PretextBatch, stopWhenFooled: Bool = false) -> AttackObjective {
    { x in
      let (loss, scores) = self.perExampleLoss(x, batch: batch)
      guard stopWhenFooled, batch.queriesPerInput == 1 else { return (loss, nil) }
      return (loss, zip(scores.argmax(axis: -1), batch.labels).map { $0 != $1 })
    }
  }

  /// Adversarial inputs: `attack` maximizing the pretext loss around `batch.inputs`, with the
  /// network in eval mode (or BN batch statistics when `batchNormInTrainMode`, as the official
  /// training code); weights and running statistics are never changed.
  public func adversarialInputs(_ batch: PretextBatch, attack: Attack, batchNormInTrainMode: Bool = false, stopWhenFooled: Bool = false) throws -> Tensor {
    try Self.checkAttack(attack)
    return try LayerGroup(layers, classes: task.classes).withAttackState(batchNormInTrainMode: batchNormInTrainMode) {
      try attack.run(objective: objective(for: batch, stopWhenFooled: stopWhenFooled), images: batch.inputs)
    }
  }

  /// Number of score rows whose argmax is the label.
  public func correctCount(_ scores: Tensor, batch: PretextBatch) -> Int {
    zip(scores.argmax(axis: -1), batch.labels).filter { $0 == $1 }.count
  }

  /// Pretext attacks maximize the pretext cross-entropy with gradients: PGD, FGSM or APGD, untargeted.
  static func checkAttack(_ attack: Attack) throws {
    guard [.pgd, .fgsm, .apgd].contains(attack.kind) else {
      throw SSLError("a pretext attack needs gradients of the pretext loss: use pgd, fgsm or apgd (\(attack.kind.rawValue) needs a classifier)")
    }
    guard !attack.settings.isTargeted else { throw SSLError("pretext attacks are untargeted: drop target: from the attack") }
    guard attack.settings.loss == .crossEntropy else {
      throw SSLError("a pretext attack maximizes the pretext loss; loss: \(attack.settings.loss.rawValue) does not apply, use loss: \"ce\"")
    }
  }
}
