// Why the builders default to He/Kaiming-normal init: measured activation scales of SmallCNN at
// initialization, and (with AEGIS_DIAGNOSE=1) the loss of the first SGD steps and the BN lag of
// the ResNet recipe under both inits, printed for docs/defaults.md.

import AegisData
import AegisNN
import AegisTensor
import Foundation
import XCTest

final class InitializationTests: XCTestCase {
  func fashion(_ split: DatasetSplit, _ n: Int) throws -> Dataset {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    return try FashionMNIST.load(split: split, limit: n)
  }

  func smallCNN(_ initialization: WeightInitialization, seed: UInt64) throws -> Model {
    try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 32, depth: 0,
                                       seed: seed, initialization: initialization))
  }

  /// Standard deviation of the output of every ReLU of `model` (and of the logits) on `x`.
  func activationScales(_ model: Model, _ x: Tensor) -> [(String, Float)] {
    var scales: [(String, Float)] = []
    var h = x
    withoutGrad {
      for part in [model.backbone, model.head as! Sequential] {
        for (name, layer) in part.layers {
          h = layer(h)
          if name.hasPrefix("relu") || name == "fc2" { scales.append((name, standardDeviation(h.storage))) }
        }
      }
    }
    return scales
  }

  func standardDeviation(_ v: [Float]) -> Float {
    let mean = v.reduce(0, +) / Float(v.count)
    return (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(v.count)).squareRoot()
  }

  /// Kaiming-normal keeps SmallCNN's activations at the input's scale through all five ReLUs;
  /// PyTorch's default shrinks each layer and leaves near-constant logits (the plateau's cause).
  func testKaimingKeepsTheActivationScaleAndTorchShrinksIt() throws {
    let (x, _) = try fashion(.train, 128).batch(at: 0..<128)
    let inputScale = standardDeviation(x.storage)
    for seed: UInt64 in 0..<3 {
      let kaiming = activationScales(try smallCNN(.kaiming, seed: seed), x)
      let torch = activationScales(try smallCNN(.torch, seed: seed), x)
      print("seed \(seed) input std \(inputScale)\n  kaiming \(kaiming)\n  torch   \(torch)")
      for (_, s) in kaiming { XCTAssertGreaterThan(s, inputScale / 4, "kaiming \(kaiming)") }
      let torchLogits = try XCTUnwrap(torch.last?.1), kaimingLogits = try XCTUnwrap(kaiming.last?.1)
      XCTAssertLessThan(torchLogits, kaimingLogits / 10, "torch logits \(torchLogits) vs kaiming \(kaimingLogits)")
    }
  }

  func testInitializationChoiceIsInTheRecipeAndOldRecipesReadAsTorch() throws {
    let config = ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 4, depth: 0, initialization: .torch)
    XCTAssertEqual(try ModelConfig.fromJSON(config.json()), config)
    let old = #"{"architecture":"cnn","depth":0,"inputShape":[1,28,28],"mean":[],"numClasses":10,"seed":0,"std":[],"width":4}"#
    XCTAssertEqual(try ModelConfig.fromJSON(old).initialization, .torch, "checkpoints before the option were PyTorch-initialized")
    let kaiming = try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 4, depth: 0))
    XCTAssertEqual(kaiming.config.initialization, .kaiming, "the default")
    let biases = kaiming.namedParameters().filter { $0.name.hasSuffix("bias") }
    XCTAssertFalse(biases.isEmpty)
    for (name, b) in biases { XCTAssertEqual(b.storage, [Float](repeating: 0, count: b.count), name) }
  }

  func testDefaultWarmupRampsLinearlyAndStepsAside() {
    var o = TrainingOptions()
    o.learningRate = 0.1
    XCTAssertEqual(o.warmupSteps(total: 1000), 50)
    XCTAssertEqual(o.warmupSteps(total: 30), 10, "at most a third of a short run")
    XCTAssertEqual(o.learningRate(iteration: 0, epoch: 0, total: 1000), 0.1 / 50, accuracy: 1e-12)
    XCTAssertEqual(o.learningRate(iteration: 24, epoch: 0, total: 1000), 0.05, accuracy: 1e-12)
    XCTAssertEqual(o.learningRate(iteration: 50, epoch: 0, total: 1000), 0.1, accuracy: 1e-12)
    o.warmup = 0
    XCTAssertEqual(o.learningRate(iteration: 0, epoch: 0, total: 1000), 0.1, accuracy: 1e-12)
    o.warmup = nil
    o.schedule = .warmup(iterations: 200, start: 0.01, then: .constant)
    XCTAssertEqual(o.warmupSteps(total: 1000), 0, "a schedule with its own warm-up is not warmed up twice")
  }

  /// Recalibration replaces the lagging running statistics by the data's own batch statistics.
  func testBatchNormRecalibrationAveragesTheDataStatistics() throws {
    var rng = RandomGenerator(seed: 5)
    // Channel 0 spread over [0, 3), channel 1 over [0, 1): variances 9 : 1.
    var values = Tensor.uniform([64, 2, 4, 4], low: 0, high: 1, rng: &rng).storage
    for n in 0..<64 { for i in 0..<16 { values[n * 32 + i] *= 3 } }
    let images = Tensor(shape: [64, 2, 4, 4], storage: values)
    let data = try Dataset(name: "u", images: images, labels: [Int](repeating: 0, count: 64), classNames: ["a", "b"])
    let bn = BatchNorm(2), frozen = BatchNorm(2)
    frozen.isFrozen = true
    let net = Sequential([("bn", bn), ("frozen", frozen)])
    net.setTraining(false)
    XCTAssertEqual(try BatchNormRecalibration.recalibrate(net, on: data, batchSize: 16, batches: 4), 1)
    for c in 0..<2 {
      var values: [Float] = []
      for n in 0..<64 { for i in 0..<16 { values.append(images.storage[(n * 2 + c) * 16 + i]) } }
      let mean = values.reduce(0, +) / Float(values.count)
      XCTAssertEqual(bn.runningMean.storage[c], mean, accuracy: 1e-4, "channel \(c): the mean over all four batches")
      XCTAssertEqual(frozen.runningMean.storage[c], 0, "frozen statistics stay")
    }
    XCTAssertEqual(bn.runningVar.storage[1] * 9, bn.runningVar.storage[0], accuracy: bn.runningVar.storage[0] * 0.3)
    XCTAssertFalse(net.isTraining, "the mode is restored")
    XCTAssertFalse(bn.averagesCumulatively)
  }

  /// Measurements for docs/defaults.md (AEGIS_DIAGNOSE=1): per-step loss of the demo recipe's
  /// first 160 steps under both inits, gradient scale at step 0, and the ResNet recipe's BN lag.
  func testDiagnoseFirstStepsAndBatchNormLag() throws {
    guard let which = ProcessInfo.processInfo.environment["AEGIS_DIAGNOSE"] else { throw XCTSkip("set AEGIS_DIAGNOSE=1 (or cnn / resnet) to measure") }
    if which != "resnet" { try diagnoseSmallCNN() }
    if which != "cnn" { try diagnoseResNet() }
  }

  func diagnoseSmallCNN() throws {
    let train = try fashion(.train, 10000), test = try fashion(.test, 1000)
    let seeds: [UInt64] = (ProcessInfo.processInfo.environment["AEGIS_DIAGNOSE_SEEDS"] ?? "3").split(separator: ",").compactMap { UInt64($0) }
    for seed in seeds {
      for (initialization, warmup) in [(WeightInitialization.torch, 0), (.kaiming, 0), (.kaiming, -1)] {
        let model = try smallCNN(initialization, seed: seed)
        let (x, y) = try train.batch(at: 0..<128)
        model.crossEntropyGradientReport(x, y)
        var trace: [Float] = []
        var options = TrainingOptions()
        options.epochs = 2
        options.seed = seed
        options.warmup = warmup < 0 ? nil : warmup
        _ = try Trainer.train(model, on: train, options: options, loss: { model, images, labels, _ in
          let logits = model(images)
          let loss = logits.crossEntropy(labels)
          trace.append(loss.scalar)
          return (loss, logits)
        })
        let every10 = stride(from: 0, to: trace.count, by: 10).map { String(format: "%.2f", trace[$0]) }.joined(separator: " ")
        let acc = try Trainer.accuracy(of: model, on: test)
        print("DIAG cnn seed \(seed) init \(initialization) warmup \(options.warmupSteps(total: trace.count)): test acc \(acc)\n  loss every 10 steps: \(every10)")
      }
    }
  }

  func diagnoseResNet() throws {
    let train = try fashion(.train, 2000), test = try fashion(.test, 500)
    for seed: UInt64 in 1...4 {
      for (initialization, warmup) in [(WeightInitialization.torch, 0), (.kaiming, -1)] {
        let model = try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 8, depth: 8,
                                                       seed: seed, initialization: initialization))
        var options = TrainingOptions()
        options.epochs = 2
        options.batchSize = 64
        options.seed = seed
        options.warmup = warmup < 0 ? nil : warmup
        let h = try Trainer.train(model, on: train, options: options)
        let running = try Trainer.accuracy(of: model, on: test)
        let trainRunning = try Trainer.accuracy(of: model, on: train)
        try BatchNormRecalibration.recalibrate(model, on: train)
        let recalibrated = try Trainer.accuracy(of: model, on: test)
        print(String(format: "DIAG resnet seed %d init %@ warmup %d: train acc (running mean) %.3f, eval on train %.3f, test %.3f, test after BN recalibration %.3f",
                     seed, initialization.rawValue, options.warmupSteps(total: 64), h.records.last!.metrics["acc"]!, trainRunning, running, recalibrated))
      }
    }
  }
}

extension Model {
  /// Prints the logit scale and each weight's gradient norm on one batch (diagnostics only).
  func crossEntropyGradientReport(_ x: Tensor, _ y: [Int]) {
    let logits = self(x)
    let loss = logits.crossEntropy(y)
    loss.backward()
    let mean = logits.storage.reduce(0, +) / Float(logits.count)
    let std = (logits.storage.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(logits.count)).squareRoot()
    let norms = namedParameters().filter { $0.name.hasSuffix("weight") }.map { p -> String in
      let g = p.tensor.grad?.storage ?? []
      return "\(p.name) \(String(format: "%.2e", g.reduce(0) { $0 + $1 * $1 }.squareRoot()))"
    }
    print("DIAG \(config.initialization) seed \(config.seed): initial loss \(loss.scalar), logit std \(std); weight grad norms: \(norms.joined(separator: ", "))")
    zeroGrad()
  }
}
