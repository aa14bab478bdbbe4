// Shared fixtures: small trained Fashion-MNIST models (trained once per test process) and a
// deliberately gradient-masked model for the sanity flags.

import AegisData
import AegisNN
import AegisRobust
import AegisTensor
import Foundation
import XCTest

enum Fixtures {
  static func fashion(_ split: DatasetSplit, _ n: Int) throws -> Dataset {
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    return try FashionMNIST.load(split: split, limit: n)
  }

  /// A standard MLP trained for 3 epochs on 6,000 images (≈80 % test accuracy), built once.
  nonisolated(unsafe) static var cachedStandard: Model?
  static func standardModel() throws -> Model {
    if let m = cachedStandard { return m }
    let model = try standardModel(seed: 1)
    cachedStandard = model
    return model
  }

  /// The standard model's recipe with its init and shuffling seed (for the seed sweep).
  static func standardModel(seed: UInt64) throws -> Model {
    let train = try fashion(.train, 6000)
    let model = try ModelBuilder.build(ModelConfig(architecture: "mlp", inputShape: [1, 28, 28], width: 128, depth: 2, seed: seed))
    var options = TrainingOptions()
    options.epochs = 3
    options.learningRate = 0.05
    options.batchSize = 64
    options.seed = seed
    _ = try Trainer.train(model, on: train, options: options)
    model.label = "standard"
    return model
  }

  static func attack(_ kind: AttackKind, eps: Double = 0.1, _ configure: (inout AttackSettings) -> Void = { _ in }) throws -> Attack {
    var s = AttackSettings()
    s.epsilon = eps
    configure(&s)
    return try Attack(kind: kind, settings: s)
  }
}

/// A classifier that rounds its input to 4 gray levels first: its input gradient is zero
/// almost everywhere, so gradient attacks fail while black-box ones do not (gradient masking).
final class QuantizedClassifier: Classifier {
  let inner: Model
  init(_ inner: Model) { self.inner = inner }
  func logits(_ images: Tensor) -> Tensor { inner.logits(images.quantized(levels: 4)) }
  var numClasses: Int { inner.numClasses }
  var label: String { "quantized(\(inner.label))" }
  var layers: [Layer] { inner.layers }
}
