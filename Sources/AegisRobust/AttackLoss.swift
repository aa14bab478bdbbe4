// Per-example losses that attacks maximize: cross-entropy, the Carlini–Wagner margin and the
// scale-invariant DLR loss of AutoAttack (Croce & Hein 2020), untargeted or targeted.

import AegisTensor

/// The quantity an attack pushes up, one value per example.
public enum AttackLoss: String, CaseIterable, Sendable {
  case crossEntropy = "ce"
  case carliniWagner = "cw"
  case dlr = "dlr"

  /// Per-example loss [N] of `logits` [N, C] for `labels` (or towards `targets` when given).
  public func perExample(_ logits: Tensor, labels: [Int], targets: [Int]? = nil) -> Tensor {
    switch (self, targets) {
    case (.crossEntropy, nil): return logits.crossEntropyPerExample(labels)
    case (.crossEntropy, let t?): return -logits.crossEntropyPerExample(t)
    case (.carliniWagner, nil): return logits.pick(AttackLoss.bestOther(logits, labels)) - logits.pick(labels)
    case (.carliniWagner, let t?): return logits.pick(t) - logits.pick(labels)
    case (.dlr, nil):
      let ranks = AttackLoss.ranked(logits)
      let gap = logits.pick(ranks.map { $0[0] }) - logits.pick(ranks.map { $0[2] }) + 1e-12
      return (logits.pick(AttackLoss.bestOther(logits, labels)) - logits.pick(labels)) / gap
    case (.dlr, let t?):
      // Targeted DLR: −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2).
      let ranks = AttackLoss.ranked(logits)
      let gap = logits.pick(ranks.map { $0[0] }) - 0.5 * (logits.pick(ranks.map { $0[2] }) + logits.pick(ranks.map { $0[3] })) + 1e-12
      return (logits.pick(t) - logits.pick(labels)) / gap
    }
  }

  /// For each row, the highest-scoring class other than the label (chosen without gradient;
  /// the margin's gradient flows through that element exactly as through a max).
  static func bestOther(_ logits: Tensor, _ labels: [Int]) -> [Int] {
    let c = logits.shape[1]
    return labels.enumerated().map { i, y in
      var best = -Float.infinity, index = y == 0 ? 1 : 0
      for j in 0..<c where j != y && logits.storage[i * c + j] > best { best = logits.storage[i * c + j]; index = j }
      return index
    }
  }

  /// Class indices of each row sorted by decreasing score.
  static func ranked(_ logits: Tensor) -> [[Int]] {
    let c = logits.shape[1]
    return (0..<logits.shape[0]).map { i in
      (0..<c).sorted { logits.storage[i * c + $0] > logits.storage[i * c + $1] }
    }
  }

  /// Fewest classes this loss needs (DLR divides by a gap involving the 3rd/4th class).
  public func minimumClasses(targeted: Bool) -> Int {
    switch self {
    case .crossEntropy, .carliniWagner: return 2
    case .dlr: return targeted ? 4 : 3
    }
  }
}
