// Adversarial pretraining draws fresh PGD random starts for every batch from the training
// generator, as the references do; before, the attack's fixed seed and the input's pixels gave a
// rotated image the same start every epoch.

@testable import AegisSSL
import AegisNN
import AegisRobust
import AegisTensor
import XCTest

final class PretrainingRandomStartTests: XCTestCase {
  func testEachPretextBatchGetsAFreshSeededRandomStart() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 8, 8], width: 4, depth: 0, seed: 3))
    // All four rotations: the batch itself uses no randomness, so only the starts can differ.
    let network = try PretextNetwork.make(model: model, task: RotationTask(allRotations: true), seed: 1)
    var s = AttackSettings()
    s.epsilon = 0.1
    s.step = 0.05
    s.steps = 1
    let step = Pretraining.step(network, .adversarial, try Attack(kind: .pgd, settings: s), PretrainingOptions())
    var dataRng = RandomGenerator(seed: 2)
    let images = Tensor.uniform([2, 1, 8, 8], low: 0.3, high: 0.7, rng: &dataRng)
    func start(_ rng: inout RandomGenerator) throws -> [Float] {
      let trace = AttackTrace()
      _ = try AttackTrace.$current.withValue(trace) { try step(images, &rng) }
      return try XCTUnwrap(trace.runs.first?.start).storage
    }
    var rng = RandomGenerator(seed: 5)
    let first = try start(&rng), second = try start(&rng)
    XCTAssertNotEqual(first, second, "the same inputs in a later batch must get a new random start")
    var again = RandomGenerator(seed: 5)
    XCTAssertEqual(try start(&again), first, "starts follow the training seed")
  }
}
