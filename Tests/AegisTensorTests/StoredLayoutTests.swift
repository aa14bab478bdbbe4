// Activations stored channels-last and blocked: every op against its channels-first counterpart
// on the same values (converted), under both convolution backends, plus finite-difference checks
// of the new kernels and of the second-order paths.

@testable import AegisTensor
import XCTest

final class StoredLayoutTests: XCTestCase {
  override func tearDown() { ConvBackend.forced = nil }

  private func assertClose(_ a: Tensor, _ b: Tensor, _ what: String, tolerance: Float = 1e-4,
                           file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, what, file: file, line: line)
    let scale = max(1, b.storage.map(abs).max() ?? 1)
    let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThan(worst / scale, tolerance, "\(what): max difference \(worst)", file: file, line: line)
  }

  /// Output and gradients of `sum(f(x) · R)`, with x [N, C, H, W] stored in `layouts.input` and
  /// the output read back from `layouts.output` (output and input gradient converted to
  /// channels-first, to compare across layouts).
  private func run(_ x: Tensor, _ params: [Tensor], _ layouts: ConvLayouts, _ f: (Tensor, [Tensor]) -> Tensor)
    -> (out: Tensor, grads: [Tensor])
  {
    let input = x.inLayout(layouts.input).detached()
    let inputs = [input] + params
    for t in inputs { t.requiresGrad = true; t.grad = nil }
    let y = f(input, params)
    let yFirst = layouts.output.isSpatial(rank: y.rank) ? y.channelsFirst(from: layouts.output) : y
    let projection = randomTensor(yFirst.shape, seed: 7)
    (yFirst * projection).sum().backward()
    return (yFirst.detached(), [input.grad!.channelsFirst(from: layouts.input)] + params.map { $0.grad! })
  }

  /// `f` under `layouts` agrees with `f` under channels-first, output and every gradient.
  private func assertAgrees(_ x: Tensor, _ params: [Tensor], _ layouts: ConvLayouts, _ what: String,
                            file: StaticString = #filePath, line: UInt = #line,
                            _ f: (Tensor, [Tensor], ConvLayouts) -> Tensor) {
    let reference = run(x, params, .channelsFirst) { f($0, $1, .channelsFirst) }
    let other = run(x, params, layouts) { f($0, $1, layouts) }
    assertClose(other.out, reference.out, "\(what) output", file: file, line: line)
    for (k, (a, b)) in zip(other.grads, reference.grads).enumerated() {
      assertClose(a, b, "\(what) gradient \(k)", file: file, line: line)
    }
  }

  /// The stored layouts a convolution from `c` to `o` channels can use (blocked needs whole blocks).
  private func layouts(c: Int, o: Int) -> [ConvLayouts] {
    var result = [ConvLayouts(input: .channelsLast, output: .channelsLast), ConvLayouts(input: .channelsFirst, output: .channelsLast)]
    if o % 16 == 0 {
      result.append(ConvLayouts(input: .channelsFirst, output: .blocked))
      if c % 16 == 0 { result.append(ConvLayouts(input: .blocked, output: .blocked)) }
    }
    return result
  }

  func testPreferredLayoutRunsOptimizedKernels() {
    let layout = ActivationLayout.fastestSupported()
    if layout != .channelsFirst {
      XCTAssertTrue(ConvBackend.hasOptimizedKernels(for: layout), "\(ConvBackend.kernelNames(for: layout))")
    }
    XCTAssertEqual(ConvBackend.kernelNames(for: .channelsLast).count, 9)
    // Channels-first always has oneDNN's optimized kernels (they run on its own blocked copies).
    XCTAssertTrue(ConvBackend.hasOptimizedKernels(for: .channelsFirst), "\(ConvBackend.kernelNames(for: .channelsFirst))")
  }

  func testLayoutConversionsRoundTripAndDifferentiate() {
    let x = randomTensor([2, 32, 4, 5], seed: 1)
    let last = x.inLayout(.channelsLast), blocked = x.inLayout(.blocked)
    XCTAssertEqual(last.shape, [2, 4, 5, 32])
    XCTAssertEqual(blocked.shape, [2, 2, 4, 5, 16])
    // Element (n 1, c 17, h 2, w 3) in every order.
    let first: Int = ((1 * 32 + 17) * 4 + 2) * 5 + 3
    let lastIndex: Int = ((1 * 4 + 2) * 5 + 3) * 32 + 17
    let blockedIndex: Int = (((1 * 2 + 1) * 4 + 2) * 5 + 3) * 16 + 1
    XCTAssertEqual(last.storage[lastIndex], x.storage[first])
    XCTAssertEqual(blocked.storage[blockedIndex], x.storage[first])
    for layout in ActivationLayout.allCases {
      XCTAssertEqual(x.inLayout(layout).channelsFirst(from: layout).storage, x.storage, "\(layout)")
      XCTAssertEqual(layout.channels(of: x.inLayout(layout).shape), 32)
      assertClose(x.inLayout(layout).globalAvgPool(layout: layout), x.globalAvgPool(layout: .channelsFirst), "pooling \(layout)")
      let index = layout.index(1, 17, 2, 3, c: 32, h: 4, w: 5)
      XCTAssertEqual(x.inLayout(layout).storage[index], x.storage[first], "index \(layout)")
    }
    XCTAssertEqual(randomTensor([2, 1, 3, 3], seed: 2).inLayout(.channelsLast).shape, [2, 3, 3, 1])
    assertGradientsMatch([randomTensor([2, 3, 2, 2], seed: 3)]) { $0[0].inLayout(.channelsLast) }
    assertGradientsMatch([randomTensor([1, 16, 2, 2], seed: 4)]) { $0[0].inLayout(.blocked).channelsFirst(from: .blocked) * 2 }
    XCTAssertEqual(ActivationLayout.blocked.supporting(channels: 8), .channelsLast)
    XCTAssertEqual(ActivationLayout.blocked.supporting(channels: 48), .blocked)
  }

  /// Max pooling in channels-last and blocked picks the same element of every window as in
  /// channels-first (values and routed gradients equal), for SmallCNN's 2×2 pools, a window
  /// that leaves a row and column over (7×7), and overlapping 3×3 windows of stride 1 — with
  /// ties, which the first maximum in row-major order wins in every layout.
  func testMaxPoolingMatchesChannelsFirst() {
    for (n, c, h, w, kernel, stride) in [(2, 32, 8, 8, 2, 2), (3, 16, 7, 7, 2, 2), (2, 16, 6, 5, 3, 1)] {
      var x = randomTensor([n, c, h, w], seed: UInt64(40 + h))
      // Rounded to a few values, so many windows hold ties.
      x = Tensor(shape: x.shape, storage: x.storage.map { ($0 * 2).rounded() / 2 })
      for layout in [ActivationLayout.channelsLast, .blocked] {
        assertAgrees(x, [], ConvLayouts(input: layout, output: layout), "maxPool \(layout) \(h)×\(w) k\(kernel) s\(stride)") { x, _, l in
          x.maxPool2d(kernel: kernel, stride: stride, layout: l.output)
        }
        let y = x.inLayout(layout).maxPool2d(kernel: kernel, stride: stride, layout: layout)
        XCTAssertEqual(y.channelsFirst(from: layout).storage, x.maxPool2d(kernel: kernel, stride: stride).storage, "exactly equal")
      }
    }
  }

  func testConvolutionMatchesChannelsFirstOnBothBackends() {
    // (n, c, h, o, k, stride, padding, bias): the study ResNet's shapes, shrunk, and 1-channel stems.
    let cases: [(Int, Int, Int, Int, Int, Int, Int, Bool)] = [
      (3, 1, 12, 16, 3, 1, 1, false), (2, 16, 10, 16, 3, 1, 1, true), (2, 16, 9, 32, 3, 2, 1, false),
      (4, 16, 8, 32, 1, 2, 0, false), (2, 17, 6, 20, 3, 1, 1, true), (2, 5, 7, 7, 3, 2, 1, false),
    ]
    for backend in [ConvBackend.oneDNN, .im2col] {
      ConvBackend.forced = backend
      for (i, (n, c, h, o, k, stride, padding, bias)) in cases.enumerated() {
        let x = randomTensor([n, c, h, h], seed: UInt64(10 + i))
        let params = [randomTensor([o, c, k, k], seed: UInt64(20 + i))] + (bias ? [randomTensor([o], seed: UInt64(30 + i))] : [])
        for layouts in self.layouts(c: c, o: o) {
          for relu in [false, true] {
            assertAgrees(x, params, layouts, "\(backend) case \(i) \(layouts) relu \(relu)") { x, p, l in
              x.conv2d(p[0], bias: p.count > 1 ? p[1] : nil, stride: stride, padding: padding, relu: relu, layout: l.output, inputLayout: l.input)
            }
          }
        }
      }
    }
  }

  func testConvolutionGradientsMatchFiniteDifferences() {
    for backend in [ConvBackend.oneDNN, .im2col] {
      ConvBackend.forced = backend
      for layout in [ActivationLayout.channelsLast, .blocked] {
        let c = layout == .blocked ? 16 : 3
        let x = randomTensor([2, c, 4, 4], seed: 4).inLayout(layout).detached()
        let w = randomTensor([16, c, 3, 3], seed: 5, low: -0.3, high: 0.3), b = randomTensor([16], seed: 6)
        assertGradientsMatch([x, w, b]) { $0[0].conv2d($0[1], bias: $0[2], padding: 1, layout: layout) }
        assertGradientsMatch([x, w]) { $0[0].conv2d($0[1], stride: 2, padding: 1, layout: layout) }
        // Second order through the backward kernels, as adversarial objectives with input-gradient terms need.
        assertGradientsMatch([x, w]) { xs in
          withGradMode(true) {
            let y = xs[0].conv2d(xs[1], padding: 1, layout: layout)
            return gradients(of: (y * y).sum(), wrt: [xs[0]], createGraph: true)[0]
          }
        }
      }
    }
  }

  func testBatchNormMatchesChannelsFirst() {
    // 40·7·7 = 1,960 rows: several workers, several spans and flushes in the kernels.
    let x = randomTensor([40, 32, 7, 7], seed: 11, low: -2, high: 3)
    let gamma = randomTensor([32], seed: 12, low: 0.5, high: 1.5), beta = randomTensor([32], seed: 13)
    let mean = randomTensor([32], seed: 14), variance = randomTensor([32], seed: 15, low: 0.5, high: 2)
    for layout in [ActivationLayout.channelsLast, .blocked] {
      let l = ConvLayouts(input: layout, output: layout)
      for relu in [false, true] {
        assertAgrees(x, [gamma, beta], l, "\(layout) training relu \(relu)") { x, p, l in
          x.batchNormTraining(gamma: p[0], beta: p[1], epsilon: 1e-5, relu: relu, layout: l.output).0
        }
        withSecondOrder {
          assertAgrees(x, [gamma, beta], l, "\(layout) second-order training relu \(relu)") { x, p, l in
            x.batchNormTraining(gamma: p[0], beta: p[1], epsilon: 1e-5, relu: relu, layout: l.output).0
          }
        }
        assertAgrees(x, [gamma, beta], l, "\(layout) inference relu \(relu)") { x, p, l in
          x.batchNormInference(gamma: p[0], beta: p[1], mean: mean, variance: variance, epsilon: 1e-5, relu: relu, layout: l.output)
        }
      }
      let first = x.batchNormTraining(gamma: gamma, beta: beta, epsilon: 1e-5)
      let other = x.inLayout(layout).batchNormTraining(gamma: gamma, beta: beta, epsilon: 1e-5, layout: layout)
      for ch in 0..<32 {
        XCTAssertEqual(other.mean[ch], first.mean[ch], accuracy: 1e-5)
        XCTAssertEqual(other.variance[ch], first.variance[ch], accuracy: 1e-4)
      }
    }
  }

  func testBatchNormKernelsMatchFiniteDifferences() {
    for layout in [ActivationLayout.channelsLast, .blocked] {
      let x = randomTensor([3, 16, 2, 3], seed: 21).inLayout(layout).detached()
      let g = randomTensor([16], seed: 22, low: 0.5, high: 1.5), b = randomTensor([16], seed: 23)
      for relu in [false, true] {
        assertGradientsMatch([x, g, b], step: 1e-3, tolerance: 3e-2) {
          $0[0].batchNormTraining(gamma: $0[1], beta: $0[2], epsilon: 1e-5, relu: relu, layout: layout).0
        }
      }
      let m = randomTensor([16], seed: 24), v = randomTensor([16], seed: 25, low: 0.5, high: 2)
      assertGradientsMatch([x, g, b], step: 1e-3) {
        $0[0].batchNormInference(gamma: $0[1], beta: $0[2], mean: m, variance: v, epsilon: 1e-5, relu: true, layout: layout)
      }
    }
  }
}
