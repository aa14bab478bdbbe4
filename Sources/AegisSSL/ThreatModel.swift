// The threat model of "the paper at workstation scale" (product.md): L∞ with ε = 0.1 and step
// 0.01 on 1-channel (Fashion-)MNIST images, ε = 8/255 and step 2/255 on 3-channel CIFAR images
// (method.md §4.1, §6); training PGD-10, evaluation PGD-20 with a random start.

import AegisRobust

public enum ThreatModel {
  /// ε and step for images of shape `[C, H, W]`.
  public static func budget(for imageShape: [Int]) -> (epsilon: Double, step: Double) {
    imageShape.first == 1 ? (0.1, 0.01) : (8.0 / 255, 2.0 / 255)
  }

  /// L∞ PGD with `steps` steps and a random start at the default budget for `imageShape`.
  public static func pgd(for imageShape: [Int], steps: Int, seed: UInt64 = 0) throws -> Attack {
    var s = AttackSettings()
    (s.epsilon, s.step) = budget(for: imageShape)
    s.steps = steps
    s.seed = seed
    return try Attack(kind: .pgd, settings: s)
  }

  /// The evaluation attack (PGD-20): the training attack's norm, ε, step and seed with 20 steps,
  /// one random start and the CE loss; or the default budget when there is no training attack.
  public static func evaluationAttack(for imageShape: [Int], trainingAttack: Attack?) throws -> Attack {
    guard let training = trainingAttack else { return try pgd(for: imageShape, steps: 20) }
    var s = training.settings
    s.steps = 20
    s.restarts = 1
    s.randomStart = true
    s.loss = .crossEntropy
    s.target = "none"
    if training.kind == .fgsm { s.step = nil }
    return try Attack(kind: .pgd, settings: s)
  }
}
