// The log-det penalty: closed-form values, and its gradient w.r.t. weights (double backward
// through input gradients) against central finite differences, on a smooth toy function and on
// the real task-ensemble path of a tiny ResNet.

import AegisNN
@testable import AegisSSL
import AegisTensor
import XCTest

final class GradientDiversityPenaltyTests: XCTestCase {
  func testClosedFormValues() throws {
    let p = try GradientDiversityPenalty(weight: 0.1, jitter: 1e-5)
    let e1 = Tensor(shape: [1, 3], storage: [2, 0, 0]), e2 = Tensor(shape: [1, 3], storage: [0, -5, 0]), e3 = Tensor(shape: [1, 3], storage: [0, 0, 0.1])
    // Orthogonal directions: det(I + εI) → log ≈ k·ε.
    XCTAssertEqual(try p.logDeterminants([e1, e2, e3]).scalar, 3e-5, accuracy: 1e-5)
    XCTAssertEqual(try p.logDeterminants([e1, e2]).scalar, 2e-5, accuracy: 1e-5)
    // Parallel directions: det [[1+ε, 1], [1, 1+ε]] = 2ε + ε².
    XCTAssertEqual(try p.logDeterminants([e1, e1 * 3]).scalar, logf(2e-5 + 1e-10), accuracy: 1e-2)
    // 60° apart: det = 1 − cos² = 0.75.
    let a = Tensor(shape: [1, 2], storage: [1, 0]), b = Tensor(shape: [1, 2], storage: [0.5, Float(0.75).squareRoot()])
    XCTAssertEqual(try p.logDeterminants([a, b]).scalar, logf(0.75), accuracy: 1e-4)
    XCTAssertEqual(try p.term([a, b]).scalar, 0.1 * logf(0.75), accuracy: 1e-4)
    XCTAssertEqual(try GradientDiversityPenalty(sign: .promoteDiversity).term([a, b]).scalar, -0.1 * logf(0.75), accuracy: 1e-4)
    XCTAssertThrowsError(try p.logDeterminants([a, a, a, a])) { XCTAssertTrue("\($0)".contains("1 to 3")) }
    XCTAssertThrowsError(try p.logDeterminants([a, e1])) { XCTAssertTrue("\($0)".contains("one shape")) }
    XCTAssertThrowsError(try GradientDiversityPenalty(weight: -1))
  }

  /// h(W) with g_t = ∂/∂x Σ tanh(x·W_t)·v_t (smooth), checked against central differences.
  func testGradientWrtWeightsMatchesFiniteDifferencesOnSmoothFunction() throws {
    var rng = RandomGenerator(seed: 4)
    let x = Tensor.normal([3, 5], rng: &rng)
    let weights = (0..<3).map { _ in Tensor.normal([5, 4], std: 0.7, rng: &rng) }
    let vs = (0..<3).map { _ in Tensor.normal([4], rng: &rng) }
    let penalty = try GradientDiversityPenalty(jitter: 1e-3)
    func h() throws -> Tensor {
      let input = x.detached()
      input.requiresGrad = true
      let grads = zip(weights, vs).map { w, v in gradients(of: (input.matmul(w).tanh() * v).sum(), wrt: [input], createGraph: true)[0] }
      return try penalty.value(grads)
    }
    for w in weights { w.requiresGrad = true; w.grad = nil }
    try h().backward()
    var worst = 0.0
    for (t, w) in weights.enumerated() {
      let analytic = w.grad?.storage ?? []
      for i in stride(from: 0, to: w.count, by: 3) {
        let saved = w.storage[i], step: Float = 1e-2
        w.storage[i] = saved + step
        let up = try h().scalar
        w.storage[i] = saved - step
        let down = try h().scalar
        w.storage[i] = saved
        let numeric = (up - down) / (2 * step)
        let error = Double(abs(numeric - analytic[i])) / Double(max(abs(numeric), abs(analytic[i]), 1e-2))
        worst = max(worst, error)
        XCTAssertLessThan(error, 0.05, "task \(t) entry \(i): numeric \(numeric) analytic \(analytic[i])")
      }
    }
    print("smooth penalty: worst relative error \(worst)")
  }

  /// The task-ensemble penalty of a tiny ResNet (rotation + jigsaw inputs), differentiated twice
  /// through the network, against central differences of selected weights.
  func testTaskEnsemblePenaltyGradientMatchesFiniteDifferencesOnTinyModel() throws {
    try checkTinyModel(training: false)
  }

  /// The same with BN in train mode (batch statistics, twice-differentiable composite form).
  func testTaskEnsemblePenaltyGradientWithBatchStatistics() throws {
    try checkTinyModel(training: true)
  }

  func checkTinyModel(training: Bool) throws {
    let model = try Fixtures.resnet(width: 2, seed: 5, inputShape: [1, 8, 8], classes: 3)
    model.setTraining(training)
    let tasks: [any PretextTask] = [RotationTask(), try JigsawTask(classes: 4, seed: 1, identityBias: 0)]
    let networks = try tasks.map { try PretextNetwork.make(model: model, task: $0, seed: 2) }
    for n in networks { n.head.setTraining(training) }
    var rng = RandomGenerator(seed: 8)
    let images = Fixtures.images(3, 1, 8, 8, seed: 3)
    let batches = try networks.map { try $0.task.makeBatch(images: images, rng: &rng) }
    let point = Tensor.concat(batches.map(\.inputs), axis: 0)
    let penalty = GradientDiversityPenalty.paper
    func h() -> Tensor {
      let x = point.detached()
      x.requiresGrad = true
      let (_, grads, _) = withSecondOrder { TaskEnsemblePretraining.lossesAndGradients(networks, batches, at: x) }
      return penalty.logDeterminantsUnchecked(grads).mean()
    }
    let checked: [(String, Tensor)] = [model.namedParameters()[0], model.namedParameters()[4]].map { ($0.name, $0.tensor) }
      + [networks[1].head.namedParameters().last].compactMap { $0 }.map { ("jigsaw head " + $0.name, $0.tensor) }
    model.zeroGrad()
    for n in networks { n.head.zeroGrad() }
    let value = h()
    value.backward()
    print("tiny model (BN \(training ? "train" : "eval")) h = \(value.scalar)")
    var checks = 0, passes = 0
    for (name, w) in checked {
      let analytic = w.grad?.storage ?? [Float](repeating: 0, count: w.count)
      for i in stride(from: 0, to: w.count, by: max(1, w.count / 4)).prefix(4) {
        // Several steps: a ReLU kink can only spoil the larger ones, float32 rounding of h the smaller.
        let steps: [Float] = [1e-3, 3e-4, 1e-4]
        let numerics: [Float] = steps.map { step in
          let saved = w.storage[i]
          w.storage[i] = saved + step
          let up = h().scalar
          w.storage[i] = saved - step
          let down = h().scalar
          w.storage[i] = saved
          return (up - down) / (2 * step)
        }
        let difference = numerics.map { abs($0 - analytic[i]) }.min() ?? .infinity
        let tolerance: Float = 0.05 * abs(analytic[i]) + 3e-4
        print("\(name)[\(i)]: numeric \(numerics) analytic \(analytic[i]) |difference| \(difference) tolerance \(tolerance)")
        checks += 1
        if difference <= tolerance { passes += 1 }
      }
    }
    XCTAssertGreaterThan(checks, 8)
    XCTAssertEqual(passes, checks)
  }
}

#if canImport(Glibc)
import Glibc
#endif
