// Sound robustness evaluation: clean accuracy, then each attack run only on the points still
// robust (AutoAttack's protocol), giving the per-example worst case and a per-attack breakdown,
// with sanity flags printed next to the numbers.

import AegisData
import AegisNN
import AegisTensor
import Foundation

/// Clean and robust accuracy of one model under a list of attacks.
public struct RobustnessReport: CustomStringConvertible {
  public var model: String
  public var examples: Int
  public var cleanAccuracy: Double
  /// Accuracy after each attack in sequence (cumulative worst case), with the attack's settings.
  public var breakdown: [(attack: String, settings: String, accuracy: Double, seconds: Double)]
  /// Accuracy under each attack alone, on the clean-correct points.
  public var individual: [String: Double]
  public var flags: [String]
  public var robustAccuracy: Double { breakdown.last?.accuracy ?? cleanAccuracy }

  public var description: String {
    var lines = ["\(model): n = \(examples), clean accuracy \(Self.percent(cleanAccuracy))"]
    for b in breakdown {
      lines.append("  after \(b.attack.padding(toLength: 14, withPad: " ", startingAt: 0)) \(Self.percent(b.accuracy))   [\(b.settings); \(String(format: "%.1fs", b.seconds))]")
    }
    if breakdown.count > 1 { lines.append("  worst case over \(breakdown.count) attacks: \(Self.percent(robustAccuracy))") }
    for f in flags { lines.append("  ⚠ \(f)") }
    return lines.joined(separator: "\n")
  }

  static func percent(_ v: Double) -> String { String(format: "%.2f%%", v * 100) }
}

public enum RobustEvaluation {
  /// Evaluates `classifier` on `data` under `attacks` (each only on still-robust points).
  /// `progress` hears one line per finished attack (what is still robust, and how long it took),
  /// for runs long enough that silence would look like a hang (AutoAttack on 1,000 images).
  /// With `resumePath`, the state is saved there after every attacked batch (`afterBatch` sees
  /// it), and a run that finds the file continues from it with the same result.
  public static func evaluate(_ classifier: Classifier, on data: Dataset, attacks: [Attack], batchSize: Int = 256,
                              resumePath: String? = nil, afterBatch: ((EvaluationProgress) -> Void)? = nil,
                              progress: ((String) -> Void)? = nil) throws -> RobustnessReport {
    let run = ["examples": String(data.count), "batch_size": String(batchSize), "model": classifier.label,
               "attacks": attacks.map(\.description).joined(separator: " | ")]
    var state: EvaluationProgress
    if let resumePath, let saved = try EvaluationProgress.read(resumePath) {
      try saved.check(fits: run, examples: data.count, attacks: attacks.count, path: resumePath)
      state = saved
    } else {
      let correct = try cleanCorrect(classifier, data, batchSize: batchSize)
      state = EvaluationProgress(run: run, cleanCorrect: correct, robust: correct, finished: [], candidatesDone: 0, broken: [],
                                 currentSeconds: 0, cpuSeconds: 0)
    }
    let cpuStart = processCPUSeconds() - state.cpuSeconds
    let n = Double(max(data.count, 1))
    for attack in attacks.dropFirst(state.finished.count) {
      let start = Date().addingTimeInterval(-state.currentSeconds)
      let broken = try brokenBy(attack, classifier, data, among: state.robust, batchSize: batchSize,
                                resumingAt: state.candidatesDone, broken: state.broken) { done, broken in
        guard resumePath != nil || afterBatch != nil else { return }
        (state.candidatesDone, state.broken) = (done, broken)
        (state.currentSeconds, state.cpuSeconds) = (Date().timeIntervalSince(start), processCPUSeconds() - cpuStart)
        if let resumePath { try state.write(to: resumePath) }
        afterBatch?(state)
      }
      for i in broken { state.robust[i] = false }
      let left = state.robust.filter { $0 }.count, seconds = Date().timeIntervalSince(start)
      state.finished.append(.init(attack: attack.name, settings: attack.description, accuracy: Double(left) / n, seconds: seconds))
      (state.candidatesDone, state.broken, state.currentSeconds) = (0, [], 0)
      state.cpuSeconds = processCPUSeconds() - cpuStart
      if let resumePath { try state.write(to: resumePath) }
      progress?(String(format: "%@: %d of %d still robust (%.1f%%) after %.0f s", attack.name, left, data.count, Double(left) / n * 100, seconds))
    }
    let clean = Double(state.cleanCorrect.filter { $0 }.count) / n
    var report = RobustnessReport(model: classifier.label, examples: data.count, cleanAccuracy: clean,
                                  breakdown: state.finished.map { ($0.attack, $0.settings, $0.accuracy, $0.seconds) }, individual: [:], flags: [])
    report.flags = SanityChecks.flags(for: report, classes: classifier.numClasses)
    return report
  }

  /// Which examples the model classifies correctly.
  public static func cleanCorrect(_ classifier: Classifier, _ data: Dataset, batchSize: Int) throws -> [Bool] {
    var correct: [Bool] = []
    try ClassifierState.forAttack(classifier) {
      for (images, labels) in try data.batches(size: batchSize, shuffle: false) {
        try Cancellation.check()
        let predictions = withoutGrad { classifier.logits(images) }.argmax(axis: -1)
        correct += zip(predictions, labels).map { $0 == $1 }
      }
    }
    return correct
  }

  /// Indices (into `data`) among the `candidates` that `attack` fools.
  public static func brokenBy(_ attack: Attack, _ classifier: Classifier, _ data: Dataset, among candidates: [Bool], batchSize: Int) throws -> [Int] {
    try brokenBy(attack, classifier, data, among: candidates, batchSize: batchSize, resumingAt: 0, broken: []) { _, _ in }
  }

  /// `brokenBy`, starting after the first `resumingAt` candidates (of which `broken` broke);
  /// `afterBatch` hears how many candidates are done and which broke, after every batch.
  static func brokenBy(_ attack: Attack, _ classifier: Classifier, _ data: Dataset, among candidates: [Bool], batchSize: Int,
                       resumingAt first: Int, broken alreadyBroken: [Int], afterBatch: (Int, [Int]) throws -> Void) throws -> [Int] {
    let indices = candidates.indices.filter { candidates[$0] }
    var broken = alreadyBroken
    var start = first
    while start < indices.count {
      let chunk = Array(indices[start..<min(start + batchSize, indices.count)])
      let (images, labels) = try data.batch(at: chunk)
      let adversarial = try attack.run(on: classifier, images: images, labels: labels)
      let targetsFooled = ClassifierState.forAttack(classifier) { withoutGrad { classifier.logits(adversarial) }.argmax(axis: -1) }
      for (k, p) in targetsFooled.enumerated() where p != labels[k] { broken.append(chunk[k]) }
      start += batchSize
      try afterBatch(min(start, indices.count), broken)
    }
    return broken
  }

  /// Accuracy on adversarial examples of `attack` (single attack, all points).
  public static func accuracy(_ classifier: Classifier, on data: Dataset, attack: Attack, batchSize: Int = 256) throws -> Double {
    let correct = try cleanCorrect(classifier, data, batchSize: batchSize)
    let broken = try brokenBy(attack, classifier, data, among: correct, batchSize: batchSize)
    return Double(correct.filter { $0 }.count - broken.count) / Double(max(data.count, 1))
  }
}
