// What an attack can target: anything that maps images in [0, 1] to class scores.

import AegisNN
import AegisTensor

/// A model seen by attacks and evaluations: images in [0, 1] → logits [N, classes].
public protocol Classifier: AnyObject {
  /// Logits (or log-probabilities) of images in [0, 1].
  func logits(_ images: Tensor) -> Tensor
  var numClasses: Int { get }
  var label: String { get }
  /// Every layer, so attacks can set modes and freeze parameters.
  var layers: [Layer] { get }
}

extension Model: Classifier {
  public func logits(_ images: Tensor) -> Tensor { forward(images) }
  public var numClasses: Int { numOutputs }
  public var layers: [Layer] { [self] }
}

/// Several classifiers averaging their probabilities; its "logits" are log(mean softmax), so
/// softmax of them is the ensemble's probability and CE on them is the ensemble's NLL
/// (attacked as one model, method.md §7.2 and anchors-robustness §4.3).
public final class ModelEnsemble: Classifier {
  public let members: [Classifier]
  public var label: String

  public init(_ members: [Classifier], label: String? = nil) {
    self.members = members
    self.label = label ?? "ensemble(\(members.map(\.label).joined(separator: ", ")))"
  }

  public func logits(_ images: Tensor) -> Tensor {
    let probabilities = members.map { $0.logits(images).softmax() }
    let mean = probabilities.dropFirst().reduce(probabilities[0], +) * (1 / Float(members.count))
    return (mean + 1e-12).log()
  }

  public var numClasses: Int { members.first?.numClasses ?? 0 }
  public var layers: [Layer] { members.flatMap(\.layers) }
}

/// Mode handling around attacks and evaluations.
public enum ClassifierState {
  /// Runs `body` with every layer in eval mode (or train mode with running statistics left
  /// alone), parameters not recording gradients; restores everything afterwards.
  public static func forAttack<T>(_ classifier: Classifier, batchNormInTrainMode: Bool = false, _ body: () throws -> T) rethrows -> T {
    let layers = classifier.layers.flatMap { $0.allLayers() }
    let modes = layers.map(\.isTraining)
    let parameters = classifier.layers.flatMap(\.parameters)
    let flags = parameters.map(\.requiresGrad)
    let norms = layers.compactMap { $0 as? BatchNorm }
    let updates = norms.map(\.updatesRunningStatistics)
    for l in classifier.layers { l.setTraining(batchNormInTrainMode) }
    for p in parameters { p.requiresGrad = false }
    for bn in norms { bn.updatesRunningStatistics = false }
    defer {
      for (l, m) in zip(layers, modes) { l.setTrainingFlagOnly(m) }
      for (p, f) in zip(parameters, flags) { p.requiresGrad = f }
      for (bn, u) in zip(norms, updates) { bn.updatesRunningStatistics = u }
    }
    return try body()
  }
}
