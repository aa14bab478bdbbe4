// The default linear learning-rate warm-up of every training loop. The first SGD steps of a
// freshly initialized network see its largest gradients; at the full rate with momentum 0.9
// they can throw a ReLU network onto the loss plateau at ln(classes) (dead units, one class
// predicted) or, with BN, move the weights faster than the running statistics follow.
// Ramping the rate from base/steps to base over the first steps avoids both at no cost in a
// run of more than a few hundred steps (measured in docs/defaults.md).

extension TrainingOptions {
  /// Warm-up steps when none are given: 50, or a third of the run when it is shorter.
  public static let defaultWarmupSteps = 50

  /// The warm-up steps of a run of `total` steps: `warmup` when set (0 = none), else the
  /// default; none when the schedule brings its own warm-up.
  public func warmupSteps(total: Int) -> Int {
    if let warmup { return max(warmup, 0) }
    if case .warmup = schedule { return 0 }
    return min(Self.defaultWarmupSteps, total / 3)
  }

  /// The learning rate of step `iteration` (0-based, global) in `epoch` (0-based): the
  /// schedule's rate, scaled by (iteration + 1) / steps during the warm-up.
  public func learningRate(iteration: Int, epoch: Int, total: Int) -> Double {
    let rate = schedule.rate(base: learningRate, iteration: iteration, epoch: epoch, total: total)
    let steps = warmupSteps(total: total)
    guard iteration < steps else { return rate }
    return rate * Double(iteration + 1) / Double(steps)
  }
}
