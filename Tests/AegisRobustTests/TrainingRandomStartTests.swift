// Training-time PGD draws fresh random starts for every batch, as the references do
// (`torch.empty_like(x).uniform_(-eps, eps)` on each call). Before, the start came from the
// attack's fixed seed and the example's pixels, so an example got the same start every epoch.

import AegisNN
@testable import AegisRobust
import AegisTensor
import XCTest

final class TrainingRandomStartTests: XCTestCase {
  func starts(of loss: BatchLoss, _ model: Model, _ x: Tensor, _ labels: [Int], rng: inout RandomGenerator) throws -> [Float] {
    let trace = AttackTrace()
    _ = try AttackTrace.$current.withValue(trace) { try loss(model, x, labels, &rng) }
    return try XCTUnwrap(trace.runs.first?.start).storage
  }

  func testEachBatchGetsAFreshSeededRandomStart() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "mlp", inputShape: [1, 4, 4], numClasses: 3, width: 8, depth: 1, seed: 2))
    var dataRng = RandomGenerator(seed: 4)
    let x = Tensor.uniform([6, 1, 4, 4], low: 0.3, high: 0.7, rng: &dataRng)  // inside the box: starts are not clipped
    let labels = [0, 1, 2, 0, 1, 2]
    var s = AttackSettings()
    s.epsilon = 0.2
    s.step = 0.05
    s.steps = 2
    let loss = AdversarialTraining.loss(attack: try Attack(kind: .pgd, settings: s))
    var rng = RandomGenerator(seed: 1)
    let first = try starts(of: loss, model, x, labels, rng: &rng)
    let second = try starts(of: loss, model, x, labels, rng: &rng)  // the same examples, a later batch
    XCTAssertNotEqual(first, second, "an example seen again must get a new random start")
    var again = RandomGenerator(seed: 1)
    XCTAssertEqual(try starts(of: loss, model, x, labels, rng: &again), first, "starts follow the training seed")
    for (i, v) in first.enumerated() { XCTAssertLessThanOrEqual(abs(v - x.storage[i]), 0.2 + 1e-6) }
  }
}
