// Tests for Dataset: validation, subsets, limits, shuffling, splits and batch extraction.

import AegisTensor
import XCTest
@testable import AegisData

/// A data set of `n` images `[1, 2, 2]` whose every value is `i` (the example index) and label `i % 3`.
func makeIndexDataset(_ n: Int) throws -> Dataset {
  let storage = (0..<n).flatMap { i in [Float](repeating: Float(i), count: 4) }
  return try Dataset(name: "toy", images: Tensor(shape: [n, 1, 2, 2], storage: storage),
                     labels: (0..<n).map { $0 % 3 }, classNames: ["a", "b", "c"])
}

/// The example indices of a batch of `makeIndexDataset` images.
func exampleIndices(_ images: Tensor) -> [Int] {
  stride(from: 0, to: images.count, by: 4).map { Int(images.storage[$0]) }
}

final class DatasetTests: XCTestCase {
  func testBasics() throws {
    let data = try makeIndexDataset(10)
    XCTAssertEqual(data.count, 10)
    XCTAssertEqual(data.imageShape, [1, 2, 2])
    XCTAssertEqual(data.numClasses, 3)
    XCTAssertEqual(data.exampleSize, 4)
    XCTAssertEqual(data.classCounts(), [4, 3, 3])
    XCTAssertTrue(data.description.contains("toy"))
  }

  func testInitRejectsBadParts() {
    let images = Tensor.zeros([2, 1, 2, 2])
    assertDataError(try Dataset(name: "x", images: Tensor.zeros([2, 4]), labels: [0, 0], classNames: ["a"]))
    assertDataError(try Dataset(name: "x", images: images, labels: [0], classNames: ["a"]))
    assertDataError(try Dataset(name: "x", images: images, labels: [0, 1], classNames: ["a"]))
    assertDataError(try Dataset(name: "x", images: images, labels: [0, -1], classNames: ["a"]))
  }

  func testSubsetKeepsOrderAndLabels() throws {
    let sub = try makeIndexDataset(10).subset([7, 2, 2])
    XCTAssertEqual(exampleIndices(sub.images), [7, 2, 2])
    XCTAssertEqual(sub.labels, [1, 2, 2])
    assertDataError(try makeIndexDataset(3).subset([3]))
    assertDataError(try makeIndexDataset(3).subset([-1]))
  }

  func testLimited() throws {
    let data = try makeIndexDataset(10)
    XCTAssertEqual(exampleIndices(try data.limited(to: 3).images), [0, 1, 2])
    XCTAssertEqual(try data.limited(to: 0).count, 0)
    XCTAssertEqual(try data.limited(to: 50).count, 10)
    assertDataError(try data.limited(to: -1))
  }

  func testShuffledIsAPermutationAndSeeded() throws {
    let data = try makeIndexDataset(50)
    let a = exampleIndices(data.shuffled(seed: 1).images)
    XCTAssertEqual(a.sorted(), Array(0..<50))
    XCTAssertNotEqual(a, Array(0..<50))
    XCTAssertEqual(a, exampleIndices(data.shuffled(seed: 1).images))
    XCTAssertNotEqual(a, exampleIndices(data.shuffled(seed: 2).images))
    let shuffled = data.shuffled(seed: 1)
    XCTAssertEqual(shuffled.labels, a.map { $0 % 3 })
  }

  func testSplitSizesAndDisjoint() throws {
    let data = try makeIndexDataset(100)
    let (train, validation) = try data.split(validationFraction: 0.2, seed: 3)
    XCTAssertEqual(train.count, 80)
    XCTAssertEqual(validation.count, 20)
    let all = exampleIndices(train.images) + exampleIndices(validation.images)
    XCTAssertEqual(all.sorted(), Array(0..<100))
    XCTAssertEqual(try data.split(validationFraction: 0.2, seed: 3).validation.labels, validation.labels)
    XCTAssertEqual(try data.split(validationFraction: 0, seed: 3).train.count, 100)
    XCTAssertEqual(try data.split(validationFraction: 1, seed: 3).validation.count, 100)
    XCTAssertEqual(try makeIndexDataset(7).split(validationFraction: 0.5, seed: 0).validation.count, 4)
    assertDataError(try data.split(validationFraction: 1.5, seed: 0))
    assertDataError(try data.split(validationFraction: .nan, seed: 0))
  }

  func testBatchByRangeAndIndices() throws {
    let data = try makeIndexDataset(10)
    let range = try data.batch(at: 3..<6)
    XCTAssertEqual(range.images.shape, [3, 1, 2, 2])
    XCTAssertEqual(exampleIndices(range.images), [3, 4, 5])
    XCTAssertEqual(range.labels, [0, 1, 2])
    let picked = try data.batch(at: [9, 0])
    XCTAssertEqual(exampleIndices(picked.images), [9, 0])
    XCTAssertEqual(picked.labels, [0, 0])
    XCTAssertEqual(try data.batch(at: 4..<4).images.shape, [0, 1, 2, 2])
    assertDataError(try data.batch(at: 8..<11))
    assertDataError(try data.batch(at: [10]))
  }

  func testBatchesRejectsBadSize() throws {
    assertDataError(try makeIndexDataset(3).batches(size: 0))
  }
}
