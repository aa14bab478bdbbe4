// Tests for Augmentation: shape and range kept, exact flips, crops are zero-padded shifts,
// and the same seed gives the same result.

import AegisTensor
import XCTest
@testable import AegisData

final class AugmentationTests: XCTestCase {
  private func randomBatch(_ shape: [Int], seed: UInt64 = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: 0.01, high: 1, rng: &rng)
  }

  /// Image `i` of `batch` shifted by (dy, dx) with zeros outside, optionally mirrored.
  private func reference(_ batch: Tensor, image i: Int, dy: Int, dx: Int, flip: Bool) -> [Float] {
    let (c, h, w) = (batch.shape[1], batch.shape[2], batch.shape[3])
    var out: [Float] = []
    for ch in 0..<c {
      for y in 0..<h {
        for x in 0..<w {
          let cx = flip ? w - 1 - x : x
          let (sy, sx) = (y + dy, cx + dx)
          let inside = sy >= 0 && sy < h && sx >= 0 && sx < w
          out.append(inside ? batch.storage[((i * c + ch) * h + sy) * w + sx] : 0)
        }
      }
    }
    return out
  }

  private func image(_ batch: Tensor, _ i: Int) -> [Float] {
    let size = batch.shape.dropFirst().reduce(1, *)
    return Array(batch.storage[(i * size)..<((i + 1) * size)])
  }

  func testShapeAndRangeKept() throws {
    let batch = randomBatch([16, 3, 32, 32])
    let out = try Augmentation.cifar.apply(to: batch, seed: 3)
    XCTAssertEqual(out.shape, batch.shape)
    XCTAssertGreaterThanOrEqual(out.storage.min() ?? -1, 0)
    XCTAssertLessThanOrEqual(out.storage.max() ?? 2, 1)
  }

  func testHorizontallyFlippedIsExact() throws {
    let batch = Tensor(shape: [1, 1, 2, 3], storage: [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(try Augmentation.horizontallyFlipped(batch).storage, [3, 2, 1, 6, 5, 4])
    let random = randomBatch([4, 3, 5, 7])
    XCTAssertEqual(try Augmentation.horizontallyFlipped(Augmentation.horizontallyFlipped(random)).storage, random.storage)
  }

  func testRandomFlipGivesOriginalOrMirror() throws {
    let batch = randomBatch([40, 2, 5, 6])
    let out = try Augmentation(horizontalFlip: true).apply(to: batch, seed: 11)
    var flips = 0
    for i in 0..<40 {
      let result = image(out, i)
      if result == reference(batch, image: i, dy: 0, dx: 0, flip: true) { flips += 1; continue }
      XCTAssertEqual(result, image(batch, i))
    }
    XCTAssertGreaterThan(flips, 5)
    XCTAssertLessThan(flips, 35)
  }

  func testCropIsAZeroPaddedShift() throws {
    let batch = randomBatch([30, 3, 8, 8])
    let padding = 3
    let out = try Augmentation(padding: padding, horizontalFlip: true).apply(to: batch, seed: 5)
    var shifted = 0
    for i in 0..<30 {
      let result = image(out, i)
      var match: (Int, Int)?
      for dy in -padding...padding {
        for dx in -padding...padding where match == nil {
          if [false, true].contains(where: { result == reference(batch, image: i, dy: dy, dx: dx, flip: $0) }) { match = (dy, dx) }
        }
      }
      guard let (dy, dx) = match else { return XCTFail("image \(i) is not a padded crop") }
      if dy != 0 || dx != 0 { shifted += 1 }
    }
    XCTAssertGreaterThan(shifted, 15)
  }

  func testSameSeedSameResult() throws {
    let batch = randomBatch([8, 1, 28, 28])
    let a = try Augmentation.fashionMNIST.apply(to: batch, seed: 42)
    XCTAssertEqual(a.storage, try Augmentation.fashionMNIST.apply(to: batch, seed: 42).storage)
    XCTAssertNotEqual(a.storage, try Augmentation.fashionMNIST.apply(to: batch, seed: 43).storage)
    var rng1 = RandomGenerator(seed: 42), rng2 = RandomGenerator(seed: 42)
    XCTAssertEqual(try Augmentation.mnist.apply(to: batch, rng: &rng1).storage,
                   try Augmentation.mnist.apply(to: batch, rng: &rng2).storage)
  }

  func testNoOpAugmentationIsIdentity() throws {
    let batch = randomBatch([3, 2, 4, 4])
    XCTAssertEqual(try Augmentation().apply(to: batch, seed: 1).storage, batch.storage)
  }

  func testBadInputsAreErrors() {
    assertDataError(try Augmentation(padding: -1))
    assertDataError(try Augmentation.cifar.apply(to: Tensor.zeros([3, 32, 32]), seed: 0))
    assertDataError(try Augmentation.horizontallyFlipped(Tensor.zeros([4])))
  }
}
