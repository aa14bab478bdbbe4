// Forward values of kernels on small hand-computed cases.

@testable import AegisTensor
import XCTest

final class KernelValueTests: XCTestCase {
  func testConvolutionByHand() {
    // 1×1×3×3 input 1…9, 2×2 kernel of ones, no padding → sums of 2×2 windows.
    let x = Tensor(shape: [1, 1, 3, 3], storage: (1...9).map(Float.init))
    let w = Tensor.ones([1, 1, 2, 2])
    XCTAssertEqual(x.conv2d(w).storage, [12, 16, 24, 28])
    // Padding 1, stride 2, plus bias 1: corners see one/two/four values.
    let y = x.conv2d(w, bias: Tensor(shape: [1], storage: [1]), stride: 2, padding: 1)
    XCTAssertEqual(y.shape, [1, 1, 2, 2])
    XCTAssertEqual(y.storage, [2, 6, 12, 29])
  }

  func testPoolingByHand() {
    let x = Tensor(shape: [1, 1, 2, 4], storage: [1, 5, 2, 0, 3, 4, 8, 1])
    XCTAssertEqual(x.maxPool2d(kernel: 2).storage, [5, 8])
    XCTAssertEqual(x.avgPool2d(kernel: 2).storage, [3.25, 2.75])
  }

  func testBatchNormNormalizesPerChannel() {
    let x = Tensor(shape: [2, 1, 1, 2], storage: [1, 2, 3, 4])
    let (y, mean, variance) = x.batchNormTraining(gamma: .ones([1]), beta: .zeros([1]), epsilon: 0)
    XCTAssertEqual(mean, [2.5])
    XCTAssertEqual(variance[0], 1.25, accuracy: 1e-6)
    XCTAssertEqual(y.storage[0], -1.5 / Float(1.25).squareRoot(), accuracy: 1e-5)
  }

  func testRot90MatchesTorchConvention() {
    // torch.rot90([[1,2],[3,4]], 1) == [[2,4],[1,3]]
    let x = Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 4])
    XCTAssertEqual(x.rot90(1).storage, [2, 4, 1, 3])
    XCTAssertEqual(x.rot90(2).storage, [4, 3, 2, 1])
    XCTAssertEqual(x.rot90(4).storage, x.storage)
    let r = Tensor(shape: [1, 2, 3], storage: [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(r.rot90(1).shape, [1, 3, 2])
    XCTAssertEqual(r.rot90(1).storage, [3, 6, 2, 5, 1, 4])
  }

  func testBroadcastingShapesAndErrors() throws {
    XCTAssertEqual(try Tensor.broadcastShape([2, 1, 4], [3, 1]), [2, 3, 4])
    XCTAssertThrowsError(try Tensor.broadcastShape([2, 3], [4]))
    let a = Tensor(shape: [2, 1], storage: [1, 2]), b = Tensor(shape: [3], storage: [10, 20, 30])
    XCTAssertEqual((a + b).storage, [11, 21, 31, 12, 22, 32])
  }

  /// The specialized arithmetic loops give exactly what the general broadcasting path gives,
  /// and the shape it gives, on every case they take (same shape, scalar either side, rank-0
  /// and all-ones shapes, large parallel) and on the ones they hand back (true broadcasts).
  func testArithmeticLoopsMatchTheGeneralPathBitForBit() {
    let shapes: [([Int], [Int])] = [
      ([3, 4], [3, 4]), ([200_000], [200_000]), ([2, 3], []), ([], [2, 3]), ([5], [1]), ([1], [5]),
      ([1], [1, 1]), ([1, 1], [1]), ([], []), ([2, 1, 4], [3, 1]), ([4], [2, 4]), ([300_000], [1, 1])]
    let operations: [(String, (Tensor, Tensor) -> Tensor, (Float, Float) -> Float)] = [
      ("+", (+), (+)), ("-", (-), (-)), ("*", (*), (*)), ("/", (/), (/))]
    for (index, (sa, sb)) in shapes.enumerated() {
      let a = randomTensor(sa, seed: UInt64(2 * index + 1)), b = randomTensor(sb, seed: UInt64(2 * index + 2)) + 3
      for (name, op, f) in operations {
        let fast = op(a, b), general = Tensor.broadcastBinary(a, b, f)
        XCTAssertEqual(fast.shape, general.shape, "\(sa) \(name) \(sb)")
        XCTAssertEqual(fast.storage.map(\.bitPattern), general.storage.map(\.bitPattern), "\(sa) \(name) \(sb)")
      }
    }
  }

  func testMatmulValues() {
    let a = Tensor(shape: [2, 2], storage: [1, 2, 3, 4]), b = Tensor(shape: [2, 1], storage: [5, 6])
    XCTAssertEqual(a.matmul(b).storage, [17, 39])
    XCTAssertEqual(a.matmul(a, transposeSelf: true).storage, [10, 14, 14, 20])
  }

  func testLargeParallelElementwiseMatchesSerial() {
    let x = randomTensor([300_000], seed: 1), y = randomTensor([300_000], seed: 2)
    let z = x * y + 1
    for i in stride(from: 0, to: 300_000, by: 997) { XCTAssertEqual(z.storage[i], x.storage[i] * y.storage[i] + 1) }
  }

  func testSeededRandomIsReproducible() {
    var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7), c = RandomGenerator(seed: 8)
    let ta = Tensor.normal([100], rng: &a), tb = Tensor.normal([100], rng: &b), tc = Tensor.normal([100], rng: &c)
    XCTAssertEqual(ta.storage, tb.storage)
    XCTAssertNotEqual(ta.storage, tc.storage)
  }

  func testDescriptionTruncatesAndFlagsNaN() {
    let big = Tensor.zeros([100, 100])
    let text = big.description
    XCTAssertTrue(text.hasPrefix("Tensor [100, 100] float32"))
    XCTAssertTrue(text.contains("…"))
    XCTAssertLessThan(text.count, 2000)
    let bad = Tensor(shape: [2], storage: [1, .nan])
    XCTAssertTrue(bad.description.contains("NaN"))
  }
}

final class MemoryTests: XCTestCase {
  /// Graphs must be freed once the loss is dropped (no reference cycles through backward closures).
  func testGraphIsReleasedAfterBackward() {
    weak var weakOutput: Tensor?
    weak var weakLogits: Tensor?
    do {
      let w = randomTensor([4, 3], seed: 1)
      w.requiresGrad = true
      let x = randomTensor([2, 4], seed: 2)
      let logits = x.matmul(w).tanh().exp().sigmoid().sqrt()
      let loss = logits.logSoftmax().crossEntropy([0, 1])
      loss.backward()
      weakOutput = loss
      weakLogits = logits
    }
    XCTAssertNil(weakOutput)
    XCTAssertNil(weakLogits)
  }
}
