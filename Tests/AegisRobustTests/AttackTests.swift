// Attack invariants: ε-ball and [0,1] box, no side effects, determinism, batch consistency,
// closed-form optima on a linear model, and named errors for impossible settings.

import AegisData
import AegisNN
import AegisRobust
import AegisTensor
import XCTest

final class AttackTests: XCTestCase {
  func smallModel() throws -> Model {
    try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [1, 8, 8], numClasses: 5, width: 4, depth: 8, seed: 3))
  }

  func images(_ n: Int, seed: UInt64 = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    // Include pixels exactly at 0 and 1.
    let t = Tensor.uniform([n, 1, 8, 8], rng: &rng)
    for i in stride(from: 0, to: t.count, by: 7) { t.storage[i] = i % 2 == 0 ? 0 : 1 }
    return t
  }

  func testEveryAttackStaysInBallAndBox() throws {
    let model = try smallModel()
    let x = images(6), labels = [0, 1, 2, 3, 4, 0]
    for norm in [Norm.linf, .l2] {
      for kind in AttackKind.allCases where !((kind == .square || kind == .fab) && norm == .l2) {
        let eps = norm == .linf ? 0.1 : 0.5
        let attack = try Fixtures.attack(kind, eps: eps) { $0.norm = norm; $0.steps = 5; $0.queries = 30 }
        let adv = try attack.run(on: model, images: x, labels: labels)
        XCTAssertEqual(adv.shape, x.shape)
        let r = adv.range
        XCTAssertGreaterThanOrEqual(r.min, 0, "\(attack)")
        XCTAssertLessThanOrEqual(r.max, 1, "\(attack)")
        for b in 0..<6 {
          let d = (0..<64).map { adv.storage[b * 64 + $0] - x.storage[b * 64 + $0] }
          let size = norm == .linf ? d.map(abs).max()! : d.reduce(0) { $0 + $1 * $1 }.squareRoot()
          XCTAssertLessThanOrEqual(size, Float(eps) + 1e-5, "\(attack)")
        }
      }
    }
  }

  func testZeroEpsilonReturnsInputBitForBit() throws {
    let model = try smallModel()
    let x = images(4)
    for kind in AttackKind.allCases {
      let adv = try Fixtures.attack(kind, eps: 0) { $0.queries = 5 }.run(on: model, images: x, labels: [0, 1, 2, 3])
      XCTAssertEqual(adv.storage, x.storage, "\(kind)")
    }
  }

  func testNoSideEffectsOnInputWeightsStatisticsOrMode() throws {
    let model = try smallModel()
    model.setTraining(true)
    let x = images(4)
    let inputCopy = x.storage
    let state = model.stateDict().map { $0.tensor.storage }
    let flags = model.parameters.map(\.requiresGrad)
    for kind in AttackKind.allCases {
      _ = try Fixtures.attack(kind) { $0.steps = 3; $0.queries = 10 }.run(on: model, images: x, labels: [0, 1, 2, 3])
    }
    _ = try Fixtures.attack(.pgd) { $0.steps = 2 }.run(on: model, images: x, labels: [0, 1, 2, 3], batchNormInTrainMode: true)
    XCTAssertEqual(x.storage, inputCopy)
    XCTAssertEqual(model.stateDict().map { $0.tensor.storage }, state, "weights and BN running statistics unchanged")
    XCTAssertTrue(model.isTraining)
    XCTAssertTrue(model.allLayers().allSatisfy(\.isTraining))
    XCTAssertEqual(model.parameters.map(\.requiresGrad), flags)
    XCTAssertTrue(model.parameters.allSatisfy { $0.grad == nil })
  }

  func testDeterministicWithSeedAndDifferentAcrossSeeds() throws {
    let model = try smallModel()
    let x = images(4)
    for kind in [AttackKind.pgd, .apgd, .square, .noise] {
      let a = try Fixtures.attack(kind) { $0.seed = 5; $0.steps = 4; $0.queries = 20 }.run(on: model, images: x, labels: [0, 1, 2, 3])
      let b = try Fixtures.attack(kind) { $0.seed = 5; $0.steps = 4; $0.queries = 20 }.run(on: model, images: x, labels: [0, 1, 2, 3])
      XCTAssertEqual(a.storage, b.storage, "\(kind)")
    }
    let a = try Fixtures.attack(.pgd) { $0.seed = 5; $0.steps = 1 }.run(on: model, images: x, labels: [0, 1, 2, 3])
    let c = try Fixtures.attack(.pgd) { $0.seed = 6; $0.steps = 1 }.run(on: model, images: x, labels: [0, 1, 2, 3])
    XCTAssertNotEqual(a.storage, c.storage)
  }

  func testAttackingOneExampleInABatchEqualsAttackingItAlone() throws {
    let model = try smallModel()
    let x = images(5), labels = [0, 1, 2, 3, 4]
    for kind in [AttackKind.pgd, .apgd, .square] {
      let attack = try Fixtures.attack(kind) { $0.steps = 5; $0.restarts = 2; $0.queries = 20 }
      let batch = try attack.run(on: model, images: x, labels: labels)
      let alone = try attack.run(on: model, images: x.gatherRows([3]), labels: [3])
      let fromBatch = Array(batch.storage[(3 * 64)..<(4 * 64)])
      for (a, b) in zip(fromBatch, alone.storage) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(kind)") }
    }
  }

  /// For a linear score w·x the optimal L∞ step is ε·sign(w) and the optimal L2 step ε·w/‖w‖.
  func testClosedFormOptimumOnALinearModel() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "mlp", inputShape: [1, 2, 2], numClasses: 2, width: 2, depth: 1, seed: 1))
    // Make the model linear in x: a positive bias keeps both ReLUs open inside the ball, and the
    // logits stay close enough that the cross-entropy gradient does not underflow in float32.
    func tensor(_ name: String) -> Tensor { model.namedParameters().first { $0.name == name }!.tensor }
    tensor("fc1.weight").storage = [1, -2, 0.5, 3, 0, 0, 0, 0]
    tensor("fc1.bias").storage = [1, 1]
    tensor("fc2.weight").storage = [1, 1, 0, 0]  // logit0 = h1 + h2, logit1 = bias
    tensor("fc2.bias").storage = [0, 3]
    let x = Tensor(shape: [1, 1, 2, 2], storage: [0.5, 0.5, 0.5, 0.5])
    // CE for label 0 grows as logit0 falls: direction −(w1 + w2) = −(1, −2, 0.5, 3).
    let linf = try Fixtures.attack(.pgd, eps: 0.1) { $0.randomStart = false; $0.steps = 10 }.run(on: model, images: x, labels: [0])
    let expected: [Float] = [0.4, 0.6, 0.4, 0.4]
    for (a, b) in zip(linf.storage, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    let l2 = try Fixtures.attack(.pgd, eps: 0.1) { $0.norm = .l2; $0.randomStart = false; $0.steps = 20; $0.step = 0.05 }.run(on: model, images: x, labels: [0])
    let w: [Float] = [1, -2, 0.5, 3]
    let n = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
    for (a, wi) in zip(l2.storage, w) { XCTAssertEqual(a, 0.5 - 0.1 * wi / n, accuracy: 1e-4) }
  }

  func testBadParametersAreNamedErrors() throws {
    XCTAssertThrowsError(try Fixtures.attack(.pgd, eps: -0.1)) { XCTAssertTrue("\($0)".contains("eps must be ≥ 0")) }
    XCTAssertThrowsError(try Fixtures.attack(.pgd, eps: 8)) { XCTAssertTrue("\($0)".contains("8/255")) }
    XCTAssertThrowsError(try Fixtures.attack(.pgd) { $0.steps = 0 })
    XCTAssertThrowsError(try Fixtures.attack(.pgd) { $0.target = "mine" })
    XCTAssertThrowsError(try Fixtures.attack(.square) { $0.norm = .l2 })
    let twoClass = try ModelBuilder.build(ModelConfig(architecture: "mlp", inputShape: [1, 2, 2], numClasses: 2, width: 2, depth: 1))
    let dlr = try Fixtures.attack(.apgd) { $0.loss = .dlr }
    XCTAssertThrowsError(try dlr.run(on: twoClass, images: .zeros([1, 1, 2, 2]), labels: [0])) {
      XCTAssertTrue("\($0)".contains("at least 3 classes"))
    }
  }

  func testEpsilonPrintsBothWays() throws {
    XCTAssertEqual(try Fixtures.attack(.pgd, eps: 8.0 / 255).settings.epsilonText, "0.03137 (8/255)")
  }
}
