// Learning-rate schedules, evaluated per iteration (the paper's cosine is stepped per batch).

import Foundation

/// How the learning rate moves over training.
public indirect enum LearningRateSchedule: Equatable, Sendable {
  case constant
  /// Multiply by `gamma` at each milestone epoch (torch MultiStepLR).
  case step(milestones: [Int], gamma: Double)
  /// Cosine from the base rate down to `minimum` over all iterations.
  case cosine(minimum: Double)
  /// Linear warm-up over `iterations` from `start` × the base rate (a fraction, so the ramp
  /// rises whatever the base rate), then `then`.
  case warmup(iterations: Int, start: Double, then: LearningRateSchedule)

  /// The rate at `iteration` (0-based, global) in `epoch`, for `total` iterations in all.
  public func rate(base: Double, iteration: Int, epoch: Int, total: Int) -> Double {
    switch self {
    case .constant: return base
    case .step(let milestones, let gamma):
      return base * pow(gamma, Double(milestones.filter { epoch >= $0 }.count))
    case .cosine(let minimum):
      let t = Double(iteration) / Double(max(total, 1))
      return minimum + (base - minimum) * 0.5 * (1 + cos(Double.pi * t))
    case .warmup(let iterations, let start, let inner):
      if iteration < iterations {
        return base * (start + (1 - start) * Double(iteration) / Double(max(iterations, 1)))
      }
      return inner.rate(base: base, iteration: iteration, epoch: epoch, total: total)
    }
  }

  /// Parses "constant", "cosine", "step:60,80", "warmup:200+cosine".
  public static func parse(_ text: String) -> LearningRateSchedule? {
    let lower = text.lowercased()
    if let plus = lower.firstIndex(of: "+"), lower.hasPrefix("warmup") {
      let head = lower[..<plus], tail = String(lower[lower.index(after: plus)...])
      let n = Int(head.split(separator: ":").dropFirst().first ?? "200") ?? 200
      return parse(tail).map { .warmup(iterations: n, start: 0.01, then: $0) }  // from 1 % of the base rate
    }
    if lower == "constant" { return .constant }
    if lower == "cosine" { return .cosine(minimum: 0) }
    if lower.hasPrefix("step") {
      let parts = lower.split(separator: ":").dropFirst().first?.split(separator: ",").compactMap { Int($0) } ?? []
      return .step(milestones: parts, gamma: 0.1)
    }
    return nil
  }

  public var label: String {
    switch self {
    case .constant: return "constant"
    case .step(let m, let g): return "step(\(m.map(String.init).joined(separator: ",")) ×\(g))"
    case .cosine(let minimum): return minimum == 0 ? "cosine" : "cosine(→\(minimum))"
    case .warmup(let n, _, let inner): return "warmup(\(n))+\(inner.label)"
    }
  }
}
