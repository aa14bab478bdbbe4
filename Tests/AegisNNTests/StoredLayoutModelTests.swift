// A ResNet built channels-last or blocked computes the same function as the channels-first one:
// same parameters, same logits, same input gradients (what attacks use), the same short
// training run up to float noise, and checkpoints that load across layouts.

import AegisData
import AegisNN
import AegisTensor
import Foundation
import XCTest

final class StoredLayoutModelTests: XCTestCase {
  let config = ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 16, depth: 8, seed: 3)

  /// The channels-first model and the same recipe in each stored layout.
  private func models(_ config: ModelConfig) throws -> (first: Model, others: [Model]) {
    (try ModelBuilder.build(config, layout: .channelsFirst),
     try [ActivationLayout.channelsLast, .blocked].map { try ModelBuilder.build(config, layout: $0) })
  }

  private func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
    let scale = max(1e-6, b.storage.map(abs).max() ?? 1)
    return (zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0) / scale
  }

  func testEveryLayoutHasTheSameParametersAndLogits() throws {
    for (depth, width) in [(8, 16), (8, 8), (50, 4), (50, 16)] {
      var c = config
      c.depth = depth
      c.width = width
      c.inputShape = depth == 50 ? [3, 16, 16] : [1, 28, 28]
      let x = randomImages([6] + c.inputShape, seed: 1)
      for layout in [ActivationLayout.channelsLast, .blocked] {
        // A fresh pair per layout: train-mode forwards move the running statistics.
        let first = try ModelBuilder.build(c, layout: .channelsFirst), other = try ModelBuilder.build(c, layout: layout)
        XCTAssertEqual(first.activationLayout, .channelsFirst)
        XCTAssertEqual(other.activationLayout, layout.supporting(channels: width))
        let a = first.stateDict(), b = other.stateDict()
        XCTAssertEqual(a.map(\.name), b.map(\.name))
        for (p, q) in zip(a, b) { XCTAssertEqual(p.tensor.storage, q.tensor.storage, p.name) }
        for training in [true, false] {
          first.setTraining(training)
          other.setTraining(training)
          let difference = maxRelativeDifference(withoutGrad { other(x) }, withoutGrad { first(x) })
          XCTAssertLessThan(difference, 1e-4, "depth \(depth) width \(width) \(other.activationLayout) training \(training)")
        }
        let pooled = [withoutGrad { other.pooledFeatures(x) }, withoutGrad { first.pooledFeatures(x) }]
        XCTAssertLessThan(maxRelativeDifference(pooled[0], pooled[1]), 1e-4)
        XCTAssertEqual(other.featureChannels(withoutGrad { other.features(x) }), first.featureChannels(withoutGrad { first.features(x) }))
      }
    }
  }

  func testInputGradientsAgreeInEvalMode() throws {
    let (first, others) = try models(config)
    let labels = [0, 1, 2, 3, 4, 5]
    let grads = ([first] + others).map { model -> Tensor in
      model.setTraining(false)
      let x = randomImages([6, 1, 28, 28], seed: 2)
      x.requiresGrad = true
      return gradients(of: model(x).crossEntropy(labels), wrt: [x])[0]
    }
    for g in grads.dropFirst() { XCTAssertLessThan(maxRelativeDifference(g, grads[0]), 1e-4) }
  }

  func testTrainingRunsAgreeToFloatNoise() throws {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    let data = try FashionMNIST.load(split: .train, limit: 256)
    let (first, others) = try models(config)
    var options = TrainingOptions()
    options.learningRate = 0.05
    options.batchSize = 64
    options.seed = 5
    for model in [first] + others { _ = try Trainer.train(model, on: data, options: options) }
    // Four SGD steps: the runs differ only in float summation order, so their weights agree far
    // below the size of one step.
    for other in others {
      for (p, q) in zip(first.stateDict(), other.stateDict()) where p.tensor.count > 1 {
        XCTAssertLessThan(maxRelativeDifference(q.tensor, p.tensor), 1e-3, "\(other.activationLayout) \(p.name)")
      }
    }
  }

  func testCheckpointsLoadAcrossLayouts() throws {
    let (first, _) = try models(config)
    first.setTraining(false)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-layout-\(getpid()).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.save(first, to: path)
    var loaded = [try Checkpoint.load(path)]
    for layout in [ActivationLayout.channelsLast, .blocked] {
      let model = try ModelBuilder.build(config, layout: layout)
      try Checkpoint.load(path, into: model)
      loaded.append(model)
    }
    let x = randomImages([4, 1, 28, 28], seed: 3)
    for model in loaded {
      model.setTraining(false)
      XCTAssertLessThan(maxRelativeDifference(withoutGrad { model(x) }, withoutGrad { first(x) }), 1e-4, "\(model.activationLayout)")
    }
  }

  private func randomImages(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: 0, high: 1, rng: &rng)
  }
}
