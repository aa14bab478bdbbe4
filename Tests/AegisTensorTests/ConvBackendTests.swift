// The oneDNN convolutions against the im2col + sgemm reference: forward, input gradient and
// weight/bias gradients on random shapes with the strides and paddings the models use, and the
// fused ReLU against conv followed by relu().

@testable import AegisTensor
import XCTest

final class ConvBackendTests: XCTestCase {
  override func tearDown() { ConvBackend.forced = nil }

  /// Output and gradients (input, weight, bias) of `sum(conv(x) · R)` under `backend`.
  private func run(_ backend: ConvBackend, _ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Int, padding: Int, relu: Bool)
    -> (out: [Float], grads: [[Float]])
  {
    ConvBackend.forced = backend
    let inputs = [x, w] + (b.map { [$0] } ?? [])
    for t in inputs { t.requiresGrad = true; t.grad = nil }
    let y = x.conv2d(w, bias: b, stride: stride, padding: padding, relu: relu)
    let projection = randomTensor(y.shape, seed: 7)
    (y * projection).sum().backward()
    return (y.storage, inputs.map { $0.grad!.storage })
  }

  private func assertClose(_ a: [Float], _ b: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, what, file: file, line: line)
    let scale = max(1, b.map(abs).max() ?? 1)
    let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThan(worst / scale, 1e-4, "\(what): max difference \(worst)", file: file, line: line)
  }

  func testOneDNNMatchesIm2colOnRandomShapes() {
    // (n, c, h, o, k, stride, padding, bias): SmallCNN's and PreActResNet's convolutions, shrunk.
    let cases: [(Int, Int, Int, Int, Int, Int, Int, Bool)] = [
      (3, 1, 12, 8, 3, 1, 1, true), (2, 8, 10, 8, 3, 1, 1, true), (2, 5, 9, 7, 3, 2, 1, false),
      (4, 16, 8, 32, 1, 2, 0, false), (1, 3, 7, 4, 3, 1, 0, true), (2, 17, 6, 20, 3, 1, 1, true),
    ]
    for (i, (n, c, h, o, k, stride, padding, bias)) in cases.enumerated() {
      let x = randomTensor([n, c, h, h], seed: UInt64(10 + i))
      let w = randomTensor([o, c, k, k], seed: UInt64(20 + i))
      let b = bias ? randomTensor([o], seed: UInt64(30 + i)) : nil
      for relu in [false, true] {
        let reference = run(.im2col, x, w, b, stride: stride, padding: padding, relu: relu)
        let dnnl = run(.oneDNN, x, w, b, stride: stride, padding: padding, relu: relu)
        assertClose(dnnl.out, reference.out, "case \(i) relu \(relu) forward")
        for (g, name) in zip(0..., ["input", "weight", "bias"]) where g < reference.grads.count {
          assertClose(dnnl.grads[g], reference.grads[g], "case \(i) relu \(relu) \(name) gradient")
        }
      }
    }
  }

  func testFusedReLUEqualsConvThenReLU() {
    let x = randomTensor([2, 4, 6, 6], seed: 1), w = randomTensor([5, 4, 3, 3], seed: 2), b = randomTensor([5], seed: 3)
    for backend in [ConvBackend.oneDNN, .im2col] {
      ConvBackend.forced = backend
      let fused = withoutGrad { x.conv2d(w, bias: b, padding: 1, relu: true) }
      let composed = withoutGrad { x.conv2d(w, bias: b, padding: 1).relu() }
      assertClose(fused.storage, composed.storage, "\(backend)")
    }
  }

  func testOneDNNGradientsMatchFiniteDifferences() {
    ConvBackend.forced = .oneDNN
    let x = randomTensor([2, 3, 5, 5], seed: 4), w = randomTensor([4, 3, 3, 3], seed: 5), b = randomTensor([4], seed: 6)
    assertGradientsMatch([x, w, b]) { $0[0].conv2d($0[1], bias: $0[2], stride: 1, padding: 1) }
    assertGradientsMatch([x, w]) { $0[0].conv2d($0[1], stride: 2, padding: 1) }
    // Second order through the oneDNN backward kernels (input gradient of an input gradient).
    // (Recording forced on: the finite differences evaluate the loss under withoutGrad.)
    assertGradientsMatch([x, w]) { xs in
      withGradMode(true) {
        let y = xs[0].conv2d(xs[1], padding: 1)
        return gradients(of: (y * y).sum(), wrt: [xs[0]], createGraph: true)[0]
      }
    }
  }
}

final class FusedBatchNormReLUTests: XCTestCase {
  func testFusedBatchNormReLUMatchesComposedAndFiniteDifferences() {
    let x = randomTensor([3, 4, 3, 3], seed: 11), gamma = randomTensor([4], seed: 12), beta = randomTensor([4], seed: 13)
    let fused = withoutGrad { x.batchNormTraining(gamma: gamma, beta: beta, epsilon: 1e-5, relu: true).0 }
    let composed = withoutGrad { x.batchNormTraining(gamma: gamma, beta: beta, epsilon: 1e-5).0.relu() }
    XCTAssertEqual(fused.storage, composed.storage)
    assertGradientsMatch([x, gamma, beta], step: 1e-3) { $0[0].batchNormTraining(gamma: $0[1], beta: $0[2], epsilon: 1e-5, relu: true).0 }
  }
}
