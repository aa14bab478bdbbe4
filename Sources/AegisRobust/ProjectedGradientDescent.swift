// PGD (Madry et al. 2018) and FGSM (Goodfellow et al. 2015, PGD with one step of size ε and no
// random start): signed (L∞) or normalized (L2) gradient ascent with projection after each step.

import AegisTensor

struct ProjectedGradientDescent {
  let settings: AttackSettings

  /// Returns the final iterate per example, or with `settings.earlyStop` the first iterate that
  /// fooled the model.
  func run(_ objective: AttackObjective, _ clean: Tensor, rngs: inout [RandomGenerator])
    throws -> (x: Tensor, loss: [Float], fooled: [Bool])
  {
    let eps = Float(settings.epsilon)
    let stepSizes = [Float](repeating: Float(settings.stepSize), count: clean.shape[0])
    let trace = AttackTrace.current
    var x: Tensor
    if settings.randomStart, let supplied = trace?.takeStart(for: clean) {
      x = Projection.project(supplied, around: clean, norm: settings.norm, epsilon: eps)
    } else {
      x = settings.randomStart ? Projection.randomStart(clean, norm: settings.norm, epsilon: eps, rngs: &rngs) : clean.detached()
    }
    trace?.begin(start: x)
    var frozen: [Tensor?] = Array(repeating: nil, count: clean.shape[0])
    var lastLoss: [Float] = []
    for _ in 0..<settings.steps {
      try Cancellation.check()
      let (loss, fooled, gradient) = AttackStep.evaluate(objective, at: x)
      lastLoss = loss
      trace?.record(.init(x: x, loss: loss, gradient: gradient))
      if settings.earlyStop, let fooled { freezeFooled(x, fooled, &frozen) }
      x = Projection.project(Projection.ascend(x, gradient: gradient, norm: settings.norm, step: stepSizes),
                             around: clean, norm: settings.norm, epsilon: eps)
    }
    // A single run that keeps its final iterate needs no last forward: nothing compares runs.
    guard settings.earlyStop || settings.restarts > 1 else {
      trace?.finish(final: x, result: x)
      return (x, lastLoss, Array(repeating: false, count: clean.shape[0]))
    }
    let (finalLoss, finalFooled) = AttackStep.value(objective, at: x)
    lastLoss = finalLoss
    var fooled = finalFooled ?? Array(repeating: false, count: clean.shape[0])
    // Examples fooled at an earlier iterate keep that iterate (fooled once = broken).
    let per = clean.count / clean.shape[0]
    var out = x.storage
    for (i, f) in frozen.enumerated() where !fooled[i] {
      guard let f else { continue }
      for j in 0..<per { out[i * per + j] = f.storage[j] }
      fooled[i] = true
    }
    let result = Tensor(shape: clean.shape, storage: out)
    trace?.finish(final: x, result: result)
    return (result, lastLoss, fooled)
  }

  private func freezeFooled(_ x: Tensor, _ fooled: [Bool], _ frozen: inout [Tensor?]) {
    let per = x.count / x.shape[0]
    for (i, f) in fooled.enumerated() where f && frozen[i] == nil {
      frozen[i] = Tensor(shape: [per], storage: Array(x.storage[(i * per)..<((i + 1) * per)]))
    }
  }
}

/// One forward (and backward) of an objective at a point.
enum AttackStep {
  /// Loss, fooled flags and ∂(Σ loss)/∂x at `x`.
  static func evaluate(_ objective: AttackObjective, at x: Tensor) -> ([Float], [Bool]?, Tensor) {
    let input = x.detached()
    input.requiresGrad = true
    let (loss, fooled) = withGradMode(true) { objective(input) }
    let gradient = gradients(of: loss.sum(), wrt: [input])[0]
    return (loss.storage, fooled, gradient)
  }

  /// Loss and fooled flags at `x`, without gradients.
  static func value(_ objective: AttackObjective, at x: Tensor) -> ([Float], [Bool]?) {
    let (loss, fooled) = withoutGrad { objective(x.detached()) }
    return (loss.storage, fooled)
  }
}
