// Accuracy against ε for one or several models: the paper's comparisons are several models on
// one plot. Points broken at a smaller ε stay broken (their adversarial lies in every larger
// ball), so each curve is monotone by construction and cheaper to compute.

import AegisData
import AegisTensor
import Foundation

/// Accuracy-vs-ε curves, one per model, each the worst case over the attacks.
public final class RobustnessCurve {
  public struct Line {
    public var model: String
    public var epsilons: [Double]
    public var accuracy: [Double]
    /// Per ε, accuracy after each attack in sequence.
    public var breakdown: [[(attack: String, accuracy: Double)]]
  }
  public var lines: [Line] = []
  public var attacks: [String] = []
  public var examples = 0
  public var flags: [String] = []
  public var seconds = 0.0

  public init() {}

  /// Measures `models` on `data` at every ε of `epsilons` under `attacks`.
  public static func measure(_ models: [Classifier], on data: Dataset, attacks: [Attack], epsilons: [Double], batchSize: Int = 256) throws -> RobustnessCurve {
    let curve = RobustnessCurve()
    let start = Date()
    curve.attacks = attacks.map(\.description)
    curve.examples = data.count
    let sorted = epsilons.sorted()
    for model in models {
      let clean = try RobustEvaluation.cleanCorrect(model, data, batchSize: batchSize)
      var robust = clean
      var line = Line(model: model.label, epsilons: sorted, accuracy: [], breakdown: [])
      for eps in sorted {
        var perAttack: [(String, Double)] = []
        if eps > 0 {
          for attack in attacks {
            for i in try RobustEvaluation.brokenBy(attack.with(epsilon: eps), model, data, among: robust, batchSize: batchSize) { robust[i] = false }
            perAttack.append((attack.name, Double(robust.filter { $0 }.count) / Double(max(data.count, 1))))
          }
        }
        line.accuracy.append(Double(robust.filter { $0 }.count) / Double(max(data.count, 1)))
        line.breakdown.append(perAttack)
      }
      curve.lines.append(line)
      curve.flags += SanityChecks.curveFlags(line, cleanAccuracy: Double(clean.filter { $0 }.count) / Double(max(data.count, 1)), classes: model.numClasses)
    }
    curve.seconds = Date().timeIntervalSince(start)
    return curve
  }

  /// A table: ε rows, one accuracy column per model.
  public func table() -> String {
    guard let first = lines.first else { return "(empty curve)" }
    var rows = ["eps".padding(toLength: 10, withPad: " ", startingAt: 0) + lines.map { $0.model.padding(toLength: max(12, $0.model.count + 2), withPad: " ", startingAt: 0) }.joined()]
    for (k, eps) in first.epsilons.enumerated() {
      rows.append(String(format: "%-10.4g", eps) + lines.map { line in
        String(format: "%.2f%%", line.accuracy[k] * 100).padding(toLength: max(12, line.model.count + 2), withPad: " ", startingAt: 0)
      }.joined())
    }
    rows.append("n = \(examples); attacks: \(attacks.joined(separator: " | "))")
    for f in flags { rows.append("⚠ \(f)") }
    return rows.joined(separator: "\n")
  }

  public func csv() -> String {
    var out = "model,eps,accuracy\n"
    for line in lines { for (e, a) in zip(line.epsilons, line.accuracy) { out += "\(line.model),\(e),\(a)\n" } }
    return out
  }
}
