// Adversarial training losses for the Trainer: Madry PGD training, TRADES (Zhang et al. 2019),
// and the paper's ½·clean + ½·adversarial mix (Chen et al. 2020, pretraining; method.md §4.2).
// Where the training-time attack runs BN (eval statistics, or batch statistics as the official
// code) is an explicit option; running statistics are never updated by attack passes.

import AegisNN
import AegisTensor

/// How adversarial examples enter the training loss.
public enum AdversarialObjective: Equatable, Sendable {
  /// CE on adversarial examples only (Madry et al. 2018).
  case madry
  /// ½ CE(clean) + ½ CE(adversarial) (the paper's pretraining loss).
  case mixed
  /// CE(clean) + β·KL(clean ‖ adversarial), adversarial examples from KL-PGD (Zhang et al. 2019).
  case trades(beta: Double)

  public var label: String {
    switch self {
    case .madry: return "madry"
    case .mixed: return "mixed"
    case .trades(let b): return "trades(β=\(b))"
    }
  }
}

public enum AdversarialTraining {
  /// A batch loss that attacks each batch with `attack` and combines as `objective`. The attack
  /// trains on its final iterate (Madry et al.; the paper's code) unless `earlyStop` asks for
  /// the first iterate that fooled the model (the evaluation behaviour, boundary points).
  public static func loss(attack: Attack, objective: AdversarialObjective = .madry, batchNormInTrainMode: Bool = false,
                          earlyStop: Bool = false) -> BatchLoss {
    let trainingAttack = attack.with(earlyStop: earlyStop)
    return { model, images, labels, rng in
      // Fresh random starts for every batch, drawn from the training generator, as PyTorch's
      // uniform_ does: the attack's own seed would give an example the same start every epoch.
      let attack = trainingAttack.reseeded(rng.next())
      let adversarial: Tensor
      if case .trades = objective {
        adversarial = try tradesExamples(model, images, attack: attack, batchNormInTrainMode: batchNormInTrainMode)
      } else {
        adversarial = try attack.run(on: model, images: images, labels: labels, batchNormInTrainMode: batchNormInTrainMode)
      }
      switch objective {
      case .madry:
        let logits = model(adversarial)
        return (logits.crossEntropy(labels), logits)
      case .mixed:
        let cleanLogits = model(images), advLogits = model(adversarial)
        return (0.5 * cleanLogits.crossEntropy(labels) + 0.5 * advLogits.crossEntropy(labels), advLogits)
      case .trades(let beta):
        let cleanLogits = model(images), advLogits = model(adversarial)
        return (tradesLoss(clean: cleanLogits, adversarial: advLogits, labels: labels, beta: beta), advLogits)
      }
    }
  }

  /// CE(clean) + β·KL(softmax(clean) ‖ softmax(adversarial)), with the gradient flowing through
  /// both distributions as in the official trades.py (the clean one is not detached).
  public static func tradesLoss(clean: Tensor, adversarial: Tensor, labels: [Int], beta: Double) -> Tensor {
    clean.crossEntropy(labels) + Float(beta) * adversarial.klDivergence(from: clean)
  }

  /// TRADES' inner maximization: PGD on KL(f(x) ‖ f(x′)). The official code starts from
  /// x + 0.001·N(0, 1); here the start is uniform in the ε-ball like every other PGD.
  static func tradesExamples(_ model: Model, _ images: Tensor, attack: Attack, batchNormInTrainMode: Bool) throws -> Tensor {
    try ClassifierState.forAttack(model, batchNormInTrainMode: batchNormInTrainMode) {
      let target = withoutGrad { model(images) }
      let objective: AttackObjective = { x in
        let logits = model(x)
        let p = target.softmax(), logP = target.logSoftmax()
        return ((p * (logP - logits.logSoftmax())).sum(axes: [1]), nil)
      }
      var s = attack.settings
      s.loss = .crossEntropy
      s.randomStart = true
      s.restarts = 1
      return try Attack(kind: .pgd, settings: s).run(objective: objective, images: images)
    }
  }
}

extension Attack {
  /// The same attack with another seed (per-batch random starts during training).
  public func reseeded(_ seed: UInt64) -> Attack {
    var s = settings
    s.seed = seed
    return (try? Attack(kind: kind, settings: s)) ?? self
  }
}
