// Task accuracy (TA) and adversarial task accuracy (ATA) of a pretext network, as the official
// validation (method.md §4.1, §4.3): eval mode, pretext batches drawn from a fixed seed (the
// official code pre-draws the validation masks), ATA under a PGD attack on the pretext loss.

import AegisData
import AegisNN
import AegisRobust
import AegisTensor

/// Pretext accuracy of a network on a data set.
public struct PretextScore: CustomStringConvertible, Sendable {
  public var task: String
  /// Fraction of correct predictions (per query for Selfie).
  public var accuracy: Double
  /// The same under the attack, when one was given.
  public var adversarialAccuracy: Double?
  /// Number of predictions scored.
  public var predictions: Int

  public var description: String {
    var text = "\(task): task accuracy \(String(format: "%.2f%%", accuracy * 100))"
    if let a = adversarialAccuracy { text += ", adversarial task accuracy \(String(format: "%.2f%%", a * 100))" }
    return text + " (\(predictions) predictions)"
  }
}

public enum PretextEvaluation {
  /// Task accuracy of `network` on `data` (labels ignored), and adversarial task accuracy when
  /// `attack` is given (Chen et al. 2020 validate with PGD-20). Pretext batches come from `seed`.
  public static func evaluate(_ network: PretextNetwork, on data: Dataset, attack: Attack? = nil, seed: UInt64 = 0, batchSize: Int = 256) throws -> PretextScore {
    guard batchSize >= 1 else { throw SSLError("batch size must be at least 1, got \(batchSize)") }
    guard data.imageShape == network.model.config.inputShape else {
      throw SSLError("task accuracy: the data's images are \(data.imageShape) but the model takes \(network.model.config.inputShape)")
    }
    if let attack { try PretextNetwork.checkAttack(attack) }
    var rng = RandomGenerator(seed: seed)
    var correct = 0, robust = 0, total = 0
    let group = LayerGroup(network.layers, classes: network.task.classes)
    try group.withAttackState {
      for (images, _) in try data.batches(size: batchSize, shuffle: false) {
        try Cancellation.check()
        let batch = try network.task.makeBatch(images: images, rng: &rng)
        correct += network.correctCount(withoutGrad { network.scores(batch.inputs, batch: batch) }, batch: batch)
        total += batch.labels.count
        guard let attack else { continue }
        let adversarial = try attack.run(objective: network.objective(for: batch, stopWhenFooled: true), images: batch.inputs)
        robust += network.correctCount(withoutGrad { network.scores(adversarial, batch: batch) }, batch: batch)
      }
    }
    let n = Double(max(total, 1))
    return PretextScore(task: network.task.name, accuracy: Double(correct) / n,
                        adversarialAccuracy: attack.map { _ in Double(robust) / n }, predictions: total)
  }
}
