// Small real training runs with accuracy thresholds, and checkpoint round trips.

import AegisData
import AegisNN
import AegisTensor
import Foundation
import XCTest

final class TrainingTests: XCTestCase {
  func fashion(_ split: DatasetSplit, _ n: Int) throws -> Dataset {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    return try FashionMNIST.load(split: split, limit: n)
  }

  /// SmallCNN, 5,000 images, 1 epoch at batch 32 (157 steps) → test accuracy on 1,000 images.
  /// (Batch 32 dates from PyTorch's default init, whose plateau took the first ~80 steps; with
  /// Kaiming init and the warm-up the loss falls from the first steps.)
  func smallCNNRecipe(seed: UInt64) throws -> (accuracy: Double, firstEpochLoss: Double) {
    let train = try fashion(.train, 5000), test = try fashion(.test, 1000)
    let model = try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 32, depth: 0, seed: seed))
    var options = TrainingOptions()
    options.learningRate = 0.05
    options.batchSize = 32
    options.seed = seed
    let history = try Trainer.train(model, on: train, options: options)
    return (try Trainer.accuracy(of: model, on: test), history.records[0].metrics["loss"]!)
  }

  func testSmallCNNLearnsFashionMNISTInOneEpoch() throws {
    let (accuracy, loss) = try smallCNNRecipe(seed: 0)
    // Seeds 0–9 (AEGIS_SEED_SWEEP=cnn, 2026-12-02, AMD EPYC, Haswell OpenBLAS): 0.720–0.813, mean 0.781.
    XCTAssertGreaterThanOrEqual(accuracy, 0.60, "test accuracy \(accuracy)")
    XCTAssertLessThan(loss, 1.5)
  }

  /// PreActResNet-8 (width 8), 2,000 images, 2 epochs at batch 64 → accuracy on 500 test images,
  /// after recomputing the BN statistics. Without that step this recipe's eval accuracy is a
  /// coin toss: 64 steps at lr 0.05 move the weights faster than the running statistics
  /// (momentum 0.1) follow; measured over seeds 1–4, eval-mode accuracy on the *training* images
  /// was 0.24–0.62 while the train-mode running accuracy was 0.55–0.63, and recalibration lifted
  /// test accuracy from 0.22–0.62 to 0.60–0.69 (docs/defaults.md).
  func resNetRecipe(seed: UInt64) throws -> Double {
    let train = try fashion(.train, 2000), test = try fashion(.test, 500)
    let model = try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 8, depth: 8, seed: seed))
    var options = TrainingOptions()
    options.epochs = 2
    options.learningRate = 0.05
    options.batchSize = 64
    options.seed = seed
    _ = try Trainer.train(model, on: train, options: options)
    try BatchNormRecalibration.recalibrate(model, on: train)
    return try Trainer.accuracy(of: model, on: test)
  }

  func testResNetTrainsOnASubset() throws {
    // testSeedSweep (resnet), seeds 0–9: 0.598–0.696, mean 0.654; the diagnosis's seeds 1–4 after
    // recalibration 0.598–0.652 (Kaiming) and 0.628–0.688 (torch init). Without recalibration
    // the same seeds gave 0.22–0.62, which is why this test used to flip with the BLAS kernel.
    XCTAssertGreaterThanOrEqual(try resNetRecipe(seed: 1), 0.45)
  }

  /// The spread behind the thresholds above (AEGIS_SEED_SWEEP=1; 10 seeds of each recipe).
  func testSeedSweep() throws {
    guard let which = ProcessInfo.processInfo.environment["AEGIS_SEED_SWEEP"] else { throw XCTSkip("set AEGIS_SEED_SWEEP=1 (or resnet / cnn) to measure the spread over 10 seeds") }
    if which != "cnn" { try SeedSpread.measure("resnet-8 2000×2 epochs + BN recalibration") { try resNetRecipe(seed: $0) } }
    if which != "resnet" { try SeedSpread.measure("smallcnn 5000×1 epoch batch 32") { try smallCNNRecipe(seed: $0).accuracy } }
  }

  func testSameSeedSameWeights() throws {
    let train = try fashion(.train, 256)
    func run() throws -> [Float] {
      let model = try ModelBuilder.build(ModelConfig(architecture: "mlp", inputShape: [1, 28, 28], width: 32, depth: 1, seed: 3))
      var options = TrainingOptions()
      options.seed = 11
      options.batchSize = 32
      _ = try Trainer.train(model, on: train, options: options)
      return model.parameters[0].storage
    }
    XCTAssertEqual(try run(), try run())
  }

  func testCheckpointRoundTripAndTransfer() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-ckpt-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.safetensors").path
    let model = try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [1, 8, 8], width: 4, depth: 8, seed: 2))
    model.replaceHead(model.makeHead(outputs: 4, seed: 9))
    model.label = "rotation"
    try Checkpoint.save(model, to: path)
    let loaded = try Checkpoint.load(path)
    XCTAssertEqual(loaded.numOutputs, 4)
    XCTAssertEqual(loaded.label, "rotation")
    let x = Tensor.ones([1, 1, 8, 8])
    model.setTraining(false); loaded.setTraining(false)
    XCTAssertEqual(model(x).storage, loaded(x).storage)

    // Loading into a model with a different head fails and leaves it untouched.
    let target = try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [1, 8, 8], width: 4, depth: 8, seed: 7))
    let before = target.parameters[0].storage
    XCTAssertThrowsError(try Checkpoint.load(path, into: target))
    XCTAssertEqual(target.parameters[0].storage, before)

    // Transfer copies the backbone only and says what it skipped.
    let report = try Checkpoint.transferBackbone(fromFile: path, into: target)
    XCTAssertEqual(target.backbone.parameters[0].storage, model.backbone.parameters[0].storage)
    XCTAssertTrue(report.skipped.contains { $0.name == "fc.weight" })
    XCTAssertFalse(report.loaded.contains("fc.weight"))
  }

  func testCorruptCheckpointIsAnError() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try Checkpoint.load(path))
  }
}
