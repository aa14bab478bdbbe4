// Batch normalization over channels (BatchNorm2d for [N, C, H, W], BatchNorm1d for [N, C]).
// Train mode: batch statistics, running statistics updated. Eval mode: running statistics.
// Frozen (partial fine-tuning): running statistics used and never updated, even in train mode.

import AegisTensor

/// Per-channel batch normalization with affine weight and bias.
public final class BatchNorm: Layer {
  public let weight: Tensor
  public let bias: Tensor
  public let runningMean: Tensor
  public let runningVar: Tensor
  public let numBatchesTracked: Tensor
  public let momentum: Float
  public let epsilon: Float
  /// When set, behaves as in eval mode regardless of `isTraining` (frozen statistics).
  public var isFrozen = false
  /// When false, train mode still normalizes with batch statistics but leaves the running
  /// statistics alone (training-time attacks in "train" BN mode must not pollute them).
  public var updatesRunningStatistics = true
  /// When set, the running statistics are the plain average of every batch seen since the last
  /// reset (PyTorch's momentum=None), as BN recalibration needs.
  public var averagesCumulatively = false
  /// Where 4-D inputs keep their channels ([N, H, W, C] when channels-last).
  public let layout: ActivationLayout

  public init(_ channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, layout: ActivationLayout = .channelsFirst) {
    weight = parameter(.ones([channels]))
    bias = parameter(.zeros([channels]))
    runningMean = .zeros([channels])
    runningVar = .ones([channels])
    numBatchesTracked = .zeros([])
    self.momentum = momentum
    self.epsilon = epsilon
    self.layout = layout
  }

  public override func forward(_ x: Tensor) -> Tensor { forward(x, relu: false) }

  /// Batch norm followed by ReLU when `relu` (fused into one pass in training mode).
  public func forward(_ x: Tensor, relu: Bool) -> Tensor {
    guard Profiler.isEnabled else { return normalize(x, relu: relu) }
    return Profiler.measure(relu ? "BatchNorm+ReLU" : "BatchNorm") { normalize(x, relu: relu) }
  }

  private func normalize(_ x: Tensor, relu: Bool) -> Tensor {
    guard isTraining && !isFrozen else {
      return x.batchNormInference(gamma: weight, beta: bias, mean: runningMean, variance: runningVar, epsilon: epsilon, relu: relu,
                                  layout: layout)
    }
    let (y, mean, variance) = x.batchNormTraining(gamma: weight, beta: bias, epsilon: epsilon, relu: relu, layout: layout)
    if updatesRunningStatistics { updateRunningStatistics(mean: mean, variance: variance, samples: x.count / weight.count) }
    return y
  }

  /// PyTorch's rule: exponential average, with the unbiased variance.
  private func updateRunningStatistics(mean: [Float], variance: [Float], samples: Int) {
    let unbias = samples > 1 ? Float(samples) / Float(samples - 1) : 1
    let momentum = averagesCumulatively ? 1 / (numBatchesTracked.storage[0] + 1) : self.momentum
    for c in 0..<mean.count {
      runningMean.storage[c] = (1 - momentum) * runningMean.storage[c] + momentum * mean[c]
      runningVar.storage[c] = (1 - momentum) * runningVar.storage[c] + momentum * variance[c] * unbias
    }
    numBatchesTracked.storage[0] += 1
  }

  /// Back to the statistics of a fresh layer (mean 0, variance 1, no batches seen).
  public func resetRunningStatistics() {
    for c in 0..<runningMean.count { runningMean.storage[c] = 0; runningVar.storage[c] = 1 }
    numBatchesTracked.storage[0] = 0
  }

  public override var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
  public override var ownBuffers: [(name: String, tensor: Tensor)] {
    [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
  }
  public override var summary: String { "BatchNorm(\(weight.count))" + (isFrozen ? " frozen" : "") }
}
