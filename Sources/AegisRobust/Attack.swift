// Attacks as values: FGSM, PGD (L∞/L2, restarts), APGD, Square and uniform noise, all with a
// seed, all projecting to the ε-ball and the [0, 1] box after every step, all validated.

import AegisNN
import AegisTensor
import Foundation

/// Which algorithm.
public enum AttackKind: String, CaseIterable, Sendable {
  case fgsm, pgd, apgd, fab, square, noise
  var isGradientBased: Bool { self == .fgsm || self == .pgd || self == .apgd }
}

/// What an attack optimizes at a point: per-example loss to maximize, and which examples are
/// already misclassified there (nil for objectives without a notion of success).
public typealias AttackObjective = (Tensor) -> (loss: Tensor, fooled: [Bool]?)

/// An attack with its settings. Run it on a classifier, or on any differentiable objective.
public final class Attack: CustomStringConvertible {
  public let kind: AttackKind
  public let settings: AttackSettings

  public init(kind: AttackKind, settings: AttackSettings) throws {
    var s = settings
    if kind == .fgsm { s.steps = 1; s.randomStart = false; if s.step == nil { s.step = s.epsilon } }
    try s.validate(kind: kind.rawValue)
    if kind == .square && s.norm != .linf { throw AttackError("square: only the L∞ version is implemented; use norm: \"linf\"") }
    if kind == .fab && s.norm != .linf { throw AttackError("fab: only the L∞ version is implemented; use norm: \"linf\"") }
    if kind == .fab && s.target != "none" { throw AttackError("fab: FAB-T picks its targets itself (the most likely wrong classes); give targets: 9 instead of target") }
    if kind == .fab { s.targets = max(s.targets, 1) }
    self.kind = kind
    self.settings = s
  }

  /// A copy with another ε (for robustness curves).
  public func with(epsilon: Double) -> Attack {
    var s = settings
    s.epsilon = epsilon
    if kind == .fgsm { s.step = epsilon }
    return (try? Attack(kind: kind, settings: s)) ?? self
  }

  /// A copy that stops at the first fooling iterate (evaluation) or runs to the final one (training).
  public func with(earlyStop: Bool) -> Attack {
    guard settings.earlyStop != earlyStop else { return self }
    var s = settings
    s.earlyStop = earlyStop
    return (try? Attack(kind: kind, settings: s)) ?? self
  }

  public var name: String {
    switch kind {
    case .fgsm: return "FGSM"
    case .pgd: return "PGD-\(settings.steps)" + (settings.restarts > 1 ? "×\(settings.restarts)" : "")
    case .apgd: return "APGD-\(settings.loss.rawValue.uppercased())" + (settings.targets > 0 ? "-T\(settings.targets)" : settings.isTargeted ? "-T" : "") + "-\(settings.steps)"
    case .fab: return "FAB-T\(settings.targets)-\(settings.steps)"
    case .square: return "Square-\(settings.queries)"
    case .noise: return "Noise-\(settings.queries)"
    }
  }

  public var description: String {
    let s = settings
    var parts = ["\(name): \(s.norm.rawValue) eps \(s.epsilonText)"]
    if kind == .apgd {
      parts.append("step from 2·eps, adaptive")  // APGD ignores `step`: it starts at 2ε and halves per example
      parts.append("loss \(s.loss.rawValue)")
      parts.append(s.randomStart ? "random start" : "no random start")
    } else if kind.isGradientBased {
      parts.append(String(format: "step %.4g%@", s.stepSize, s.step == nil ? " (auto)" : ""))
      parts.append("loss \(s.loss.rawValue)")
      if kind != .fgsm { parts.append(s.randomStart ? "random start" : "no random start") }
    }
    if kind == .fab { parts.append("alpha_max 0.1, eta 1.05, beta 0.9") }
    if s.targets > 0 { parts.append("targets: the \(s.targets) most likely wrong classes") } else if s.isTargeted { parts.append("target \(s.target)") }
    if s.restarts > 1 { parts.append("\(s.restarts) restarts") }
    parts.append("seed \(s.seed)")
    return parts.joined(separator: ", ")
  }

  /// Adversarial images for `classifier` (model in eval mode, unless the training-time option
  /// `batchNormInTrainMode` asks for batch statistics; running statistics are never touched).
  public func run(on classifier: Classifier, images: Tensor, labels: [Int], batchNormInTrainMode: Bool = false) throws -> Tensor {
    try settings.validate(kind: kind.rawValue, classes: classifier.numClasses)
    return try ClassifierState.forAttack(classifier, batchNormInTrainMode: batchNormInTrainMode) {
      let targets = settings.target != "none" ? chooseTargets(classifier, images, labels) : nil
      let objective: AttackObjective = { x in
        let logits = classifier.logits(x)
        let fooled = Attack.fooled(logits, labels: labels, targets: targets)
        return (self.settings.loss.perExample(logits, labels: labels, targets: targets), fooled)
      }
      let adversarial: Tensor
      switch kind {
      case .fab: adversarial = try runFAB(classifier, images, labels)
      case .apgd where settings.targets > 0: adversarial = try runTargetSweep(classifier, images, labels)
      case .square: adversarial = try SquareAttack(settings: settings).run(classifier, images, labels)
      case .noise: adversarial = try NoiseAttack(settings: settings).run(classifier, images, labels)
      default: adversarial = try run(objective: objective, images: images)
      }
      try Projection.validate(adversarial, around: images, norm: settings.norm, epsilon: Float(settings.epsilon), attack: name)
      return adversarial
    }
  }

  /// Maximizes any per-example objective around `images` (gradient-based kinds), keeping per
  /// example the best restart: a fooling point first, then the highest loss.
  public func run(objective: AttackObjective, images: Tensor) throws -> Tensor {
    guard kind.isGradientBased else { throw AttackError("\(kind.rawValue) needs a classifier, not a bare objective") }
    if settings.epsilon == 0 { return images.detached() }
    var best: (x: Tensor, loss: [Float], fooled: [Bool])? = nil
    for restart in 0..<settings.restarts {
      try Cancellation.check()
      var rngs = Projection.exampleGenerators(images, seed: settings.seed, stream: UInt64(restart))
      let result = kind == .apgd
        ? try APGD(settings: settings).run(objective, images, rngs: &rngs)
        : try ProjectedGradientDescent(settings: settings).run(objective, images, rngs: &rngs)
      best = best.map { Attack.keepBetter($0, result) } ?? result
    }
    return best!.x
  }

  /// Per example, keep `b` over `a` when it fools and `a` does not, or ties on fooling with a higher loss.
  static func keepBetter(_ a: (x: Tensor, loss: [Float], fooled: [Bool]), _ b: (x: Tensor, loss: [Float], fooled: [Bool]))
    -> (x: Tensor, loss: [Float], fooled: [Bool])
  {
    var x = a.x.storage, loss = a.loss, fooled = a.fooled
    let per = a.x.count / a.x.shape[0]
    for i in 0..<a.loss.count {
      let better = (b.fooled[i] && !a.fooled[i]) || (b.fooled[i] == a.fooled[i] && b.loss[i] > a.loss[i])
      guard better else { continue }
      for j in (i * per)..<((i + 1) * per) { x[j] = b.x.storage[j] }
      loss[i] = b.loss[i]
      fooled[i] = b.fooled[i]
    }
    return (Tensor(shape: a.x.shape, storage: x), loss, fooled)
  }

  /// Misclassified (untargeted) or classified as the target (targeted).
  static func fooled(_ logits: Tensor, labels: [Int], targets: [Int]?) -> [Bool] {
    let predictions = logits.argmax(axis: -1)
    if let targets { return zip(predictions, targets).map { $0 == $1 } }
    return zip(predictions, labels).map { $0 != $1 }
  }

  func chooseTargets(_ classifier: Classifier, _ images: Tensor, _ labels: [Int]) -> [Int] {
    let classes = classifier.numClasses
    if settings.target == "least" {
      let logits = withoutGrad { classifier.logits(images) }
      return (0..<labels.count).map { i in
        (0..<classes).filter { $0 != labels[i] }.min { logits.storage[i * classes + $0] < logits.storage[i * classes + $1] } ?? 0
      }
    }
    var rngs = Projection.exampleGenerators(images, seed: settings.seed, stream: 999)
    return labels.enumerated().map { i, y in (y + 1 + rngs[i].nextInt(classes - 1)) % classes }
  }
}
