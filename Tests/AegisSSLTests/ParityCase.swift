// The cases of the PyTorch parity harness (docs/parity.md): which model, which training step,
// which attack. The Aegis side of each case runs in `ParityRecorder`; scripts/parity/parity.py
// replays it in PyTorch and reports the first quantity that differs.

import AegisNN
import AegisRobust
import AegisTensor

/// One lockstep comparison: a model, a kind of training step, and a few steps of it.
struct ParityCase {
  enum Step: String { case standard, eval, madry, trades, rotation, finetunePartial = "finetune_partial" }

  let name: String
  /// "smallcnn" (Aegis `cnn`, width 32) or "preact" (Aegis `resnet`, depth 8, width 16).
  let model: String
  let step: Step
  var steps = 2
  var batch = 16
  var learningRate: Float = 0.05
  var momentum: Float = 0.9
  var weightDecay: Float = 0
  var nesterov = false
  /// BN statistics used by the training attack: batch statistics ("train") or running ("eval").
  var attackBN = "eval"
  var epsilon = 0.05, attackStep = 0.02, attackSteps = 4
  var beta = 6.0

  var hasAttack: Bool { step == .madry || step == .trades }

  /// Every case the suite runs: standard, PGD (Madry) and TRADES training, BN models in train
  /// and eval mode, a rotation pretext step and a partial fine-tuning step.
  static let all: [ParityCase] = [
    ParityCase(name: "smallcnn-standard", model: "smallcnn", step: .standard, steps: 3),
    ParityCase(name: "smallcnn-madry", model: "smallcnn", step: .madry),
    ParityCase(name: "smallcnn-trades", model: "smallcnn", step: .trades),
    ParityCase(name: "preact-standard-train", model: "preact", step: .standard, steps: 3, weightDecay: 5e-4, nesterov: true),
    ParityCase(name: "preact-eval-mode", model: "preact", step: .eval, weightDecay: 5e-4),
    ParityCase(name: "preact-madry-bn-eval", model: "preact", step: .madry, attackBN: "eval"),
    ParityCase(name: "preact-madry-bn-train", model: "preact", step: .madry, attackBN: "train"),
    ParityCase(name: "preact-trades", model: "preact", step: .trades),
    ParityCase(name: "smallcnn-rotation", model: "smallcnn", step: .rotation),
    ParityCase(name: "preact-finetune-partial", model: "preact", step: .finetunePartial),
  ]

  var config: ModelConfig {
    model == "preact"
      ? ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 16, depth: 8, seed: 7)
      : ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 32, depth: 0, seed: 7)
  }

  func attack() throws -> Attack {
    var s = AttackSettings()
    s.epsilon = epsilon
    s.step = attackStep
    s.steps = attackSteps
    return try Attack(kind: .pgd, settings: s)
  }

  /// The case as JSON metadata for the Python side.
  var metadata: String {
    let fields: [(String, String)] = [
      ("name", "\"\(name)\""), ("model", "\"\(model)\""), ("step", "\"\(step.rawValue)\""), ("steps", "\(steps)"),
      ("batch", "\(batch)"), ("lr", "\(learningRate)"), ("momentum", "\(momentum)"), ("weight_decay", "\(weightDecay)"),
      ("nesterov", "\(nesterov)"), ("attack_bn", "\"\(attackBN)\""), ("eps", "\(epsilon)"), ("attack_step", "\(attackStep)"),
      ("attack_steps", "\(hasAttack ? attackSteps : 0)"), ("beta", "\(beta)"),
    ]
    return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
  }
}
