// AutoAttack's target sweep (APGD-T and FAB-T): the attack is run once per target class, the
// classes the clean logits rank 2nd, 3rd, … (the most likely wrong classes), each run only on
// the examples no earlier target has broken, keeping per example the first point that fools.

import AegisTensor

enum TargetSweep {
  /// For each example, its `count` most likely classes other than its label, best first.
  static func rankedTargets(_ logits: Tensor, labels: [Int], count: Int) -> [[Int]] {
    AttackLoss.ranked(logits).enumerated().map { i, order in Array(order.filter { $0 != labels[i] }.prefix(count)) }
  }

  /// Runs `single(images, labels, targets)` for target rank 0..<count on the still-unbroken
  /// examples. `single` returns adversarial images and which of them are misclassified.
  static func run(images: Tensor, labels: [Int], ranked: [[Int]], count: Int,
                  single: (Tensor, [Int], [Int]) throws -> (x: Tensor, fooled: [Bool])) throws -> Tensor {
    let n = images.shape[0], per = images.count / max(n, 1)
    var out = images.storage
    var fooled = [Bool](repeating: false, count: n)
    var best = [Bool](repeating: false, count: n)  // whether `out` holds an attack point yet
    for rank in 0..<count {
      let active = (0..<n).filter { !fooled[$0] && rank < ranked[$0].count }
      if active.isEmpty { break }
      let result = try single(images.gatherRows(active), active.map { labels[$0] }, active.map { ranked[$0][rank] })
      for (k, b) in active.enumerated() where result.fooled[k] || !best[b] {
        // A fooling point replaces anything; otherwise the first target's point is kept.
        for i in 0..<per { out[b * per + i] = result.x.storage[k * per + i] }
        fooled[b] = result.fooled[k]
        best[b] = true
      }
    }
    return Tensor(shape: images.shape, storage: out)
  }
}
