// Jigsaw permutation sets: requested size, distinct, identity first; the greedy maximal-Hamming
// set is at least as spread out as the official random set.

import AegisSSL
import XCTest

final class PermutationSetTests: XCTestCase {
  func testSetsHaveRequestedSizeDistinctAndIdentityFirst() throws {
    for selection in [PermutationSet.Selection.maximalHamming, .random] {
      for count in [2, 31, 100] {
        let set = try PermutationSet.make(selection, count: count, pieces: 16, seed: 3)
        XCTAssertEqual(set.count, count)
        XCTAssertEqual(Set(set.permutations).count, count, "distinct")
        XCTAssertEqual(set.permutations[0], Array(0..<16), "class 0 is the identity")
        XCTAssertTrue(set.permutations.allSatisfy { $0.sorted() == Array(0..<16) })
      }
    }
  }

  func testGreedyHammingSetIsAtLeastAsSpreadAsRandom() throws {
    for seed: UInt64 in [0, 1, 2] {
      let hamming = try PermutationSet.maximalHamming(count: 31, seed: seed)
      let random = try PermutationSet.random(count: 31, seed: seed)
      print("seed \(seed): min Hamming distance greedy \(hamming.minimumDistance) (mean \(String(format: "%.2f", hamming.meanDistance)))"
        + " vs random \(random.minimumDistance) (mean \(String(format: "%.2f", random.meanDistance)))")
      XCTAssertGreaterThanOrEqual(hamming.minimumDistance, random.minimumDistance)
    }
  }

  func testSeededAndValidated() throws {
    XCTAssertEqual(try PermutationSet.maximalHamming(seed: 7), try PermutationSet.maximalHamming(seed: 7))
    XCTAssertNotEqual(try PermutationSet.random(seed: 7), try PermutationSet.random(seed: 8))
    XCTAssertThrowsError(try PermutationSet.random(count: 1)) { XCTAssertTrue("\($0)".contains("at least 2")) }
    XCTAssertThrowsError(try PermutationSet.maximalHamming(count: 7, pieces: 3)) { XCTAssertTrue("\($0)".contains("only 6")) }
    XCTAssertEqual(try PermutationSet.maximalHamming(count: 6, pieces: 3).count, 6, "all of 3! when asked")
    XCTAssertThrowsError(try PermutationSet(permutations: [[1, 0], [0, 1]])) { XCTAssertTrue("\($0)".contains("identity")) }
    XCTAssertThrowsError(try PermutationSet(permutations: [[0, 1], [0, 1]])) { XCTAssertTrue("\($0)".contains("distinct")) }
    let jigsaw = try JigsawTask(classes: 31, selection: .random, seed: 1)
    XCTAssertEqual(jigsaw.classes, 31)
    XCTAssertEqual(jigsaw.settings["selection"], "random")
  }
}
