// Says when a run failed to learn. A run whose epoch loss has not fallen below the loss it
// started from is on a plateau (SmallCNN with PyTorch's init at ln 10 ≈ 2.30, predicting one
// class) or diverging; every number measured on such a model afterwards (robust accuracy,
// curves, sanity checks) is void, so the epoch line says so with what to try.

import Foundation

public enum TrainingHealth {
  /// Batches at the start of a run whose mean loss is the run's starting loss.
  public static let startBatches = 5
  /// An epoch loss above this fraction of the starting loss counts as "not moved".
  public static let plateauRatio = 0.95

  /// The warning for an epoch whose mean loss is `epochLoss` in a run that started at
  /// `startLoss`, or nil when it learns.
  /// The init hint is left out when the models already use Kaiming init (`kaimingAlready`).
  public static func warning(startLoss: Double, epochLoss: Double, kaimingAlready: Bool = false) -> String? {
    guard startLoss.isFinite else { return nil }
    let moved = epochLoss.isFinite && epochLoss < plateauRatio * startLoss
    if moved { return nil }
    let what = epochLoss.isFinite && epochLoss <= startLoss * 1.05 ? "plateau" : "divergence"
    return String(format: "warning: the loss has not moved below its start (%.3f → %.3f, %@); ", startLoss, epochLoss, what)
      + "try a lower lr (e.g. lr: 0.01), a longer warm-up (warmup: 200), " + (kaimingAlready ? "" : "init: \"kaiming\", ") + "or more epochs"
  }
}

/// Running mean of the first `TrainingHealth.startBatches` batch losses of a run.
public struct StartingLoss {
  public private(set) var sum = 0.0, count = 0
  public init() {}
  /// Continues from a saved `sum` and `count` (a resumed run).
  public init(sum: Double, count: Int) { self.sum = sum; self.count = count }
  public mutating func record(_ loss: Double) {
    guard count < TrainingHealth.startBatches else { return }
    sum += loss; count += 1
  }
  public var value: Double { count == 0 ? .nan : sum / Double(count) }
}
