// The log-det gradient-diversity penalty of multi-task ("ensemble") pretraining (method.md §7.1,
// pretraining/attack_algo_ensemble.py): per sample, G = [ĝ₁ … ĝₖ] holds the unit-normalized,
// flattened input gradients of the k task losses, and h = mean over the batch of
// log det(GᵀG + 1e-5·I). k ≤ 3, so the determinant is written in closed form with elementwise
// tensor ops: it is differentiable, and twice differentiable through the gradients (double
// backward), so h can be maximized by the attacker and minimized (or maximized) by the weights.
//
// Sign convention. In the official code the weights MINIMIZE h (loss … + 0.1·h) while the
// attacker MAXIMIZES task loss + 0.1·h: one objective, a consistent min–max game. The header of
// ensemble_pretrain.py says the penalty "tries to magnify the gradients … by different
// self-supervised task" and the paper calls it a diversity term, which suggests the opposite
// sign for the weights (reward diverse gradients). Aegis defaults to `.official` — it is what
// produced the published "ensemble pretrain" numbers and keeps attacker and learner on one
// objective — and offers `.promoteDiversity`, where both players use task loss − λ·h (the
// weights reward diverse gradients, the attacker seeks aligned ones).

import AegisTensor

/// λ·h with h = mean_b log det(G_bᵀG_b + jitter·I), G_b the unit-normalized per-sample input
/// gradients of k ≤ 3 tasks (Chen et al. 2020 ensemble pretraining; method.md §7.1).
public struct GradientDiversityPenalty: Sendable, Equatable {
  /// Which way the weights push h (see the file header).
  public enum Sign: String, Sendable, CaseIterable, Codable {
    /// Objective = task loss + λ·h: weights minimize h, the attacker maximizes it (official code).
    case official
    /// Objective = task loss − λ·h: weights maximize h (diverse gradients), the attacker minimizes it.
    case promoteDiversity = "promote-diversity"
  }

  /// λ (0.1 in the official code, both in the attack and in the loss).
  public let weight: Double
  /// Added to the Gram diagonal (1e-5 in the official code).
  public let jitter: Double
  public let sign: Sign

  public init(weight: Double = 0.1, jitter: Double = 1e-5, sign: Sign = .official) throws {
    guard weight.isFinite, weight >= 0 else { throw SSLError("penalty weight λ must be ≥ 0 (0.1 in the paper's code), got \(weight)") }
    guard jitter.isFinite, jitter > 0 else { throw SSLError("penalty jitter must be > 0 (1e-5 in the paper's code), got \(jitter)") }
    self.weight = weight
    self.jitter = jitter
    self.sign = sign
  }

  /// The default: λ = 0.1, jitter 1e-5, official sign.
  public static let paper = GradientDiversityPenalty(uncheckedWeight: 0.1, jitter: 1e-5, sign: .official)

  init(uncheckedWeight weight: Double, jitter: Double, sign: Sign) {
    self.weight = weight
    self.jitter = jitter
    self.sign = sign
  }

  /// +λ (official) or −λ (promote diversity): the factor of h in both players' objective.
  public var signedWeight: Float { Float(sign == .official ? weight : -weight) }

  /// log det(GᵀG + jitter·I) per sample `[N]`, from k = 1…3 gradients of equal shape `[N, …]`.
  public func logDeterminants(_ gradients: [Tensor]) throws -> Tensor {
    guard (1...3).contains(gradients.count) else {
      throw SSLError("the gradient-diversity penalty combines 1 to 3 task gradients (rotation, jigsaw, selfie), got \(gradients.count)")
    }
    let shape = gradients[0].shape
    guard shape.count >= 2, gradients.allSatisfy({ $0.shape == shape }) else {
      throw SSLError("the gradient-diversity penalty compares per-sample gradients of one shape; got \(gradients.map(\.shape)) (each task must give one input per image, of the image's size)")
    }
    return logDeterminantsUnchecked(gradients)
  }

  /// `logDeterminants` for 1…3 gradients already known to share one shape.
  func logDeterminantsUnchecked(_ gradients: [Tensor]) -> Tensor {
    let units = gradients.map { unit($0.flattenedBatch()) }
    let eps = Float(jitter)
    func gram(_ i: Int, _ j: Int) -> Tensor { (units[i] * units[j]).sum(axes: [1]) + (i == j ? eps : 0) }
    switch units.count {
    case 1: return gram(0, 0).log()
    case 2: return (gram(0, 0) * gram(1, 1) - gram(0, 1) * gram(0, 1)).log()
    default:
      let (a, b, c) = (gram(0, 0), gram(0, 1), gram(0, 2))
      let (d, e, f) = (gram(1, 1), gram(1, 2), gram(2, 2))
      return (a * (d * f - e * e) - b * (b * f - c * e) + c * (b * e - c * d)).log()
    }
  }

  /// h: the batch mean of `logDeterminants`.
  public func value(_ gradients: [Tensor]) throws -> Tensor { try logDeterminants(gradients).mean() }

  /// The signed term ±λ·h added to the objective.
  public func term(_ gradients: [Tensor]) throws -> Tensor { try value(gradients) * signedWeight }

  /// Rows scaled to unit L2 norm (a zero row stays zero).
  func unit(_ rows: Tensor) -> Tensor {
    rows / ((rows * rows).sum(axes: [1], keepDims: true) + 1e-30).sqrt()
  }

  public var settings: [String: String] {
    ["penalty_weight": String(weight), "penalty_jitter": String(jitter), "penalty_sign": sign.rawValue]
  }
}
