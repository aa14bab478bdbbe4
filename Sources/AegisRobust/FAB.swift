// FAB-T, L∞ (Croce & Hein, ICML 2020, as fab_t in fra31/auto-attack): a minimum-norm attack.
// At each step the decision boundary between the label and the target class is linearized,
// both the current iterate and the clean image are projected onto that hyperplane inside the
// [0, 1] box (minimal L∞ step), and the two projections are mixed — biased towards the clean
// image by alpha ≤ alpha_max — with an overshoot eta. Whenever an iterate fools the model it is
// kept if smaller than the best so far, and the iterate is pulled back towards the clean image
// by beta. A point counts only if its L∞ size is ≤ ε.

import AegisTensor

struct FAB {
  let settings: AttackSettings
  /// AutoAttack's FAB defaults.
  let alphaMax: Float = 0.1
  let eta: Float = 1.05
  let beta: Float = 0.9

  /// Minimum-norm adversarials towards `targets` (per example, restarts kept by size), with
  /// their L∞ sizes (∞ where none was found).
  func run(_ classifier: Classifier, _ clean: Tensor, _ labels: [Int], _ targets: [Int]) throws -> (x: Tensor, size: [Float]) {
    let n = clean.shape[0], per = clean.count / max(n, 1)
    var best = clean.storage
    var size = [Float](repeating: .infinity, count: n)
    for restart in 0..<settings.restarts {
      var rngs = Projection.exampleGenerators(clean, seed: settings.seed, stream: 500 + UInt64(restart))
      var x = clean.storage
      if restart > 0 { x = randomStart(clean, size, &rngs) }
      for _ in 0..<settings.steps {
        try Cancellation.check()
        let (df, dg) = boundary(classifier, Tensor(shape: clean.shape, storage: x), labels, targets)
        for b in 0..<n {
          let range = (b * per)..<((b + 1) * per)
          let w = Array(dg.storage[range]), xb = Array(x[range]), cb = Array(clean.storage[range])
          // Hyperplane w·p = c of the linearized boundary f(x) + w·(p − x) = 0.
          let c = dot(w, xb) - df[b]
          let d1 = FAB.boxProjection(xb, w, c), d2 = FAB.boxProjection(cb, w, c)
          let a1 = max(maxAbs(d1), 1e-8), a2 = max(maxAbs(d2), 1e-8)
          let alpha = min(max(a1 / (a1 + a2), 0), alphaMax)
          for (k, i) in range.enumerated() {
            x[i] = min(max((xb[k] + eta * d1[k]) * (1 - alpha) + (cb[k] + eta * d2[k]) * alpha, 0), 1)
          }
        }
        let predictions = withoutGrad { classifier.logits(Tensor(shape: clean.shape, storage: x)) }.argmax(axis: -1)
        for b in 0..<n where predictions[b] != labels[b] {
          let range = (b * per)..<((b + 1) * per)
          let t = range.reduce(Float(0)) { max($0, abs(x[$1] - clean.storage[$1])) }
          if t < size[b] { size[b] = t; for i in range { best[i] = x[i] } }
          for i in range { x[i] = clean.storage[i] + (x[i] - clean.storage[i]) * beta }
        }
      }
    }
    return (Tensor(shape: clean.shape, storage: best), size)
  }

  /// f = z_target − z_label (> 0 once the target wins) and its input gradient.
  func boundary(_ classifier: Classifier, _ x: Tensor, _ labels: [Int], _ targets: [Int]) -> ([Float], Tensor) {
    let (f, _, g) = AttackStep.evaluate({ input in
      let logits = classifier.logits(input)
      return (logits.pick(targets) - logits.pick(labels), nil)
    }, at: x)
    return (f, g)
  }

  /// Restarts begin at a random point at half the best size found (or ε), as in AutoAttack.
  func randomStart(_ clean: Tensor, _ size: [Float], _ rngs: inout [RandomGenerator]) -> [Float] {
    let n = clean.shape[0], per = clean.count / max(n, 1)
    var x = clean.storage
    for b in 0..<n {
      let t = (0..<per).map { _ in 2 * rngs[b].nextFloat() - 1 }
      let scale = min(size[b], Float(settings.epsilon)) * 0.5 / max(maxAbs(t), 1e-12)
      for i in 0..<per { x[b * per + i] = min(max(clean.storage[b * per + i] + scale * t[i], 0), 1) }
    }
    return x
  }

  /// The smallest-L∞ step d with w·(p + d) = c and p + d in [0, 1]; when the box makes the
  /// hyperplane unreachable, the box corner closest to it.
  static func boxProjection(_ p: [Float], _ w: [Float], _ c: Float) -> [Float] {
    let gap = c - dot(w, p)
    let direction: Float = gap >= 0 ? 1 : -1
    // Moving coordinate i by s·sign(w_i)·direction changes w·p by s·|w_i|, up to its room.
    let room = p.indices.map { i -> Float in
      let up = (w[i] >= 0) == (direction > 0)
      return w[i] == 0 ? 0 : (up ? 1 - p[i] : p[i])
    }
    let needed = abs(gap)
    let order = p.indices.filter { w[$0] != 0 }.sorted { room[$0] < room[$1] }
    var done: Float = 0  // Σ |w_i|·room_i over the coordinates already saturated
    var free = order.reduce(Float(0)) { $0 + abs(w[$1]) }  // Σ |w_i| over the others
    var radius = room[order.last ?? 0]
    var previous: Float = 0
    for i in order {
      // On [previous, room_i] the reachable change is done + r·free.
      if free > 0, done + room[i] * free >= needed { radius = max((needed - done) / free, previous); break }
      done += abs(w[i]) * room[i]
      free -= abs(w[i])
      previous = room[i]
    }
    return p.indices.map { i in
      guard w[i] != 0 else { return 0 }
      return (w[i] > 0 ? direction : -direction) * min(radius, room[i])
    }
  }
}

private func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
private func maxAbs(_ a: [Float]) -> Float { a.reduce(0) { max($0, abs($1)) } }
