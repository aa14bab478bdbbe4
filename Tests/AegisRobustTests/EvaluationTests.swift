// Robustness evaluation on a trained Fashion-MNIST model: the orderings a sound attack suite
// must show, monotone curves, sanity flags on a gradient-masked fixture, adversarial training.

import AegisData
import AegisNN
import AegisRobust
import AegisTensor
import Foundation
import XCTest

final class EvaluationTests: XCTestCase {
  func testAttackOrderingOnATrainedModel() throws {
    let model = try Fixtures.standardModel()
    let test = try Fixtures.fashion(.test, 300)
    let clean = try Trainer.accuracy(of: model, on: test)
    let noise = try RobustEvaluation.accuracy(model, on: test, attack: Fixtures.attack(.noise) { $0.queries = 10 })
    let fgsm = try RobustEvaluation.accuracy(model, on: test, attack: Fixtures.attack(.fgsm))
    let pgd = try RobustEvaluation.accuracy(model, on: test, attack: Fixtures.attack(.pgd) { $0.steps = 20 })
    // The standard-model recipe over seeds 0–9 (testSeedSweep, Kaiming init + default warm-up):
    // 0.757–0.857 clean accuracy on these 300 images (mean 0.808); 0.65 leaves 10 points.
    XCTAssertGreaterThan(clean, 0.65)
    XCTAssertLessThan(pgd, fgsm)
    XCTAssertLessThan(fgsm, noise)
    XCTAssertLessThan(noise, clean + 1e-9)
    let huge = try RobustEvaluation.accuracy(model, on: test, attack: Fixtures.attack(.pgd, eps: 0.5) { $0.steps = 20 })
    XCTAssertLessThanOrEqual(huge, 0.10)
    let restarts1 = try RobustEvaluation.accuracy(model, on: test, attack: Fixtures.attack(.pgd, eps: 0.03) { $0.steps = 10 })
    let restarts3 = try RobustEvaluation.accuracy(model, on: test, attack: Fixtures.attack(.pgd, eps: 0.03) { $0.steps = 10; $0.restarts = 3 })
    XCTAssertLessThanOrEqual(restarts3, restarts1)
  }

  func testCurveIsMonotoneAndStartsAtCleanAccuracy() throws {
    let model = try Fixtures.standardModel()
    let test = try Fixtures.fashion(.test, 200)
    let curve = try RobustnessCurve.measure([model], on: test, attacks: [Fixtures.attack(.pgd) { $0.steps = 10 }], epsilons: [0, 0.02, 0.05, 0.1])
    let line = curve.lines[0]
    XCTAssertEqual(line.accuracy[0], try Trainer.accuracy(of: model, on: test), accuracy: 1e-9)
    for k in 1..<line.accuracy.count { XCTAssertLessThanOrEqual(line.accuracy[k], line.accuracy[k - 1]) }
    XCTAssertTrue(curve.flags.isEmpty, "\(curve.flags)")
  }

  func testWorstCaseReportBreakdown() throws {
    let model = try Fixtures.standardModel()
    let test = try Fixtures.fashion(.test, 200)
    let report = try RobustEvaluation.evaluate(model, on: test, attacks: [
      Fixtures.attack(.fgsm), Fixtures.attack(.pgd) { $0.steps = 10 }, Fixtures.attack(.square) { $0.queries = 50 },
    ])
    XCTAssertEqual(report.breakdown.count, 3)
    XCTAssertLessThanOrEqual(report.breakdown[1].accuracy, report.breakdown[0].accuracy)
    XCTAssertEqual(report.robustAccuracy, report.breakdown[2].accuracy)
    XCTAssertTrue(report.description.contains("worst case"))
  }

  /// Stopped in the middle of its second attack and continued from the progress file, the
  /// worst-case evaluation gives exactly the uninterrupted breakdown.
  func testStoppedEvaluationContinuesFromItsLastBatch() throws {
    let model = try Fixtures.standardModel()
    let test = try Fixtures.fashion(.test, 200)
    // A small ε leaves enough points robust after PGD for Square to take several batches.
    let attacks = [try Fixtures.attack(.pgd, eps: 0.01) { $0.steps = 5 }, try Fixtures.attack(.square, eps: 0.01) { $0.queries = 40 },
                   try Fixtures.attack(.fgsm, eps: 0.01)]
    let whole = try RobustEvaluation.evaluate(model, on: test, attacks: attacks, batchSize: 32)
    let path = NSTemporaryDirectory() + "aegis-eval-progress-\(getpid())/AA.json"
    defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
    Cancellation.reset()
    defer { Cancellation.reset() }
    XCTAssertThrowsError(try RobustEvaluation.evaluate(model, on: test, attacks: attacks, batchSize: 32, resumePath: path, afterBatch: { state in
      if state.finished.count == 1 && state.candidatesDone >= 32 { Cancellation.request() }
    }))
    Cancellation.reset()
    let saved = try XCTUnwrap(try EvaluationProgress.read(path))
    XCTAssertEqual(saved.finished.count, 1, "stopped during the second attack")
    XCTAssertEqual(saved.candidatesDone, 32, "one batch of Square done")
    XCTAssertGreaterThan(saved.robust.filter { $0 }.count, 64, "Square has batches left to run")
    var batchesRun = 0
    let resumed = try RobustEvaluation.evaluate(model, on: test, attacks: attacks, batchSize: 32, resumePath: path, afterBatch: { _ in batchesRun += 1 })
    XCTAssertEqual(resumed.cleanAccuracy, whole.cleanAccuracy)
    XCTAssertEqual(resumed.breakdown.map(\.accuracy), whole.breakdown.map(\.accuracy), "resumed = uninterrupted")
    XCTAssertEqual(resumed.breakdown.map(\.attack), whole.breakdown.map(\.attack))
    let squareCandidates = saved.robust.filter { $0 }.count
    let fgsmCandidates = Int((whole.breakdown[1].accuracy * 200).rounded())
    XCTAssertEqual(batchesRun, (squareCandidates - 32 + 31) / 32 + (fgsmCandidates + 31) / 32, "only the batches after the saved ones ran")
    var damaged = saved
    damaged.robust.removeLast()
    try damaged.write(to: path)
    XCTAssertThrowsError(try RobustEvaluation.evaluate(model, on: test, attacks: attacks, batchSize: 32, resumePath: path)) {
      XCTAssertTrue("\($0)".contains("is damaged"), "\($0)")
    }
    XCTAssertThrowsError(try RobustEvaluation.evaluate(model, on: test, attacks: Array(attacks.prefix(2)), batchSize: 32, resumePath: path)) {
      XCTAssertTrue("\($0)".contains("different evaluation") && "\($0)".contains("attacks"), "\($0)")
    }
  }

  func testGradientMaskedModelRaisesFlags() throws {
    let masked = QuantizedClassifier(try Fixtures.standardModel())
    let test = try Fixtures.fashion(.test, 100)
    let sanity = try SanityChecks.run(masked, on: test, epsilon: 0.1)
    XCTAssertFalse(sanity.passed, "\(sanity)")
    XCTAssertGreaterThan(sanity.zeroGradientFraction, 0.9)
    let report = try RobustEvaluation.evaluate(masked, on: test, attacks: [
      Fixtures.attack(.pgd) { $0.steps = 10 }, Fixtures.attack(.square) { $0.queries = 200 },
    ])
    XCTAssertFalse(report.flags.isEmpty, "Square must expose the masked gradients: \(report)")
  }

  func testSanityPassesOnASoundModel() throws {
    let sanity = try SanityChecks.run(try Fixtures.standardModel(), on: try Fixtures.fashion(.test, 100), epsilon: 0.1)
    XCTAssertTrue(sanity.passed, "\(sanity)")
  }

  /// PGD training on 3,000 images lifts PGD accuracy far above the standard model's: the
  /// robust model's PGD-20 accuracy minus the standard one's, on 300 test images.
  func adversarialTrainingGain(seed: UInt64, standard: Model) throws -> Double {
    let train = try Fixtures.fashion(.train, 3000), test = try Fixtures.fashion(.test, 300)
    let attack = try Fixtures.attack(.pgd) { $0.steps = 5 }
    let robust = try ModelBuilder.build(ModelConfig(architecture: "mlp", inputShape: [1, 28, 28], width: 128, depth: 2, seed: seed))
    var options = TrainingOptions()
    options.epochs = 3
    options.learningRate = 0.05
    options.batchSize = 64
    options.seed = seed
    _ = try Trainer.train(robust, on: train, options: options, loss: AdversarialTraining.loss(attack: attack))
    let eval = try Fixtures.attack(.pgd) { $0.steps = 20 }
    let standardRA = try RobustEvaluation.accuracy(standard, on: test, attack: eval)
    let robustRA = try RobustEvaluation.accuracy(robust, on: test, attack: eval)
    print("robust \(robustRA) vs standard \(standardRA)")
    return robustRA - standardRA
  }

  func testAdversarialTrainingRaisesRobustAccuracy() throws {
    let gain = try adversarialTrainingGain(seed: 1, standard: try Fixtures.standardModel())
    // testSeedSweep, seeds 0–9 (Kaiming init + default warm-up): gains 0.270–0.380, mean 0.338
    // (robust 0.36–0.52, standard 0.08–0.15 PGD-20 accuracy); 0.15 sits 12 points below the worst.
    XCTAssertGreaterThan(gain, 0.15, "PGD-20 accuracy gain of PGD training")
  }

  /// The spread behind the thresholds (AEGIS_SEED_SWEEP=1; 10 seeds of each recipe).
  func testSeedSweep() throws {
    guard ProcessInfo.processInfo.environment["AEGIS_SEED_SWEEP"] != nil else { throw XCTSkip("set AEGIS_SEED_SWEEP=1 to measure the spread over 10 seeds") }
    let test = try Fixtures.fashion(.test, 300)
    try SeedSpread.measure("mlp standard model, clean accuracy on 300") { try Trainer.accuracy(of: try Fixtures.standardModel(seed: $0), on: test) }
    try SeedSpread.measure("PGD-training gain in PGD-20 accuracy") { try adversarialTrainingGain(seed: $0, standard: try Fixtures.standardModel(seed: $0)) }
  }

  func testEnsembleIsAttackedThroughItsAveragedOutput() throws {
    let a = try Fixtures.standardModel()
    let b = a.copy()
    let ensemble = ModelEnsemble([a, b])
    let x = try Fixtures.fashion(.test, 8).batch(at: 0..<8)
    // Two identical members: the ensemble's probabilities equal each member's.
    a.setTraining(false)
    let members = withoutGrad { a.logits(x.images).softmax() }
    let averaged = withoutGrad { ensemble.logits(x.images).softmax() }
    for (p, q) in zip(members.storage, averaged.storage) { XCTAssertEqual(p, q, accuracy: 1e-5) }
    let adv = try Fixtures.attack(.pgd) { $0.steps = 5 }.run(on: ensemble, images: x.images, labels: x.labels)
    XCTAssertEqual(adv.shape, x.images.shape)
  }
}
