// Pretraining P1/P2/P3: a new model each time (the input is never touched), the pretext head
// installed for Rotation/Jigsaw, adversarial pretraining on the pretext loss, adversarial task
// accuracy below task accuracy, and named errors for impossible settings.

import AegisData
import AegisNN
import AegisRobust
import AegisSSL
import AegisTensor
import XCTest

final class PretrainingTests: XCTestCase {
  func testP1ReturnsAnUntouchedCopy() throws {
    let model = try Fixtures.resnet(width: 4)
    let data = try Fixtures.fashion(.train, limit: 64)
    let result = try Pretraining.pretrain(model, on: data, task: RotationTask(), mode: .noPretraining)
    XCTAssertFalse(result.model === model)
    XCTAssertEqual(Fixtures.state(result.model), Fixtures.state(model))
    XCTAssertTrue(result.history.records.isEmpty)
    XCTAssertEqual(result.history.settings["pretraining"], "P1 none")
  }

  func testAdversarialPretrainingTrainsACopyWithThePretextHead() throws {
    let model = try Fixtures.resnet(width: 4)
    let before = Fixtures.state(model)
    let data = try Fixtures.fashion(.train, limit: 256)
    var options = PretrainingOptions()
    options.training = Fixtures.training(epochs: 1, batchSize: 64)
    options.validation = try Fixtures.fashion(.test, limit: 64)
    options.validationAttack = try Fixtures.pgd(steps: 3)
    var reports = 0
    let result = try timed("P3 rotation, 256 images, PGD-3") {
      try Pretraining.pretrain(model, on: data, task: RotationTask(), attack: try Fixtures.pgd(steps: 3), options: options) { _ in reports += 1 }
    }
    print(result.history.table())
    XCTAssertEqual(result.mode, .adversarial)
    XCTAssertEqual(Fixtures.state(model), before, "the input model is never changed")
    XCTAssertEqual(result.model.numOutputs, 4, "the returned model's head is the rotation head")
    XCTAssertTrue(result.network.head is ClassificationTaskHead)
    XCTAssertNotEqual(Fixtures.state(result.model.backbone), Fixtures.state(model.backbone))
    XCTAssertEqual(reports, 5, "4 batches + the end-of-epoch report (metrics, warning)")
    let record = try XCTUnwrap(result.history.last)
    for key in ["loss", "acc", "val_acc", "val_ata"] { XCTAssertNotNil(record.metrics[key], key) }
    XCTAssertEqual(result.history.settings["adversarial_loss"], "mixed")
  }

  func testSelfieAdversarialPretrainingAttacksTheSelfieLoss() throws {
    let model = try Fixtures.resnet(width: 4)
    let data = try Fixtures.fashion(.train, limit: 64)
    var options = PretrainingOptions()
    options.training = Fixtures.training(epochs: 1, batchSize: 32, learningRate: 0.01)
    options.adversarialLoss = .adversarial
    let task = try SelfieTask(layers: 1, heads: 2)
    let result = try Pretraining.pretrain(model, on: data, task: task, attack: try Fixtures.pgd(steps: 2), options: options)
    XCTAssertTrue(result.network.head is SelfieHead)
    XCTAssertEqual(result.model.numOutputs, 10, "Selfie's head is task-owned; the model keeps its own head")
    XCTAssertTrue(result.history.last?.metrics["loss"]?.isFinite ?? false)
    // The attack raises the pretext loss.
    var rng = RandomGenerator(seed: 1)
    let (images, _) = try data.batch(at: 0..<16)
    let batch = try task.makeBatch(images: images, rng: &rng)
    let adversarial = try result.network.adversarialInputs(batch, attack: try Fixtures.pgd(steps: 5))
    result.network.model.setTraining(false); result.network.head.setTraining(false)
    let clean = withoutGrad { result.network.perExampleLoss(batch.inputs, batch: batch).loss.mean().scalar }
    let attacked = withoutGrad { result.network.perExampleLoss(adversarial, batch: batch).loss.mean().scalar }
    XCTAssertGreaterThan(attacked, clean)
  }

  func testAdversarialTaskAccuracyIsBelowTaskAccuracy() throws {
    let train = try Fixtures.fashion(.train, limit: 2000)
    let test = try Fixtures.fashion(.test, limit: 200)
    var options = PretrainingOptions()
    options.training = Fixtures.training(epochs: 3)
    let result = try Pretraining.pretrain(try Fixtures.resnet(), on: train, task: RotationTask(), options: options)
    let score = try timed("TA and ATA (PGD-10) on 200 images") {
      try PretextEvaluation.evaluate(result.network, on: test, attack: try Fixtures.pgd(steps: 10), seed: 3)
    }
    print(score)
    let ata = try XCTUnwrap(score.adversarialAccuracy)
    // Same recipe as PretextTrainingTests' rotation test: seeds 0–9 gave 0.598–0.728 there
    // (AEGIS_SEED_SWEEP=rotation); chance is 0.25.
    XCTAssertGreaterThan(score.accuracy, 0.45, "chance is 0.25")
    XCTAssertLessThan(ata, score.accuracy)
    let again = try PretextEvaluation.evaluate(result.network, on: test, seed: 3)
    XCTAssertEqual(again.accuracy, score.accuracy, "same seed, same pretext batches")
  }

  func testNamedErrors() throws {
    let model = try Fixtures.resnet(width: 4)
    let data = try Fixtures.fashion(.train, limit: 16)
    XCTAssertThrowsError(try Pretraining.pretrain(model, on: data, task: RotationTask(), mode: .adversarial)) {
      XCTAssertTrue("\($0)".contains("needs an attack"), "\($0)")
    }
    XCTAssertThrowsError(try Pretraining.pretrain(model, on: data, task: RotationTask(), mode: .standard, attack: try Fixtures.pgd(steps: 1))) {
      XCTAssertTrue("\($0)".contains("does not use an attack"), "\($0)")
    }
    var square = AttackSettings()
    square.queries = 10
    XCTAssertThrowsError(try Pretraining.pretrain(model, on: data, task: RotationTask(), attack: try Attack(kind: .square, settings: square))) {
      XCTAssertTrue("\($0)".contains("use pgd"), "\($0)")
    }
    var targeted = AttackSettings()
    targeted.target = "random"
    XCTAssertThrowsError(try Pretraining.pretrain(model, on: data, task: RotationTask(), attack: try Attack(kind: .pgd, settings: targeted))) {
      XCTAssertTrue("\($0)".contains("untargeted"), "\($0)")
    }
    let other = try Fixtures.resnet(width: 4, inputShape: [1, 32, 32])
    XCTAssertThrowsError(try Pretraining.pretrain(other, on: data, task: RotationTask())) { XCTAssertTrue("\($0)".contains("build the model")) }
    var options = PretrainingOptions()
    options.training.epochs = 0
    XCTAssertThrowsError(try Pretraining.pretrain(model, on: data, task: RotationTask(), options: options)) { XCTAssertTrue("\($0)".contains("epochs")) }
    XCTAssertEqual(try PretrainingMode(parsing: "p3"), .adversarial)
    XCTAssertThrowsError(try PretrainingMode(parsing: "P4"))
  }

  func testCancellationStopsBetweenBatches() throws {
    let data = try Fixtures.fashion(.train, limit: 128)
    var options = PretrainingOptions()
    options.training = Fixtures.training(epochs: 1, batchSize: 32)
    defer { Cancellation.reset() }
    XCTAssertThrowsError(try Pretraining.pretrain(try Fixtures.resnet(width: 4), on: data, task: RotationTask(), options: options) { p in
      if p.batch == 2 { Cancellation.request() }
    }) { error in
      XCTAssertEqual((error as? TrainingInterrupted)?.batch, 2)
    }
  }
}

extension PretrainingTests {
  func testDivergenceStopsWithAnActionableError() throws {
    let data = try Fixtures.fashion(.train, limit: 128)
    var options = PretrainingOptions()
    options.training = Fixtures.training(epochs: 2, batchSize: 32, learningRate: 50)
    options.training.schedule = .constant
    XCTAssertThrowsError(try Pretraining.pretrain(try Fixtures.resnet(width: 4), on: data, task: try SelfieTask(layers: 1, heads: 2), options: options)) { error in
      XCTAssertTrue("\(error)".contains("lower the learning rate"), "\(error)")
    }
  }
}
