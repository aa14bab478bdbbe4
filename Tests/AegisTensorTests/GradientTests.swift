// Finite-difference checks of every differentiable op, including a double-backward case.

import AegisTensor
import XCTest

final class GradientTests: XCTestCase {
  func testBroadcastArithmetic() {
    let a = randomTensor([2, 3, 4], seed: 1), b = randomTensor([3, 1], seed: 2, low: 0.5, high: 1.5)
    assertGradientsMatch([a, b]) { $0[0] + $0[1] }
    assertGradientsMatch([a, b]) { $0[0] - $0[1] }
    assertGradientsMatch([a, b]) { $0[0] * $0[1] }
    assertGradientsMatch([a, b]) { $0[0] / $0[1] }
    assertGradientsMatch([a]) { -$0[0] * 3 + 1 }
  }

  func testUnaryFunctions() {
    let x = randomTensor([3, 5], seed: 3, low: 0.2, high: 2)
    assertGradientsMatch([x]) { $0[0].exp() }
    assertGradientsMatch([x]) { $0[0].log() }
    assertGradientsMatch([x]) { $0[0].sqrt() }
    assertGradientsMatch([x]) { $0[0].pow(3) }
    let y = randomTensor([3, 5], seed: 4)
    assertGradientsMatch([y]) { $0[0].tanh() }
    assertGradientsMatch([y]) { $0[0].sigmoid() }
    assertGradientsMatch([y]) { $0[0].gelu() }
    assertGradientsMatch([y], step: 1e-3) { $0[0].relu() }
    assertGradientsMatch([y], step: 1e-3) { $0[0].abs() }
    assertGradientsMatch([y], step: 1e-3) { $0[0].clamped(-0.5, 0.5) }
    let z = randomTensor([3, 5], seed: 5)
    assertGradientsMatch([y, z], step: 1e-3) { $0[0].maximum($0[1]) }
    assertGradientsMatch([y, z], step: 1e-3) { $0[0].minimum($0[1]) }
  }

  func testReductionsAndShapes() {
    let x = randomTensor([2, 3, 4], seed: 6)
    assertGradientsMatch([x]) { $0[0].sum(axes: [1]) }
    assertGradientsMatch([x]) { $0[0].mean(axes: [0, 2], keepDims: true) }
    assertGradientsMatch([x]) { $0[0].sum() }
    assertGradientsMatch([x]) { $0[0].permuted([2, 0, 1]) }
    assertGradientsMatch([x]) { $0[0].reshaped([6, 4]).transposed() }
    assertGradientsMatch([x]) { $0[0].slice(axis: 2, 1..<3) }
    assertGradientsMatch([x]) { $0[0].gatherRows([1, 0, 1]) }
    assertGradientsMatch([x]) { $0[0].rot90(1) }
    assertGradientsMatch([x]) { $0[0].flippedHorizontally() }
    assertGradientsMatch([x]) { $0[0].expanded(to: [3, 2, 3, 4]) }
    let y = randomTensor([2, 2, 4], seed: 7)
    assertGradientsMatch([x, y]) { Tensor.concat([$0[0], $0[1]], axis: 1) }
  }

  func testMatmulAllTransposes() {
    let a = randomTensor([3, 4], seed: 8), b = randomTensor([4, 5], seed: 9)
    assertGradientsMatch([a, b]) { $0[0].matmul($0[1]) }
    let at = randomTensor([4, 3], seed: 10), bt = randomTensor([5, 4], seed: 11)
    assertGradientsMatch([at, b]) { $0[0].matmul($0[1], transposeSelf: true) }
    assertGradientsMatch([a, bt]) { $0[0].matmul($0[1], transposeOther: true) }
    assertGradientsMatch([at, bt]) { $0[0].matmul($0[1], transposeSelf: true, transposeOther: true) }
    let p = randomTensor([2, 3, 4], seed: 12), q = randomTensor([2, 4, 2], seed: 13)
    assertGradientsMatch([p, q]) { $0[0].matmul($0[1]) }
  }

  func testConvolution() {
    let x = randomTensor([2, 2, 5, 5], seed: 14), w = randomTensor([3, 2, 3, 3], seed: 15), b = randomTensor([3], seed: 16)
    assertGradientsMatch([x, w, b]) { $0[0].conv2d($0[1], bias: $0[2], stride: 1, padding: 1) }
    assertGradientsMatch([x, w]) { $0[0].conv2d($0[1], stride: 2, padding: 1) }
    let w1 = randomTensor([4, 2, 1, 1], seed: 17)
    assertGradientsMatch([x, w1]) { $0[0].conv2d($0[1], stride: 2) }
  }

  func testPooling() {
    let x = randomTensor([2, 2, 4, 4], seed: 18)
    assertGradientsMatch([x], step: 1e-3) { $0[0].maxPool2d(kernel: 2) }
    assertGradientsMatch([x]) { $0[0].avgPool2d(kernel: 2) }
    assertGradientsMatch([x]) { $0[0].globalAvgPool() }
  }

  func testSoftmaxAndLosses() {
    let logits = randomTensor([4, 5], seed: 19, low: -2, high: 2)
    assertGradientsMatch([logits]) { $0[0].logSoftmax() }
    assertGradientsMatch([logits]) { $0[0].softmax() }
    assertGradientsMatch([logits]) { $0[0].crossEntropy([0, 3, 4, 1]) }
    let target = randomTensor([4, 5], seed: 20)
    assertGradientsMatch([logits, target]) { $0[0].klDivergence(from: $0[1]) }
  }

  func testNormalization() {
    let x = randomTensor([3, 2, 3, 3], seed: 21), g = randomTensor([2], seed: 22, low: 0.5, high: 1.5), b = randomTensor([2], seed: 23)
    assertGradientsMatch([x, g, b], step: 1e-2, tolerance: 3e-2) { $0[0].batchNormTraining(gamma: $0[1], beta: $0[2], epsilon: 1e-5).0 }
    withSecondOrder {
      assertGradientsMatch([x, g, b], step: 1e-2, tolerance: 3e-2) { $0[0].batchNormTraining(gamma: $0[1], beta: $0[2], epsilon: 1e-5).0 }
    }
    let m = randomTensor([2], seed: 24), v = randomTensor([2], seed: 25, low: 0.5, high: 2)
    assertGradientsMatch([x, g, b]) { $0[0].batchNormInference(gamma: $0[1], beta: $0[2], mean: m, variance: v, epsilon: 1e-5) }
    let s = randomTensor([2, 3, 6], seed: 26), lg = randomTensor([6], seed: 27), lb = randomTensor([6], seed: 28)
    assertGradientsMatch([s, lg, lb], tolerance: 3e-2) { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) }
  }

  /// d/dw of ‖∂CE/∂x‖² for conv → BN → tanh → linear: needs every backward to be differentiable.
  func testDoubleBackwardOfInputGradientNorm() {
    let x = randomTensor([2, 1, 4, 4], seed: 30)
    let w = randomTensor([2, 1, 3, 3], seed: 31), v = randomTensor([3, 32], seed: 32)
    let gamma = Tensor.ones([2]), beta = Tensor.zeros([2])
    let labels = [1, 2]
    func penalty(_ ws: [Tensor]) -> Tensor {
      let input = x.detached()
      input.requiresGrad = true
      // The penalty needs recording even when the checker evaluates it under withoutGrad.
      return withGradMode(true) { withSecondOrder { () -> Tensor in
        let h = input.conv2d(ws[0], padding: 1).batchNormTraining(gamma: gamma, beta: beta, epsilon: 1e-5).0.tanh()
        let logits = h.reshaped([2, 32]).matmul(ws[1], transposeOther: true)
        let loss = logits.crossEntropy(labels)
        let gx = gradients(of: loss, wrt: [input], createGraph: true)[0]
        return (gx * gx).sum().reshaped([1])
      } }
    }
    assertGradientsMatch([w, v], step: 1e-2, tolerance: 5e-2) { penalty($0) }
  }

  func testGradientsWithRespectToInputsOnly() {
    let w = randomTensor([3, 4], seed: 40)
    w.requiresGrad = true
    let x = randomTensor([2, 4], seed: 41)
    x.requiresGrad = true
    let loss = x.matmul(w, transposeOther: true).crossEntropy([0, 2])
    let gx = gradients(of: loss, wrt: [x])[0]
    XCTAssertEqual(gx.shape, [2, 4])
    XCTAssertNil(w.grad, "gradients(of:wrt:) must not accumulate into parameters")
  }
}
