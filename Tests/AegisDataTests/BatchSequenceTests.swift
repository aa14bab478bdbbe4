// Tests for BatchSequence: every example exactly once per epoch, seeded order, partial last
// batch, augmentation applied reproducibly, and batching speed on a realistic size.

import AegisTensor
import XCTest
@testable import AegisData

final class BatchSequenceTests: XCTestCase {
  func testEveryExampleOncePerEpochWithShuffle() throws {
    let data = try makeIndexDataset(103)
    let batches = Array(try data.batches(size: 10, shuffle: true, seed: 5))
    XCTAssertEqual(batches.count, 11)
    XCTAssertEqual(batches.last?.images.shape, [3, 1, 2, 2])
    let seen = batches.flatMap { exampleIndices($0.images) }
    XCTAssertEqual(seen.sorted(), Array(0..<103))
    XCTAssertNotEqual(seen, Array(0..<103))
    XCTAssertEqual(batches.flatMap(\.labels), seen.map { $0 % 3 })
  }

  func testSameSeedSameOrderOtherSeedOtherOrder() throws {
    let data = try makeIndexDataset(64)
    func order(_ seed: UInt64) throws -> [Int] {
      try data.batches(size: 8, shuffle: true, seed: seed).flatMap { exampleIndices($0.images) }
    }
    XCTAssertEqual(try order(9), try order(9))
    XCTAssertNotEqual(try order(9), try order(10))
    let sequence = try data.batches(size: 8, shuffle: true, seed: 9)
    XCTAssertEqual(sequence.flatMap { exampleIndices($0.images) }, sequence.flatMap { exampleIndices($0.images) })
  }

  func testUnshuffledIsInOrder() throws {
    let sequence = try makeIndexDataset(7).batches(size: 3, shuffle: false)
    XCTAssertEqual(sequence.batchCount, 3)
    XCTAssertEqual(sequence.map { exampleIndices($0.images) }, [[0, 1, 2], [3, 4, 5], [6]])
  }

  func testEmptyDatasetHasNoBatches() throws {
    XCTAssertEqual(Array(try makeIndexDataset(0).batches(size: 4)).count, 0)
  }

  func testAugmentationIsAppliedAndSeeded() throws {
    var rng = RandomGenerator(seed: 1)
    let images = Tensor.uniform([20, 1, 6, 6], rng: &rng)
    let data = try Dataset(name: "u", images: images, labels: [Int](repeating: 0, count: 20), classNames: ["a"])
    let augmentation = try Augmentation(padding: 2, horizontalFlip: true)
    let a = Array(try data.batches(size: 8, shuffle: false, seed: 4, augmentation: augmentation))
    let b = Array(try data.batches(size: 8, shuffle: false, seed: 4, augmentation: augmentation))
    let plain = Array(try data.batches(size: 8, shuffle: false, seed: 4))
    XCTAssertEqual(a.map(\.images.storage), b.map(\.images.storage))
    XCTAssertNotEqual(a.map(\.images.storage), plain.map(\.images.storage))
    XCTAssertEqual(a.map(\.images.shape), plain.map(\.images.shape))
  }

  func testBatchingIsFast() throws {
    let n = 20_000
    let data = try Dataset(name: "big", images: Tensor.zeros([n, 1, 28, 28]),
                           labels: [Int](repeating: 0, count: n), classNames: ["a"])
    let start = Date()
    var total = 0
    for batch in try data.batches(size: 128, shuffle: true, seed: 0) { total += batch.labels.count }
    XCTAssertEqual(total, n)
    XCTAssertLessThan(Date().timeIntervalSince(start), 2.0)
  }
}
