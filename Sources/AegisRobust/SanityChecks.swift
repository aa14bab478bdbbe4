// Sanity flags in the spirit of Carlini et al. 2019 and AutoAttack's checks: printed next to
// robustness numbers (never errors), so a gradient-masked model cannot pass unnoticed.

import AegisData
import AegisTensor
import Foundation

public enum SanityChecks {
  /// What every report says about a model whose clean accuracy is near chance.
  public static let untrainedVerdict = "robust accuracy of a model at chance means nothing: train it first"

  /// Clean accuracy within 10 points of chance (1/classes): the model has not learned, so its
  /// robust accuracy cannot be told apart from guessing (an untrained or plateaued run).
  public static func isNearChance(_ cleanAccuracy: Double, classes: Int) -> Bool {
    isNearChance(cleanAccuracy, chance: 1 / Double(max(classes, 1)))
  }

  public static func isNearChance(_ cleanAccuracy: Double, chance: Double) -> Bool { cleanAccuracy < chance + 0.1 }

  static func chanceFlag(model: String, cleanAccuracy: Double, classes: Int) -> [String] {
    guard isNearChance(cleanAccuracy, classes: classes) else { return [] }
    return [String(format: "%@: clean accuracy %.1f%% is near chance (%.0f%%): %@", model, cleanAccuracy * 100,
                   100 / Double(max(classes, 1)), untrainedVerdict)]
  }

  /// Flags for a sequential worst-case report.
  static func flags(for report: RobustnessReport, classes: Int) -> [String] {
    var flags = chanceFlag(model: report.model, cleanAccuracy: report.cleanAccuracy, classes: classes)
    // In sequence, a black-box attack that still breaks points after white-box ones = masking.
    // How much that says depends on how strong the white-box attacks before it were: after a
    // full target sweep (APGD-T / FAB-T over several classes) it points at the model; after a
    // single-target or untargeted attack it may only mean the attack was weak.
    var previous = report.cleanAccuracy
    var sweptBefore = false
    for b in report.breakdown {
      if (b.attack.hasPrefix("Square") || b.attack.hasPrefix("Noise")) && b.accuracy < previous - 0.005 {
        let points = String(format: "%.1f", (previous - b.accuracy) * 100)
        flags.append(sweptBefore
          ? "\(b.attack) broke \(points) points that the gradient attacks, including the target sweep, missed: gradients are likely masked"
          : "\(b.attack) broke \(points) points the gradient attacks missed: gradients may be masked, or the attacks too weak (add apgd(loss: \"dlr\", targets: 9) before it, or use attack: \"autoattack\", to tell which)")
      }
      if SanityChecks.isTargetSweep(b.attack) { sweptBefore = true }
      previous = b.accuracy
    }
    return flags
  }

  /// APGD-T / FAB-T over more than one target, recognized by the attack's name.
  static func isTargetSweep(_ name: String) -> Bool {
    guard let range = name.range(of: "-T") else { return false }
    let digits = name[range.upperBound...].prefix { $0.isNumber }
    return (Int(digits) ?? 0) > 1
  }

  /// Flags for one accuracy-vs-ε line.
  static func curveFlags(_ line: RobustnessCurve.Line, cleanAccuracy: Double, classes: Int) -> [String] {
    var flags = chanceFlag(model: line.model, cleanAccuracy: cleanAccuracy, classes: classes)
    if let i = line.epsilons.firstIndex(of: 0), abs(line.accuracy[i] - cleanAccuracy) > 1e-9 {
      flags.append("\(line.model): accuracy at eps 0 differs from clean accuracy")
    }
    for k in 1..<max(line.accuracy.count, 1) where line.accuracy[k] > line.accuracy[k - 1] + 1e-9 {
      flags.append("\(line.model): accuracy rises with eps (\(line.epsilons[k - 1]) → \(line.epsilons[k]))")
    }
    if let maxEps = line.epsilons.last, maxEps >= 0.3, let last = line.accuracy.last, last > 1 / Double(classes) + 0.1 {
      flags.append("\(line.model): \(String(format: "%.1f%%", last * 100)) accuracy at eps \(maxEps), far above chance: the attack may be failing (gradient masking?)")
    }
    return flags
  }

  /// The full set on one model: noise ≥ FGSM ≥ PGD ordering, large-ε accuracy near chance,
  /// more steps/restarts not raising accuracy, Square not below PGD and APGD-T's target sweep,
  /// zero-gradient count.
  public static func run(_ classifier: Classifier, on data: Dataset, epsilon: Double, seed: UInt64 = 0) throws -> SanityReport {
    func attack(_ kind: AttackKind, _ configure: (inout AttackSettings) -> Void = { _ in }) throws -> Attack {
      var s = AttackSettings()
      s.epsilon = epsilon
      s.seed = seed
      configure(&s)
      return try Attack(kind: kind, settings: s)
    }
    var r = SanityReport(model: classifier.label, epsilon: epsilon, examples: data.count)
    r.clean = try RobustEvaluation.accuracy(classifier, on: data, attack: attack(.pgd) { $0.epsilon = 0 })
    r.noise = try RobustEvaluation.accuracy(classifier, on: data, attack: attack(.noise) { $0.queries = 20 })
    r.fgsm = try RobustEvaluation.accuracy(classifier, on: data, attack: attack(.fgsm))
    r.pgd = try RobustEvaluation.accuracy(classifier, on: data, attack: attack(.pgd) { $0.steps = 20 })
    r.pgdLonger = try RobustEvaluation.accuracy(classifier, on: data, attack: attack(.pgd) { $0.steps = 40; $0.restarts = 2 })
    r.square = try RobustEvaluation.accuracy(classifier, on: data, attack: attack(.square) { $0.queries = 300 })
    // Square is judged against the strongest white-box attack, including APGD-T's sweep (when
    // the model has the 4+ classes targeted DLR needs), so a weak attack is not read as masking.
    if classifier.numClasses >= 4 {
      r.targetSweep = try RobustEvaluation.accuracy(classifier, on: data, attack: attack(.apgd) {
        $0.loss = .dlr; $0.targets = min(9, classifier.numClasses - 1); $0.steps = 20
      })
    }
    r.largeEpsilon = try RobustEvaluation.accuracy(classifier, on: data, attack: attack(.pgd) { $0.epsilon = 0.5; $0.steps = 20 })
    r.zeroGradientFraction = try zeroGradientFraction(classifier, data)
    r.chance = 1 / Double(max(classifier.numClasses, 1))
    return r
  }

  /// Fraction of examples whose input gradient of the CE loss is exactly zero.
  static func zeroGradientFraction(_ classifier: Classifier, _ data: Dataset) throws -> Double {
    var zero = 0
    try ClassifierState.forAttack(classifier) {
      for (images, labels) in try data.batches(size: 256, shuffle: false) {
        let (_, _, g) = AttackStep.evaluate({ x in (classifier.logits(x).crossEntropyPerExample(labels), nil) }, at: images)
        let per = g.count / labels.count
        for b in 0..<labels.count where !g.storage[(b * per)..<((b + 1) * per)].contains(where: { $0 != 0 }) { zero += 1 }
      }
    }
    return Double(zero) / Double(max(data.count, 1))
  }
}

/// Results of `sanity(model, data)`, with a verdict per check.
public struct SanityReport: CustomStringConvertible {
  public var model: String, epsilon: Double, examples: Int
  public var clean = 0.0, noise = 0.0, fgsm = 0.0, pgd = 0.0, pgdLonger = 0.0, square = 0.0, largeEpsilon = 0.0
  /// APGD-T over the most likely wrong classes (nil for models with fewer than 4 classes).
  public var targetSweep: Double? = nil
  /// The strongest white-box accuracy measured.
  public var whiteBox: Double { min(pgdLonger, targetSweep ?? pgdLonger) }
  public var zeroGradientFraction = 0.0, chance = 0.1

  /// (check, passed, detail) for each check.
  public var checks: [(String, Bool, String)] {
    let slack = 0.005
    return [
      ("clean accuracy well above chance", !SanityChecks.isNearChance(clean, chance: chance),
       String(format: "clean %.2f%% (chance %.0f%%)", clean * 100, chance * 100)),
      ("PGD ≤ FGSM ≤ noise ≤ clean", pgd <= fgsm + slack && fgsm <= noise + slack && noise <= clean + slack,
       String(format: "PGD %.2f%%, FGSM %.2f%%, noise %.2f%%, clean %.2f%%", pgd * 100, fgsm * 100, noise * 100, clean * 100)),
      ("more steps and restarts do not raise accuracy", pgdLonger <= pgd + slack,
       String(format: "PGD-20 %.2f%% vs PGD-40×2 %.2f%%", pgd * 100, pgdLonger * 100)),
      ("eps 0.5 brings accuracy near chance", largeEpsilon <= chance + 0.05,
       String(format: "%.2f%% at eps 0.5 (chance %.0f%%)", largeEpsilon * 100, chance * 100)),
      ("black-box Square not below the white-box attacks", square + slack >= whiteBox,
       String(format: "Square %.2f%% vs PGD %.2f%%", square * 100, pgdLonger * 100)
         + (targetSweep.map { String(format: ", APGD-T sweep %.2f%%", $0 * 100) } ?? "")),
      ("input gradients are not zero", zeroGradientFraction < 0.05,
       String(format: "%.1f%% of examples have an all-zero input gradient", zeroGradientFraction * 100)),
    ]
  }

  public var passed: Bool { checks.allSatisfy { $0.1 } }

  public var description: String {
    var lines = ["sanity checks for \(model) at eps \(epsilon) on \(examples) examples:"]
    for (name, ok, detail) in checks { lines.append("  \(ok ? "ok  " : "FLAG") \(name): \(detail)") }
    if SanityChecks.isNearChance(clean, chance: chance) {
      lines.append("  " + SanityChecks.untrainedVerdict)
    } else {
      lines.append(passed ? "  all checks passed" : "  some checks flagged: the robustness number may not be trustworthy")
    }
    return lines.joined(separator: "\n")
  }
}
