// The Jigsaw permutation set (method.md §3.2). The official code uses the identity plus 30
// random permutations of 16 patches; Aegis defaults to a maximal-Hamming set (Noroozi & Favaro
// 2016 style, greedy): start from the identity and repeatedly add the candidate, from a seeded
// pool of random permutations, whose minimal Hamming distance to the chosen set is largest.

import AegisTensor

/// An ordered set of distinct permutations of `0..<pieces`; class `k` of the Jigsaw task is
/// `permutations[k]`, and class 0 is always the identity.
public struct PermutationSet: Equatable, Sendable, CustomStringConvertible {
  /// How the set was chosen.
  public enum Selection: String, Sendable, CaseIterable {
    /// Greedy maximal minimal Hamming distance from a seeded candidate pool (the default).
    case maximalHamming = "hamming"
    /// Identity + random permutations, as the official code (`np.random.permutation(16)` ×30).
    case random
    /// Given explicitly.
    case custom
  }

  /// The permutations; `permutations[0]` is the identity.
  public let permutations: [[Int]]
  /// How they were chosen, and from which seed (0 for a custom set).
  public let selection: Selection
  public let seed: UInt64

  /// A set from explicit permutations: each a permutation of `0..<pieces`, all distinct, the
  /// first the identity.
  public init(permutations: [[Int]]) throws {
    try self.init(checked: permutations, selection: .custom, seed: 0)
  }

  init(checked permutations: [[Int]], selection: Selection, seed: UInt64) throws {
    guard let first = permutations.first, permutations.count >= 2 else {
      throw SSLError("a permutation set needs at least 2 permutations (the identity and one shuffle)")
    }
    let pieces = first.count
    for p in permutations where p.count != pieces || Set(p) != Set(0..<pieces) {
      throw SSLError("permutation set: \(p) is not a permutation of 0..<\(pieces)")
    }
    guard first == Array(0..<pieces) else { throw SSLError("permutation set: the first permutation must be the identity (class 0)") }
    guard Set(permutations).count == permutations.count else { throw SSLError("permutation set: permutations must be distinct") }
    self.permutations = permutations
    self.selection = selection
    self.seed = seed
  }

  /// Number of permutations (the Jigsaw task's classes).
  public var count: Int { permutations.count }
  /// Number of patches each permutation orders.
  public var pieces: Int { permutations[0].count }

  /// Maximal-Hamming set: greedy from the identity over `candidates` seeded random permutations.
  public static func maximalHamming(count: Int = 31, pieces: Int = 16, seed: UInt64 = 0, candidates: Int = 2000) throws -> PermutationSet {
    try checkSize(count: count, pieces: pieces)
    guard candidates >= count - 1 else {
      throw SSLError("maximal-Hamming selection needs at least \(count - 1) candidates for \(count) permutations, got \(candidates)")
    }
    let pool = candidatePool(size: min(candidates, maximumDistinct(pieces) - 1), pieces: pieces, seed: seed)
    return try PermutationSet(checked: greedy(pool, count: count, pieces: pieces), selection: .maximalHamming, seed: seed)
  }

  /// The official recipe: identity + `count − 1` random permutations (duplicates and the
  /// identity are redrawn, so the classes stay distinct).
  public static func random(count: Int = 31, pieces: Int = 16, seed: UInt64 = 0) throws -> PermutationSet {
    try checkSize(count: count, pieces: pieces)
    let pool = candidatePool(size: count - 1, pieces: pieces, seed: seed)
    return try PermutationSet(checked: [Array(0..<pieces)] + pool, selection: .random, seed: seed)
  }

  /// A set chosen by `selection` (`.custom` is not drawable and throws).
  public static func make(_ selection: Selection, count: Int = 31, pieces: Int = 16, seed: UInt64 = 0) throws -> PermutationSet {
    switch selection {
    case .maximalHamming: return try maximalHamming(count: count, pieces: pieces, seed: seed)
    case .random: return try random(count: count, pieces: pieces, seed: seed)
    case .custom: throw SSLError("a custom permutation set is given explicitly: use PermutationSet(permutations:)")
    }
  }

  /// Number of positions where two permutations differ.
  public static func hammingDistance(_ a: [Int], _ b: [Int]) -> Int {
    zip(a, b).reduce(0) { $0 + ($1.0 == $1.1 ? 0 : 1) }
  }

  /// Smallest Hamming distance between two permutations of the set.
  public var minimumDistance: Int {
    var best = Int.max
    for i in 0..<count { for j in (i + 1)..<count { best = min(best, Self.hammingDistance(permutations[i], permutations[j])) } }
    return best
  }

  /// Mean pairwise Hamming distance.
  public var meanDistance: Double {
    var sum = 0, pairs = 0
    for i in 0..<count { for j in (i + 1)..<count { sum += Self.hammingDistance(permutations[i], permutations[j]); pairs += 1 } }
    return Double(sum) / Double(max(pairs, 1))
  }

  public var description: String {
    "PermutationSet(\(count) of \(pieces) pieces, \(selection.rawValue), seed \(seed), min Hamming \(minimumDistance))"
  }

  // MARK: - Internals

  static func checkSize(count: Int, pieces: Int) throws {
    guard pieces >= 2 else { throw SSLError("permutations need at least 2 pieces, got \(pieces)") }
    guard count >= 2 else { throw SSLError("a jigsaw needs at least 2 permutations (the identity and one shuffle), got \(count)") }
    let most = maximumDistinct(pieces)
    guard count <= most else { throw SSLError("only \(most) distinct permutations of \(pieces) pieces exist; ask for at most \(most)") }
  }

  /// pieces!, capped so it never overflows.
  static func maximumDistinct(_ pieces: Int) -> Int {
    var f = 1
    for k in 1...max(pieces, 1) {
      if f > 1_000_000_000 { return f }
      f *= k
    }
    return f
  }

  /// `size` distinct non-identity random permutations, in draw order.
  static func candidatePool(size: Int, pieces: Int, seed: UInt64) -> [[Int]] {
    var rng = RandomGenerator(seed: seed)
    var seen: Set<[Int]> = [Array(0..<pieces)]
    var pool: [[Int]] = []
    while pool.count < size {
      let p = rng.permutation(pieces)
      if seen.insert(p).inserted { pool.append(p) }
    }
    return pool
  }

  /// Greedy max–min Hamming selection from the identity; ties go to the earliest candidate.
  static func greedy(_ pool: [[Int]], count: Int, pieces: Int) -> [[Int]] {
    var chosen = [Array(0..<pieces)]
    var nearest = pool.map { hammingDistance($0, chosen[0]) }
    var used = [Bool](repeating: false, count: pool.count)
    while chosen.count < count {
      var best = -1
      for c in pool.indices where !used[c] && (best < 0 || nearest[c] > nearest[best]) { best = c }
      used[best] = true
      chosen.append(pool[best])
      for c in pool.indices where !used[c] { nearest[c] = min(nearest[c], hammingDistance(pool[c], pool[best])) }
    }
    return chosen
  }
}
