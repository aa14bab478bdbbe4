// Square Attack, L∞ (Andriushchenko et al., ECCV 2020): a score-based, gradient-free random
// search that changes one random square per query and keeps it when the margin drops. It
// detects gradient masking: it must never beat the white-box attacks on a sound model.

import AegisTensor

struct SquareAttack {
  let settings: AttackSettings
  let initialFraction: Float = 0.8

  /// Fraction of pixels changed per query, halving on AutoAttack's schedule (scaled to 10k queries).
  func fraction(_ iteration: Int) -> Float {
    let i = Int(Double(iteration) / Double(settings.queries) * 10_000)
    let marks = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000]
    return initialFraction / Float(1 << marks.filter { i > $0 }.count)
  }

  func run(_ classifier: Classifier, _ clean: Tensor, _ labels: [Int]) throws -> Tensor {
    let n = clean.shape[0], c = clean.shape[1], h = clean.shape[2], w = clean.shape[3]
    let per = c * h * w, eps = Float(settings.epsilon)
    if eps == 0 { return clean.detached() }
    var rngs = Projection.exampleGenerators(clean, seed: settings.seed, stream: 77)
    // Start from vertical stripes of ±ε (the paper's initialization).
    var x = clean.storage
    for b in 0..<n {
      for ch in 0..<c {
        for col in 0..<w {
          let s: Float = rngs[b].nextFloat() < 0.5 ? -eps : eps
          for row in 0..<h { let i = b * per + (ch * h + row) * w + col; x[i] = min(max(clean.storage[i] + s, 0), 1) }
        }
      }
    }
    var margin = margins(classifier, Tensor(shape: clean.shape, storage: x), labels)
    for q in 0..<settings.queries {
      try Cancellation.check()
      let active = (0..<n).filter { margin[$0] > 0 }
      if active.isEmpty { break }
      let side = max(1, Int((fraction(q) * Float(h * w)).squareRoot().rounded()))
      var candidate = x
      for b in active {
        let top = rngs[b].nextInt(h - min(side, h) + 1), left = rngs[b].nextInt(w - min(side, w) + 1)
        for ch in 0..<c {
          let s: Float = rngs[b].nextFloat() < 0.5 ? -eps : eps
          for row in top..<min(top + side, h) {
            for col in left..<min(left + side, w) {
              let i = b * per + (ch * h + row) * w + col
              candidate[i] = min(max(clean.storage[i] + s, 0), 1)
            }
          }
        }
      }
      let batch = Tensor(shape: [active.count, c, h, w], storage: active.flatMap { Array(candidate[($0 * per)..<(($0 + 1) * per)]) })
      let newMargins = margins(classifier, batch, active.map { labels[$0] })
      for (k, b) in active.enumerated() where newMargins[k] < margin[b] {
        margin[b] = newMargins[k]
        for i in (b * per)..<((b + 1) * per) { x[i] = candidate[i] }
      }
    }
    return Tensor(shape: clean.shape, storage: x)
  }

  /// z_y − max_{j≠y} z_j per example (negative = fooled).
  func margins(_ classifier: Classifier, _ images: Tensor, _ labels: [Int]) -> [Float] {
    let logits = withoutGrad { classifier.logits(images) }
    let other = AttackLoss.bestOther(logits, labels)
    let k = logits.shape[1]
    return labels.indices.map { logits.storage[$0 * k + labels[$0]] - logits.storage[$0 * k + other[$0]] }
  }
}

/// Random-noise baseline: `queries` random corners of the L∞ ball (±ε per pixel) or random L2
/// directions; an example is broken if any sample fools the model. White-box attacks must beat it.
struct NoiseAttack {
  let settings: AttackSettings

  func run(_ classifier: Classifier, _ clean: Tensor, _ labels: [Int]) throws -> Tensor {
    let n = clean.shape[0], per = clean.count / n, eps = Float(settings.epsilon)
    var rngs = Projection.exampleGenerators(clean, seed: settings.seed, stream: 55)
    var best = clean.storage
    var done = [Bool](repeating: false, count: n)
    for _ in 0..<min(settings.queries, 10_000) {
      try Cancellation.check()
      let active = (0..<n).filter { !done[$0] }
      if active.isEmpty || eps == 0 { break }
      var sample = [Float](repeating: 0, count: active.count * per)
      for (k, b) in active.enumerated() {
        if settings.norm == .linf {
          for j in 0..<per { sample[k * per + j] = clean.storage[b * per + j] + (rngs[b].nextFloat() < 0.5 ? -eps : eps) }
        } else {
          let d = (0..<per).map { _ in rngs[b].nextNormal() }
          let len = d.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
          for j in 0..<per { sample[k * per + j] = clean.storage[b * per + j] + d[j] / max(len, 1e-12) * eps }
        }
      }
      let cleanActive = Tensor(shape: [active.count] + Array(clean.shape.dropFirst()), storage: active.flatMap { Array(clean.storage[($0 * per)..<(($0 + 1) * per)]) })
      let x = Projection.project(Tensor(shape: cleanActive.shape, storage: sample), around: cleanActive, norm: settings.norm, epsilon: eps)
      let predictions = withoutGrad { classifier.logits(x) }.argmax(axis: -1)
      for (k, b) in active.enumerated() where predictions[k] != labels[b] {
        done[b] = true
        for j in 0..<per { best[b * per + j] = x.storage[k * per + j] }
      }
    }
    return Tensor(shape: clean.shape, storage: best)
  }
}
