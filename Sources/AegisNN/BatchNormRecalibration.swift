// BN recalibration: recompute every (unfrozen) BatchNorm's running statistics from data with
// the model's final weights. During a short run at a high learning rate the weights move faster
// than the exponential running averages (momentum 0.1 ≈ the last ~10 batches, taken with older
// weights) follow, so eval mode normalizes with statistics of a network that no longer exists
// and test accuracy falls far below training accuracy (measured in docs/defaults.md).

import AegisData
import AegisTensor

public enum BatchNormRecalibration {
  /// Replaces the running statistics of `model`'s BN layers by their plain average over up to
  /// `batches` batches of `data` (train-mode forward passes, no gradients, weights unchanged).
  /// Frozen BN layers keep theirs. Returns the number of layers recalibrated.
  @discardableResult
  public static func recalibrate(_ model: Layer, on data: Dataset, batchSize: Int = 128, batches: Int = 50, seed: UInt64 = 0) throws -> Int {
    let layers = model.allLayers().compactMap { $0 as? BatchNorm }.filter { !$0.isFrozen && $0.updatesRunningStatistics }
    guard !layers.isEmpty else { return 0 }
    let wasTraining = model.isTraining
    defer {
      for bn in layers { bn.averagesCumulatively = false }
      model.setTraining(wasTraining)
    }
    for bn in layers { bn.resetRunningStatistics(); bn.averagesCumulatively = true }
    model.setTraining(true)
    var seen = 0
    try withoutGrad {
      for (images, _) in try data.batches(size: batchSize, shuffle: true, seed: seed, augmentation: nil) {
        guard seen < batches else { break }
        try Cancellation.check()
        _ = model(images)
        seen += 1
      }
    }
    return layers.count
  }
}
