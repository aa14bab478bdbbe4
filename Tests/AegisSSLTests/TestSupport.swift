// Shared fixtures: small Fashion-MNIST subsets (skipped when the data is not installed), small
// models, and a timer that prints how long each measured step took.

import AegisData
import AegisNN
import AegisRobust
import AegisTensor
import Foundation
import XCTest

enum Fixtures {
  /// The first `limit` images of a Fashion-MNIST split, or a skip when the files are missing.
  static func fashion(_ split: DatasetSplit, limit: Int) throws -> Dataset {
    let directory = FashionMNIST.defaultDirectory
    guard FileManager.default.fileExists(atPath: directory + "/train-images-idx3-ubyte.gz")
      || FileManager.default.fileExists(atPath: directory + "/train-images-idx3-ubyte")
    else { throw XCTSkip("Fashion-MNIST not found at \(directory)") }
    return try FashionMNIST.load(split: split, limit: limit)
  }

  /// A pre-activation ResNet-8 for 28×28 grayscale images.
  static func resnet(width: Int = 8, seed: UInt64 = 0, inputShape: [Int] = [1, 28, 28], classes: Int = 10) throws -> Model {
    try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: inputShape, numClasses: classes, width: width, depth: 8, seed: seed))
  }

  /// Uniform images `[n, c, h, w]` from a seed.
  static func images(_ n: Int, _ c: Int, _ h: Int, _ w: Int, seed: UInt64 = 1) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.uniform([n, c, h, w], rng: &rng)
  }

  /// Training options with the given budget and the paper's cosine schedule (short runs need
  /// it: at a constant rate the BN running statistics lag the weights and eval accuracy drops).
  static func training(epochs: Int, batchSize: Int = 64, learningRate: Double = 0.05, seed: UInt64 = 0) -> TrainingOptions {
    var o = TrainingOptions()
    o.schedule = .cosine(minimum: 0)
    o.epochs = epochs
    o.batchSize = batchSize
    o.learningRate = learningRate
    o.momentum = 0.9
    o.seed = seed
    return o
  }
}

/// Measures and prints a step's wall time.
func timed<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
  let start = Date()
  defer { print(String(format: "[time] %@: %.2fs", label, Date().timeIntervalSince(start))) }
  return try body()
}

extension Fixtures {
  /// L∞ PGD at ε = 0.1 with `steps` steps of 0.025 (cheap training-time budgets in tests).
  static func pgd(steps: Int, epsilon: Double = 0.1, seed: UInt64 = 0) throws -> Attack {
    var s = AttackSettings()
    s.epsilon = epsilon
    s.step = 2.5 * epsilon / Double(steps)
    s.steps = steps
    s.seed = seed
    return try Attack(kind: .pgd, settings: s)
  }

  /// Every tensor of a layer's state, by name.
  static func state(_ layer: Layer) -> [String: [Float]] {
    Dictionary(layer.stateDict().map { ($0.name, $0.tensor.storage) }, uniquingKeysWith: { a, _ in a })
  }
}
