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
    let accuracyOf = Dictionary(report.breakdown.map { ($0.attack, $0.accuracy) }, uniquingKeysWith: { a, _ in a })
    // In sequence, a black-box attack that still breaks points after white-box ones = masking.
    var previous = report.cleanAccuracy
    for b in report.breakdown {
      if (b.attack.hasPrefix("Square") || b.attack.hasPrefix("Noise")) && b.accuracy < previous - 0.005 {
        flags.append("\(b.attack) broke \(String(format: "%.1f", (previous - b.accuracy) * 100)) points the gradient attacks missed: gradients may be masked")
      }
      previous = b.accuracy
    }
    _ = accuracyOf
    return flags
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
  /// more steps/restarts not raising accuracy, Square not below PGD, zero-gradient count.
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
      ("black-box Square not below white-box PGD", square + slack >= pgdLonger,
       String(format: "Square %.2f%% vs PGD %.2f%%", square * 100, pgdLonger * 100)),
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
