// Fine-tuning F1–F4: partial fine-tuning leaves the frozen blocks (weights and BN statistics)
// bit-identical, full fine-tuning changes them, the best-RA model and epoch are kept (and saved).

import AegisData
import AegisNN
import AegisRobust
@testable import AegisSSL
import AegisTensor
import Foundation
import XCTest

final class FineTuningTests: XCTestCase {
  /// A backbone with trained weights and non-trivial BN statistics.
  func pretrained() throws -> Model {
    var options = PretrainingOptions()
    options.training = Fixtures.training(epochs: 1, batchSize: 64)
    return try Pretraining.pretrain(try Fixtures.resnet(width: 4), on: try Fixtures.fashion(.train, limit: 256), task: RotationTask(), options: options).model
  }

  func testPartialFineTuningKeepsFrozenWeightsAndStatisticsBitIdentical() throws {
    let source = try pretrained()
    let data = try Fixtures.fashion(.train, limit: 256)
    var options = FineTuningOptions()
    options.training = Fixtures.training(epochs: 1, batchSize: 64)
    options.mode = .partial
    let result = try timed("F2 partial adversarial, 256 images, PGD-3") {
      try FineTuning.finetune(source, on: data, attack: try Fixtures.pgd(steps: 3), options: options)
    }
    XCTAssertEqual(result.variant, .f2)
    XCTAssertEqual(result.transfer.loaded.count, source.backbone.stateDict().count, "every backbone tensor transferred")
    XCTAssertEqual(Fixtures.state(result.model.backbone), Fixtures.state(source.backbone), "frozen weights and BN running stats unchanged")
    let (fresh, _) = try FineTuning.prepare(source, classes: 10, options: options)
    XCTAssertNotEqual(Fixtures.state(result.model.head), Fixtures.state(fresh.head), "the head trained")
    XCTAssertEqual(result.model.numOutputs, 10)

    options.mode = .full
    let full = try FineTuning.finetune(source, on: data, options: options)
    XCTAssertEqual(full.variant, .f3)
    XCTAssertNotEqual(Fixtures.state(full.model.backbone), Fixtures.state(source.backbone))
  }

  func testBestRobustModelAndEpochAreKeptAndSaved() throws {
    let data = try Fixtures.fashion(.train, limit: 256)
    let path = NSTemporaryDirectory() + "aegis-ssl-best-\(getpid()).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    var options = FineTuningOptions()
    options.training = Fixtures.training(epochs: 3, batchSize: 64)
    options.validation = try Fixtures.fashion(.test, limit: 300)
    options.validationLimit = 60
    options.checkpointPath = path
    let attack = try Fixtures.pgd(steps: 2)
    let result = try timed("F4 full adversarial, 3 epochs, 256 images, PGD-2, validation PGD-20 on 60") {
      try FineTuning.finetune(try Fixtures.resnet(width: 4), on: data, attack: attack, options: options)
    }
    print(result.history.table())
    let ra = result.history.series("val_ra")
    XCTAssertEqual(ra.count, 3)
    let best = try XCTUnwrap(ra.first { $0.value == ra.map(\.value).max() })
    XCTAssertEqual(result.bestEpoch, best.epoch, "the earliest epoch with the highest validation RA")
    XCTAssertEqual(result.bestRobustAccuracy, best.value)
    let evaluationAttack = try ThreatModel.evaluationAttack(for: data.imageShape, trainingAttack: attack)
    XCTAssertEqual(evaluationAttack.settings.steps, 20)
    let (_, again) = try FineTuning.accuracies(result.bestModel, on: try options.validation!.limited(to: 60), attack: evaluationAttack, batchSize: 64)
    XCTAssertEqual(again, best.value, accuracy: 1e-9, "the kept model is the one measured at the best epoch")
    let saved = try Checkpoint.load(path)
    saved.setTraining(false)
    XCTAssertFalse(result.bestModel.isTraining, "the kept model is in eval mode")
    let x = try data.batch(at: 0..<8).images
    XCTAssertEqual(withoutGrad { saved(x).storage }, withoutGrad { result.bestModel(x).storage })
  }

  func testVariantsAndErrors() throws {
    XCTAssertEqual(FineTuningVariant(mode: .partial, adversarial: false), .f1)
    XCTAssertEqual(FineTuningVariant(mode: .partial, adversarial: true), .f2)
    XCTAssertEqual(FineTuningVariant(mode: .full, adversarial: false), .f3)
    XCTAssertEqual(FineTuningVariant(mode: .full, adversarial: true), .f4)
    XCTAssertEqual(try FineTuningVariant(parsing: "f2").summary, "partial adversarial")
    XCTAssertThrowsError(try FineTuningVariant(parsing: "F5"))
    XCTAssertThrowsError(try FineTuningMode(parsing: "half")) { XCTAssertTrue("\($0)".contains("partial")) }
    let data = try Fixtures.fashion(.train, limit: 8)
    XCTAssertThrowsError(try FineTuning.finetune(try Fixtures.resnet(width: 4, inputShape: [1, 32, 32]), on: data)) {
      XCTAssertTrue("\($0)".contains("use a model built for this data"), "\($0)")
    }
  }
}
