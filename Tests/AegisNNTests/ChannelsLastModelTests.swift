// A ResNet built channels-last computes the same function as the channels-first one: same
// parameters, same logits, same input gradients (what attacks use), the same short training
// run up to float noise, and checkpoints that load across layouts.

import AegisData
import AegisNN
import AegisTensor
import Foundation
import XCTest

final class ChannelsLastModelTests: XCTestCase {
  let config = ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 8, depth: 8, seed: 3)

  private func pair(_ config: ModelConfig) throws -> (first: Model, last: Model) {
    (try ModelBuilder.build(config, layout: .channelsFirst), try ModelBuilder.build(config, layout: .channelsLast))
  }

  private func maxRelativeDifference(_ a: Tensor, _ b: Tensor) -> Float {
    let scale = max(1e-6, b.storage.map(abs).max() ?? 1)
    return (zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0) / scale
  }

  func testBothLayoutsHaveTheSameParametersAndLogits() throws {
    for depth in [8, 50] {
      var c = config
      c.depth = depth
      c.width = depth == 50 ? 4 : 8
      c.inputShape = depth == 50 ? [3, 16, 16] : [1, 28, 28]
      let (first, last) = try pair(c)
      XCTAssertEqual(first.activationLayout, .channelsFirst)
      XCTAssertEqual(last.activationLayout, .channelsLast)
      let a = first.stateDict(), b = last.stateDict()
      XCTAssertEqual(a.map(\.name), b.map(\.name))
      for (p, q) in zip(a, b) { XCTAssertEqual(p.tensor.storage, q.tensor.storage, p.name) }
      let x = randomImages([6] + c.inputShape, seed: 1)
      for training in [true, false] {
        first.setTraining(training)
        last.setTraining(training)
        let difference = maxRelativeDifference(withoutGrad { last(x) }, withoutGrad { first(x) })
        XCTAssertLessThan(difference, 1e-4, "depth \(depth) training \(training)")
      }
      XCTAssertEqual(withoutGrad { last.pooledFeatures(x) }.shape, withoutGrad { first.pooledFeatures(x) }.shape)
    }
  }

  func testInputGradientsAgreeInEvalMode() throws {
    let (first, last) = try pair(config)
    first.setTraining(false)
    last.setTraining(false)
    let labels = [0, 1, 2, 3, 4, 5]
    let grads = [first, last].map { model -> Tensor in
      let x = randomImages([6, 1, 28, 28], seed: 2)
      x.requiresGrad = true
      return gradients(of: model(x).crossEntropy(labels), wrt: [x])[0]
    }
    XCTAssertLessThan(maxRelativeDifference(grads[1], grads[0]), 1e-4)
  }

  func testTrainingRunsAgreeToFloatNoise() throws {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    let data = try FashionMNIST.load(split: .train, limit: 256)
    let (first, last) = try pair(config)
    var options = TrainingOptions()
    options.learningRate = 0.05
    options.batchSize = 64
    options.seed = 5
    for model in [first, last] { _ = try Trainer.train(model, on: data, options: options) }
    // Four SGD steps: the two runs differ only in float summation order, so their weights
    // agree far below the size of one step.
    for (p, q) in zip(first.stateDict(), last.stateDict()) where p.tensor.count > 1 {
      XCTAssertLessThan(maxRelativeDifference(q.tensor, p.tensor), 1e-3, p.name)
    }
  }

  func testCheckpointsLoadAcrossLayouts() throws {
    let (first, _) = try pair(config)
    first.setTraining(false)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-layout-\(getpid()).safetensors").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.save(first, to: path)
    let loaded = try Checkpoint.load(path)
    let other = try ModelBuilder.build(config, layout: .channelsLast)
    try Checkpoint.load(path, into: other)
    let x = randomImages([4, 1, 28, 28], seed: 3)
    for model in [loaded, other] {
      model.setTraining(false)
      XCTAssertLessThan(maxRelativeDifference(withoutGrad { model(x) }, withoutGrad { first(x) }), 1e-4)
    }
  }

  private func randomImages(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform(shape, low: 0, high: 1, rng: &rng)
  }
}
