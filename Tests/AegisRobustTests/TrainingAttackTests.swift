// Training-time attacks as in the references: Madry PGD training uses the final PGD iterate
// (evaluation keeps the first fooling one), and TRADES' KL term differentiates through the
// clean distribution as the official code does. Both were found by the PyTorch parity harness
// (docs/parity.md).

import AegisNN
@testable import AegisRobust
import AegisTensor
import XCTest

final class TrainingAttackTests: XCTestCase {
  /// A tiny untrained model and inputs that PGD with a large ε fools within a step or two.
  func setup() throws -> (Model, Tensor, [Int], Attack) {
    let model = try ModelBuilder.build(ModelConfig(architecture: "mlp", inputShape: [1, 4, 4], numClasses: 3, width: 8, depth: 1, seed: 2))
    var rng = RandomGenerator(seed: 4)
    let x = Tensor.uniform([12, 1, 4, 4], rng: &rng)
    let labels = withoutGrad { model(x) }.argmax(axis: -1)  // clean-correct by construction
    var s = AttackSettings()
    // Small steps that never reach the ball's edge: every iterate moves, so an example
    // fooled early has a first fooling iterate distinct from the final one.
    s.epsilon = 0.5
    s.step = 0.02
    s.steps = 20
    return (model, x, labels, try Attack(kind: .pgd, settings: s))
  }

  func testMadryTrainingTrainsOnTheFinalIterate() throws {
    let (model, x, labels, attack) = try setup()
    let trace = AttackTrace()
    var rng = RandomGenerator(seed: 0)
    let (_, logits) = try AttackTrace.$current.withValue(trace) {
      try AdversarialTraining.loss(attack: attack)(model, x, labels, &rng)
    }
    let run = try XCTUnwrap(trace.runs.first)
    let final = try XCTUnwrap(run.final)
    XCTAssertEqual(try XCTUnwrap(run.result).storage, final.storage, "training must use the final PGD iterate")
    XCTAssertEqual(logits.storage, withoutGrad { model(final) }.storage)
  }

  /// An objective that reports every example fooled at the first iterate only: evaluation
  /// keeps that iterate (broken once = broken), training runs on to the final one.
  func testEarlyStopIsTheEvaluationDefaultAndNotTheTrainingOne() throws {
    let (_, x, _, attack) = try setup()
    var calls = 0
    let objective: AttackObjective = { input in
      calls += 1
      return (input.sum(axes: [1, 2, 3]), Array(repeating: calls == 1, count: input.shape[0]))
    }
    for (settings, expectFinal) in [(attack, false), (attack.with(earlyStop: false), true)] {
      calls = 0
      let trace = AttackTrace()
      _ = try AttackTrace.$current.withValue(trace) { try settings.run(objective: objective, images: x) }
      let run = try XCTUnwrap(trace.runs.first)
      let result = try XCTUnwrap(run.result), final = try XCTUnwrap(run.final)
      XCTAssertNotEqual(run.start.storage, final.storage)
      XCTAssertEqual(result.storage, expectFinal ? final.storage : run.start.storage, "earlyStop \(settings.settings.earlyStop)")
    }
    XCTAssertTrue(attack.settings.earlyStop, "evaluation attacks stop at the first fooling iterate")
    var rng = RandomGenerator(seed: 0)
    let (model, images, labels, _) = try setup()
    let trace = AttackTrace()
    _ = try AttackTrace.$current.withValue(trace) { try AdversarialTraining.loss(attack: attack, earlyStop: true)(model, images, labels, &rng) }
    XCTAssertNotNil(trace.runs.first?.result, "early_stop: true still trains through the same PGD")
  }

  func testSuppliedStartNoiseIsUsedAndProjected() throws {
    let (model, x, labels, attack) = try setup()
    let noise = Tensor(shape: x.shape, storage: [Float](repeating: 0.9, count: x.count))
    let trace = AttackTrace(startNoise: [noise])
    _ = try AttackTrace.$current.withValue(trace) { try attack.run(on: model, images: x, labels: labels) }
    let start = try XCTUnwrap(trace.runs.first?.start)
    for i in 0..<x.count { XCTAssertEqual(start.storage[i], min(x.storage[i] + 0.5, 1), accuracy: 1e-6) }
    XCTAssertTrue(trace.startNoise.isEmpty)
  }

  /// Finite differences of the TRADES loss in the clean logits: a detached clean distribution
  /// (the earlier code) drops the KL term's share of this gradient.
  func testTradesGradientFlowsThroughTheCleanDistribution() throws {
    var rng = RandomGenerator(seed: 9)
    let clean = Tensor.normal([3, 4], rng: &rng), adversarial = Tensor.normal([3, 4], rng: &rng)
    let labels = [0, 2, 3]
    clean.requiresGrad = true
    let loss = AdversarialTraining.tradesLoss(clean: clean, adversarial: adversarial, labels: labels, beta: 6)
    let analytic = gradients(of: loss, wrt: [clean])[0]
    let h: Float = 1e-2
    for i in 0..<clean.count {
      func value(_ d: Float) -> Float {
        let c = clean.detached()
        c.storage[i] += d
        return AdversarialTraining.tradesLoss(clean: c, adversarial: adversarial, labels: labels, beta: 6).scalar
      }
      let numeric = (value(h) - value(-h)) / (2 * h)
      XCTAssertEqual(analytic.storage[i], numeric, accuracy: 2e-3, "d loss / d clean[\(i)]")
    }
  }
}
