// A small seeded random generator (xoshiro256**), so every random thing in Aegis takes a seed and
// the same seed gives the same numbers on every machine.

/// Deterministic pseudo-random generator (xoshiro256**, seeded through SplitMix64).
public struct RandomGenerator: RandomNumberGenerator {
  private var s0, s1, s2, s3: UInt64
  private var spareNormal: Float?

  public init(seed: UInt64) {
    var sm = seed
    func splitMix(_ x: inout UInt64) -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = splitMix(&sm); s1 = splitMix(&sm); s2 = splitMix(&sm); s3 = splitMix(&sm)
  }

  /// Everything the generator's next numbers depend on: restoring it continues the same stream
  /// (a resumed training run draws exactly what the uninterrupted run would have).
  public struct State: Equatable, Sendable {
    public var words: [UInt64]
    public var spareNormal: Float?
    public init(words: [UInt64], spareNormal: Float?) { self.words = words; self.spareNormal = spareNormal }
  }

  public var state: State { State(words: [s0, s1, s2, s3], spareNormal: spareNormal) }

  /// Continues the stream `state` was taken from; nil when it does not hold four words.
  public init?(state: State) {
    guard state.words.count == 4 else { return nil }
    s0 = state.words[0]; s1 = state.words[1]; s2 = state.words[2]; s3 = state.words[3]
    spareNormal = state.spareNormal
  }

  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// Uniform in [0, 1) with 24 bits of precision.
  public mutating func nextFloat() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// Uniform integer in `0..<bound`.
  public mutating func nextInt(_ bound: Int) -> Int {
    Int(next() % UInt64(max(bound, 1)))
  }

  /// Standard normal (Box–Muller, caching the second value).
  public mutating func nextNormal() -> Float {
    if let spare = spareNormal { spareNormal = nil; return spare }
    var u1 = nextFloat()
    while u1 <= 1e-7 { u1 = nextFloat() }
    let u2 = nextFloat()
    let r = (-2 * logf(u1)).squareRoot()
    let theta = 2 * Float.pi * u2
    spareNormal = r * sinf(theta)
    return r * cosf(theta)
  }

  /// A random permutation of `0..<n` (Fisher–Yates).
  public mutating func permutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    if n < 2 { return p }
    for i in stride(from: n - 1, to: 0, by: -1) {
      let j = nextInt(i + 1)
      p.swapAt(i, j)
    }
    return p
  }

  /// A new generator derived from this one (for independent streams).
  public mutating func fork() -> RandomGenerator { RandomGenerator(seed: next()) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
