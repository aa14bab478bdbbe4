// Auto-PGD (Croce & Hein, ICML 2020, as in fra31/auto-attack): step size starting at 2ε,
// heavy-ball momentum 0.75, the step halved per example at checkpoints when the loss
// oscillates or stalls, restarting from the best point; an example counts as broken if any
// iterate fooled the model.

import AegisTensor

struct APGD {
  let settings: AttackSettings
  let momentum: Float = 0.75
  let rho: Float = 0.75

  /// Checkpoint iterations: p0 = 0, p1 = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06).
  static func checkpoints(_ iterations: Int) -> [Int] {
    var p: [Double] = [0, 0.22]
    while p[p.count - 1] < 1 { p.append(p[p.count - 1] + max(p[p.count - 1] - p[p.count - 2] - 0.03, 0.06)) }
    return Array(Set(p.dropFirst().map { Int(($0 * Double(iterations)).rounded(.up)) }.filter { $0 <= iterations })).sorted()
  }

  func run(_ objective: AttackObjective, _ clean: Tensor, rngs: inout [RandomGenerator])
    throws -> (x: Tensor, loss: [Float], fooled: [Bool])
  {
    let n = clean.shape[0], per = clean.count / n
    let eps = Float(settings.epsilon), norm = settings.norm
    var eta = [Float](repeating: 2 * eps, count: n)
    var x = settings.randomStart ? Projection.randomStart(clean, norm: norm, epsilon: eps, rngs: &rngs) : clean.detached()
    var (loss, fooledNow, gradient) = AttackStep.evaluate(objective, at: x)
    var bestLoss = loss, bestX = x.storage
    var fooled = fooledNow ?? Array(repeating: false, count: n)
    var fooledX = x.storage
    var previous = x
    var increases = [Int](repeating: 0, count: n)
    var bestAtCheckpoint = bestLoss
    var reducedAtCheckpoint = [Bool](repeating: true, count: n)
    let checkpoints = Set(APGD.checkpoints(settings.steps))
    var lastCheckpoint = 0
    for k in 0..<settings.steps {
      try Cancellation.check()
      let z = Projection.project(Projection.ascend(x, gradient: gradient, norm: norm, step: eta), around: clean, norm: norm, epsilon: eps)
      var next = x.storage
      let a: Float = k == 0 ? 1 : momentum
      for b in 0..<n {
        for i in (b * per)..<((b + 1) * per) {
          next[i] = x.storage[i] + a * (z.storage[i] - x.storage[i]) + (1 - a) * (x.storage[i] - previous.storage[i])
        }
      }
      previous = x
      x = Projection.project(Tensor(shape: clean.shape, storage: next), around: clean, norm: norm, epsilon: eps)
      (loss, fooledNow, gradient) = AttackStep.evaluate(objective, at: x)
      for b in 0..<n {
        if let f = fooledNow, f[b], !fooled[b] {
          fooled[b] = true
          for i in (b * per)..<((b + 1) * per) { fooledX[i] = x.storage[i] }
        }
        if loss[b] > bestLoss[b] {
          increases[b] += 1
          bestLoss[b] = loss[b]
          for i in (b * per)..<((b + 1) * per) { bestX[i] = x.storage[i] }
        }
      }
      guard checkpoints.contains(k + 1) else { continue }
      let interval = k + 1 - lastCheckpoint
      var restartFromBest = false
      for b in 0..<n {
        let oscillating = Float(increases[b]) < rho * Float(interval)
        let stalled = !reducedAtCheckpoint[b] && bestAtCheckpoint[b] >= bestLoss[b]
        reducedAtCheckpoint[b] = oscillating || stalled
        if reducedAtCheckpoint[b] {
          eta[b] /= 2
          restartFromBest = true
          // Restart this example from its best point, with no momentum carried over.
          for i in (b * per)..<((b + 1) * per) { x.storage[i] = bestX[i]; previous.storage[i] = bestX[i] }
        }
        increases[b] = 0
        bestAtCheckpoint[b] = bestLoss[b]
      }
      // Other examples keep their point, so their loss and gradient are unchanged by this call.
      if restartFromBest { (loss, fooledNow, gradient) = AttackStep.evaluate(objective, at: x) }
      lastCheckpoint = k + 1
    }
    // Fooled examples return the iterate that fooled; the others their highest-loss iterate.
    var out = bestX
    for b in 0..<n where fooled[b] { for i in (b * per)..<((b + 1) * per) { out[i] = fooledX[i] } }
    return (Tensor(shape: clean.shape, storage: out), bestLoss, fooled)
  }
}
