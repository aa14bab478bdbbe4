// The study's statistics (issue 12): paired-by-seed differences with Student-t 95% intervals,
// epochs to reach 95% of the final robust accuracy, ensembles against their best member, and
// the verdict read off an interval. The t quantile is computed (regularized incomplete beta,
// inverted by bisection), so any number of seeds works, not just a tabulated few.

import Foundation

public enum StudyStatistics {
  /// Two-sided Student-t quantile: P(T ≤ q) = `probability` with `degreesOfFreedom` ≥ 1.
  public static func tQuantile(_ probability: Double, degreesOfFreedom df: Double) -> Double {
    guard probability > 0, probability < 1, df > 0 else { return .nan }
    if probability < 0.5 { return -tQuantile(1 - probability, degreesOfFreedom: df) }
    var lo = 0.0, hi = 1.0
    while tCDF(hi, degreesOfFreedom: df) < probability { hi *= 2 }
    for _ in 0..<200 {
      let mid = (lo + hi) / 2
      if tCDF(mid, degreesOfFreedom: df) < probability { lo = mid } else { hi = mid }
    }
    return (lo + hi) / 2
  }

  /// Student-t CDF via I_x(df/2, 1/2) with x = df / (df + t²).
  public static func tCDF(_ t: Double, degreesOfFreedom df: Double) -> Double {
    let tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), a: df / 2, b: 0.5)
    return t >= 0 ? 1 - tail : tail
  }

  /// I_x(a, b) by the continued fraction (modified Lentz), using the symmetry for fast convergence.
  static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
    let logFront: Double = logBeta + a * log(x) + b * log(1 - x)
    if x > (a + 1) / (a + b + 2) { return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a) }
    let tiny = 1e-300
    var c = 1.0, d = 1 - (a + b) * x / (a + 1)
    d = 1 / (abs(d) < tiny ? tiny : d)
    var h = d
    for m in 1...300 {
      let m = Double(m)
      for even in [true, false] {
        let numerator: Double
        if even {
          let top: Double = m * (b - m) * x
          numerator = top / ((a + 2 * m - 1) * (a + 2 * m))
        } else {
          let top: Double = -(a + m) * (a + b + m) * x
          numerator = top / ((a + 2 * m) * (a + 2 * m + 1))
        }
        d = 1 + numerator * d
        d = 1 / (abs(d) < tiny ? tiny : d)
        c = 1 + numerator / c
        if abs(c) < tiny { c = tiny }
        h *= d * c
      }
      if abs(d * c - 1) < 1e-15 { break }
    }
    return exp(logFront) * h / a
  }

  /// Mean with a two-sided t confidence interval (nil bounds with fewer than 2 values).
  public struct Interval: Equatable, Sendable, Codable {
    public var mean: Double
    public var lower: Double?
    public var upper: Double?
    public var n: Int
    public var standardDeviation: Double?

    public var halfWidth: Double? { upper.map { $0 - mean } }

    /// "+1.23 [−0.40, +2.86]" in points (values are fractions).
    public func text(points: Bool = true, signed: Bool = true, digits: Int = 2) -> String {
      let scale = points ? 100.0 : 1.0
      func f(_ v: Double) -> String { String(format: signed ? "%+.\(digits)f" : "%.\(digits)f", v * scale) }
      guard let lower, let upper else { return "\(f(mean)) (n = \(n), no interval)" }
      return "\(f(mean)) [\(f(lower)), \(f(upper))]"
    }
  }

  public static func meanInterval(_ values: [Double], confidence: Double = 0.95) -> Interval {
    let n = values.count
    let mean = values.reduce(0, +) / Double(max(n, 1))
    guard n >= 2 else { return Interval(mean: mean, lower: nil, upper: nil, n: n, standardDeviation: nil) }
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
    let sd = variance.squareRoot()
    let half = tQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(n - 1)) * sd / Double(n).squareRoot()
    return Interval(mean: mean, lower: mean - half, upper: mean + half, n: n, standardDeviation: sd)
  }

  /// a − b paired by seed over the seeds both have (unpaired seeds are ignored).
  public static func pairedDifference(_ a: [Int: Double], _ b: [Int: Double], confidence: Double = 0.95) -> Interval {
    let seeds = Set(a.keys).intersection(b.keys).sorted()
    return meanInterval(seeds.map { a[$0]! - b[$0]! }, confidence: confidence)
  }

  /// First epoch (1-based) at which `curve` reaches `fraction` of its final value; nil if empty.
  public static func epochsToFraction(_ curve: [Double], fraction: Double = 0.95) -> Int? {
    guard let final = curve.last else { return nil }
    return curve.firstIndex { $0 >= fraction * final }.map { $0 + 1 }
  }

  /// Per seed: the ensemble minus its best member (members keyed by name, then by seed).
  public static func ensembleOverBestMember(_ ensemble: [Int: Double], members: [[Int: Double]], confidence: Double = 0.95) -> Interval {
    var best: [Int: Double] = [:]
    for seed in ensemble.keys {
      let values = members.compactMap { $0[seed] }
      if values.count == members.count, let m = values.max() { best[seed] = m }
    }
    return pairedDifference(ensemble, best, confidence: confidence)
  }

  /// The verdict on "the difference is positive" from its interval.
  public enum Verdict: String, Sendable, Codable {
    case holds = "holds"
    case doesNotHold = "does not hold"
    case notDecided = "not decided at this budget"
  }

  /// holds: the interval is above 0. does not hold: it is below 0, or (with `margin`) it lies
  /// inside (−margin, +margin), i.e. any effect is smaller than what the claim means. Otherwise
  /// (interval straddles 0, or fewer than 2 pairs) the budget cannot decide.
  public static func verdict(_ interval: Interval, margin: Double? = nil) -> Verdict {
    guard let lower = interval.lower, let upper = interval.upper else { return .notDecided }
    if lower > 0 { return .holds }
    if upper < 0 { return .doesNotHold }
    if let margin, lower > -margin, upper < margin { return .doesNotHold }
    return .notDecided
  }
}
