// A ResNet or SmallCNN built channels-last or blocked computes the same function as the
// channels-first one:
// same parameters, same logits, same input gradients (what attacks use), the same short
// training run up to float noise, and checkpoints that load across layouts.

import AegisData
import AegisNN
import AegisTensor
import Foundation
import XCTest

final class StoredLayoutModelTests: XCTestCase {
  let config = ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 16, depth: 8, seed: 3)
  /// The anchors' SmallCNN at width 16 (16/32 channels: blocked), Conv+ReLU fused, max-pooled.
  let cnnConfig = ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 16, depth: 0, seed: 4)

  /// The channels-first model and the same recipe in each stored layout.
  private func models(_ config: ModelConfig) throws -> (first: Model, others: [Model]) {
    (try ModelBuilder.build(config, layout: .channelsFirst),
     try [ActivationLayout.channelsLast, .blocked].map { try ModelBuilder.build(config, layout: $0) })
  }

  private func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
    let scale = max(1e-6, b.storage.map(abs).max() ?? 1)
    return (zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0) / scale
  }

  /// ‖a − b‖ / ‖b‖.
  private func relativeL2Difference(_ a: Tensor, _ b: Tensor) -> Float {
    let d = zip(a.storage, b.storage).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    return (d / max(1e-30, b.storage.map { $0 * $0 }.reduce(0, +))).squareRoot()
  }

  /// How far apart gradients (and weights trained with them) of two layouts may be. A ResNet's
  /// are continuous in its activations: only float noise (max relative 1e-4; 1e-3 after 4 SGD
  /// steps). SmallCNN's max-pools send each window's gradient to its largest input, and two
  /// inputs within float noise of each other (measured: 3.1961868 against 3.196186, one window
  /// in 100,352 of a 64-image batch) can pick different winners in different kernels' rounding:
  /// that moves one gradient element whole, ≈ 0.5 % of the gradient's norm. So SmallCNN is
  /// compared by relative norm, with room for a few such windows; a layout bug (a wrong flatten
  /// order, misrouted pooling) is off by O(1).
  private func assertGradientsAgree(_ a: Tensor, _ b: Tensor, _ config: ModelConfig, afterTraining: Bool = false,
                                    _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    if config.architecture == "cnn" {
      // Measured here: 4e-7 for the input gradients of 6 images (no window near a tie), ≤ 1.4 %
      // for the weights after 4 steps on 256 images.
      XCTAssertLessThan(relativeL2Difference(a, b), afterTraining ? 0.1 : 5e-2, what, file: file, line: line)
    } else {
      XCTAssertLessThan(maxRelativeDifference(a, b), afterTraining ? 1e-3 : 1e-4, what, file: file, line: line)
    }
  }

  func testEveryLayoutHasTheSameParametersAndLogits() throws {
    for (depth, width, architecture) in [(8, 16, "resnet"), (8, 8, "resnet"), (50, 4, "resnet"), (50, 16, "resnet"),
                                         (0, 16, "cnn"), (0, 8, "cnn"), (0, 32, "cnn")] {
      var c = architecture == "cnn" ? cnnConfig : config
      if architecture == "resnet" { c.depth = depth }
      c.width = width
      c.inputShape = depth == 50 ? [3, 16, 16] : architecture == "cnn" && width == 8 ? [3, 12, 8] : [1, 28, 28]
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
          XCTAssertLessThan(difference, 1e-4, "\(architecture) depth \(depth) width \(width) \(other.activationLayout) training \(training)")
        }
        let pooled = [withoutGrad { other.pooledFeatures(x) }, withoutGrad { first.pooledFeatures(x) }]
        XCTAssertLessThan(maxRelativeDifference(pooled[0], pooled[1]), 1e-4)
        XCTAssertEqual(other.featureChannels(withoutGrad { other.features(x) }), first.featureChannels(withoutGrad { first.features(x) }))
      }
    }
  }

  func testInputGradientsAgreeInEvalMode() throws {
    for config in [config, cnnConfig] { try checkInputGradientsAgree(config) }
  }

  private func checkInputGradientsAgree(_ config: ModelConfig) throws {
    let (first, others) = try models(config)
    let labels = [0, 1, 2, 3, 4, 5]
    let grads = ([first] + others).map { model -> Tensor in
      model.setTraining(false)
      let x = randomImages([6, 1, 28, 28], seed: 2)
      x.requiresGrad = true
      return gradients(of: model(x).crossEntropy(labels), wrt: [x])[0]
    }
    for g in grads.dropFirst() { assertGradientsAgree(g, grads[0], config, config.architecture) }
  }

  func testTrainingRunsAgreeToFloatNoise() throws {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    let data = try FashionMNIST.load(split: .train, limit: 256)
    for config in [config, cnnConfig] { try checkTrainingRunsAgree(config, data) }
  }

  private func checkTrainingRunsAgree(_ config: ModelConfig, _ data: Dataset) throws {
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
        assertGradientsAgree(q.tensor, p.tensor, config, afterTraining: true, "\(config.architecture) \(other.activationLayout) \(p.name)")
      }
    }
  }

  func testCheckpointsLoadAcrossLayouts() throws {
    for config in [config, cnnConfig] { try checkCheckpointsLoadAcrossLayouts(config) }
  }

  private func checkCheckpointsLoadAcrossLayouts(_ config: ModelConfig) throws {
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
      XCTAssertLessThan(maxRelativeDifference(withoutGrad { model(x) }, withoutGrad { first(x) }), 1e-4, "\(config.architecture) \(model.activationLayout)")
    }
  }

  private func randomImages(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: 0, high: 1, rng: &rng)
  }
}
