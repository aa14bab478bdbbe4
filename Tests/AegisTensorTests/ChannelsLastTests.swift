// Channels-last activations: every op against its channels-first counterpart on the same
// values (transposed), under both convolution backends, plus finite-difference checks of the
// new kernels and of the second-order paths.

@testable import AegisTensor
import XCTest

final class ChannelsLastTests: XCTestCase {
  override func tearDown() { ConvBackend.forced = nil }

  private func assertClose(_ a: Tensor, _ b: Tensor, _ what: String, tolerance: Float = 1e-4,
                           file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, what, file: file, line: line)
    let scale = max(1, b.storage.map(abs).max() ?? 1)
    let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThan(worst / scale, tolerance, "\(what): max difference \(worst)", file: file, line: line)
  }

  /// Output and gradients of `sum(f(x) · R)` for x channels-first, and for the same x
  /// channels-last (output and input gradient transposed back), to compare.
  private func bothLayouts(_ x: Tensor, _ params: [Tensor], _ f: (Tensor, [Tensor], ActivationLayout) -> Tensor)
    -> [(ActivationLayout, out: Tensor, grads: [Tensor])]
  {
    ActivationLayout.allCases.map { layout in
      let input = (layout == .channelsLast ? x.toChannelsLast() : x).detached()
      let inputs = [input] + params
      for t in inputs { t.requiresGrad = true; t.grad = nil }
      let y = f(input, params, layout)
      let yFirst = layout == .channelsLast && y.rank == 4 ? y.toChannelsFirst() : y
      let projection = randomTensor(yFirst.shape, seed: 7)
      (yFirst * projection).sum().backward()
      let dx = layout == .channelsLast ? input.grad!.toChannelsFirst() : input.grad!
      return (layout, yFirst.detached(), [dx] + params.map { $0.grad! })
    }
  }

  private func assertLayoutsAgree(_ x: Tensor, _ params: [Tensor], _ what: String, file: StaticString = #filePath, line: UInt = #line,
                                  _ f: (Tensor, [Tensor], ActivationLayout) -> Tensor) {
    let runs = bothLayouts(x, params, f)
    assertClose(runs[1].out, runs[0].out, "\(what) output", file: file, line: line)
    for (k, (a, b)) in zip(runs[1].grads, runs[0].grads).enumerated() {
      assertClose(a, b, "\(what) gradient \(k)", file: file, line: line)
    }
  }

  func testLayoutConversionsRoundTripAndDifferentiate() {
    let x = randomTensor([2, 3, 4, 5], seed: 1)
    let last = x.toChannelsLast()
    XCTAssertEqual(last.shape, [2, 4, 5, 3])
    // Element (n 1, c 1, h 2, w 3) in both orders.
    let lastIndex: Int = ((1 * 4 + 2) * 5 + 3) * 3 + 1
    let firstIndex: Int = ((1 * 3 + 1) * 4 + 2) * 5 + 3
    XCTAssertEqual(last.storage[lastIndex], x.storage[firstIndex])
    XCTAssertEqual(last.toChannelsFirst().storage, x.storage)
    XCTAssertEqual(randomTensor([2, 1, 3, 3], seed: 2).toChannelsLast().shape, [2, 3, 3, 1])
    assertGradientsMatch([randomTensor([2, 3, 2, 2], seed: 3)]) { $0[0].toChannelsLast() }
    assertGradientsMatch([randomTensor([2, 2, 2, 3], seed: 4)]) { $0[0].toChannelsFirst() }
    let pooled = [x.globalAvgPool(layout: .channelsFirst), last.globalAvgPool(layout: .channelsLast)]
    assertClose(pooled[1], pooled[0], "global average pooling")
  }

  func testConvolutionMatchesChannelsFirstOnBothBackends() {
    // (n, c, h, o, k, stride, padding, bias): the study ResNet's shapes, shrunk, and a 1-channel stem.
    let cases: [(Int, Int, Int, Int, Int, Int, Int, Bool)] = [
      (3, 1, 12, 8, 3, 1, 1, false), (2, 8, 10, 8, 3, 1, 1, true), (2, 5, 9, 7, 3, 2, 1, false),
      (4, 16, 8, 32, 1, 2, 0, false), (2, 17, 6, 20, 3, 1, 1, true),
    ]
    for backend in [ConvBackend.oneDNN, .im2col] {
      ConvBackend.forced = backend
      for (i, (n, c, h, o, k, stride, padding, bias)) in cases.enumerated() {
        let x = randomTensor([n, c, h, h], seed: UInt64(10 + i))
        let params = [randomTensor([o, c, k, k], seed: UInt64(20 + i))] + (bias ? [randomTensor([o], seed: UInt64(30 + i))] : [])
        for relu in [false, true] {
          assertLayoutsAgree(x, params, "\(backend) case \(i) relu \(relu)") { x, p, layout in
            x.conv2d(p[0], bias: p.count > 1 ? p[1] : nil, stride: stride, padding: padding, relu: relu, layout: layout)
          }
        }
      }
    }
  }

  func testConvolutionGradientsMatchFiniteDifferences() {
    for backend in [ConvBackend.oneDNN, .im2col] {
      ConvBackend.forced = backend
      let x = randomTensor([2, 5, 5, 3], seed: 4), w = randomTensor([4, 3, 3, 3], seed: 5), b = randomTensor([4], seed: 6)
      assertGradientsMatch([x, w, b]) { $0[0].conv2d($0[1], bias: $0[2], padding: 1, layout: .channelsLast) }
      assertGradientsMatch([x, w]) { $0[0].conv2d($0[1], stride: 2, padding: 1, layout: .channelsLast) }
      // Second order through the backward kernels, as adversarial objectives with input-gradient terms need.
      assertGradientsMatch([x, w]) { xs in
        withGradMode(true) {
          let y = xs[0].conv2d(xs[1], padding: 1, layout: .channelsLast)
          return gradients(of: (y * y).sum(), wrt: [xs[0]], createGraph: true)[0]
        }
      }
    }
  }

  func testBatchNormMatchesChannelsFirst() {
    // 40·7·7 = 1,960 rows: several row ranges and several 64-row blocks in the kernels.
    let x = randomTensor([40, 6, 7, 7], seed: 11, low: -2, high: 3)
    let gamma = randomTensor([6], seed: 12, low: 0.5, high: 1.5), beta = randomTensor([6], seed: 13)
    for relu in [false, true] {
      assertLayoutsAgree(x, [gamma, beta], "training relu \(relu)") { x, p, layout in
        x.batchNormTraining(gamma: p[0], beta: p[1], epsilon: 1e-5, relu: relu, layout: layout).0
      }
      withSecondOrder {
        assertLayoutsAgree(x, [gamma, beta], "second-order training relu \(relu)") { x, p, layout in
          x.batchNormTraining(gamma: p[0], beta: p[1], epsilon: 1e-5, relu: relu, layout: layout).0
        }
      }
      let mean = randomTensor([6], seed: 14), variance = randomTensor([6], seed: 15, low: 0.5, high: 2)
      assertLayoutsAgree(x, [gamma, beta], "inference relu \(relu)") { x, p, layout in
        x.batchNormInference(gamma: p[0], beta: p[1], mean: mean, variance: variance, epsilon: 1e-5, relu: relu, layout: layout)
      }
    }
    let first = x.batchNormTraining(gamma: gamma, beta: beta, epsilon: 1e-5).mean
    let last = x.toChannelsLast().batchNormTraining(gamma: gamma, beta: beta, epsilon: 1e-5, layout: .channelsLast)
    for ch in 0..<6 {
      XCTAssertEqual(last.mean[ch], first[ch], accuracy: 1e-5)
    }
  }

  func testBatchNormKernelsMatchFiniteDifferences() {
    let x = randomTensor([3, 3, 3, 4], seed: 21), g = randomTensor([4], seed: 22, low: 0.5, high: 1.5), b = randomTensor([4], seed: 23)
    for relu in [false, true] {
      assertGradientsMatch([x, g, b], step: 1e-3, tolerance: 3e-2) {
        $0[0].batchNormTraining(gamma: $0[1], beta: $0[2], epsilon: 1e-5, relu: relu, layout: .channelsLast).0
      }
    }
    let m = randomTensor([4], seed: 24), v = randomTensor([4], seed: 25, low: 0.5, high: 2)
    assertGradientsMatch([x, g, b], step: 1e-3) {
      $0[0].batchNormInference(gamma: $0[1], beta: $0[2], mean: m, variance: v, epsilon: 1e-5, relu: true, layout: .channelsLast)
    }
  }
}
