// Calling models, ensembles and pretext heads from scripts: `net(x)`, `e(x)`, `pre.pretext(x)`.
// The call records the tape exactly when its input does (inside `grad`, where the input derives
// from the leaf being differentiated), so input gradients flow through every model the language
// exposes, while a plain `net(x)` stays cheap. Parameters never record and BN running
// statistics never change: a call is a measurement, not a training step.

import AegisNN
import AegisRobust
import AegisSSL
import AegisTensor

/// The `training:` argument of a model call: eval mode (running statistics) by default, batch
/// statistics with `training: true`; never updates the running statistics.
private func trainingFlag(_ named: [String: Value], accepting: String) throws -> Bool {
  for key in named.keys where key != "training" {
    throw LangError("unknown argument `\(key):`; \(accepting)")
  }
  guard let value = named["training"] else { return false }
  guard case .bool(let b) = value else { throw LangError("training: must be true or false, got \(value.shortDescription)") }
  return b
}

/// `body` run on `classifier` in attack state (modes set, parameters not recording), recording
/// the tape only when `input` records.
func measuredForward(_ classifier: Classifier, input: Tensor, training: Bool, _ body: () -> Tensor) -> Tensor {
  ClassifierState.forAttack(classifier, batchNormInTrainMode: training) {
    withGradMode(GradMode.isEnabled && input.requiresGrad, body)
  }
}

/// A batch [N, C, H, W] from `x` ([C, H, W] or [N, C, H, W]) for a model taking `expected`.
func imageBatch(_ value: Value, expected: [Int]) throws -> Tensor {
  let x = try value.asTensor("the input")
  if x.shape == expected { return x.reshaped([1] + expected) }
  if x.rank == 4, Array(x.shape.dropFirst()) == expected { return x }
  throw LangError("the model expects images of shape [N] + \(expected), got \(x.shape)")
}

let modelCallUsage = "net(x) with x of shape [N, C, H, W] (or one image [C, H, W]); `training: true` uses batch statistics"

extension ModelObject {
  public func call(arguments: [Value], named: [String: Value], interpreter: Interpreter) throws -> Value {
    guard arguments.count == 1 else { throw LangError("a model takes one tensor of images: \(modelCallUsage)") }
    let training = try trainingFlag(named, accepting: modelCallUsage)
    let batch = try imageBatch(arguments[0], expected: model.config.inputShape)
    return .tensor(measuredForward(model, input: batch, training: training) { model(batch) })
  }
}

extension EnsembleObject: AegisCallable {
  public func call(arguments: [Value], named: [String: Value], interpreter: Interpreter) throws -> Value {
    guard arguments.count == 1 else { throw LangError("an ensemble takes one tensor of images: e(x) gives log(mean softmax)") }
    let training = try trainingFlag(named, accepting: "e(x, training: false)")
    guard let first = ensemble.layers.first as? Model else { throw LangError("this ensemble has no models") }
    let batch = try imageBatch(arguments[0], expected: first.config.inputShape)
    try checkFits(ensemble, first.config.inputShape)
    return .tensor(measuredForward(ensemble, input: batch, training: training) { ensemble.logits(batch) })
  }
}

/// A pretrained model's pretext head (`pre.pretext`): `head(x, seed: 0)` transforms the images
/// as the task does (rotations, jigsaw shuffles, masked patches, drawn with `seed`) and returns
/// the pretext scores [N·queries, classes]; `head.labels(x, seed: 0)` gives the matching labels.
public final class PretextObject: AegisObject, AegisCallable {
  public let network: PretextNetwork
  public init(_ network: PretextNetwork) { self.network = network }
  public var typeName: String { "Pretext" }
  public var summary: String { "Pretext head of \(network.model.label): \(network.task.name), \(network.task.classes) classes" }
  public var memberNames: [String] { ["task", "classes"] }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "task": return .object(TaskObject(network.task))
    case "classes": return .number(Double(network.task.classes))
    default: return nil
    }
  }

  /// The task's batch of `images`: its inputs stay on the tape (the transforms are differentiable).
  func batch(_ arguments: [Value], _ named: [String: Value]) throws -> PretextBatch {
    guard arguments.count == 1 else { throw LangError("a pretext head takes one tensor of images: head(x, seed: 0)") }
    for key in named.keys where key != "seed" && key != "training" {
      throw LangError("unknown argument `\(key):`; a pretext head takes seed: and training:")
    }
    let images = try imageBatch(arguments[0], expected: network.model.config.inputShape)
    var rng = RandomGenerator(seed: UInt64(bitPattern: Int64(try named["seed"]?.asInt("seed") ?? 0)))
    do { return try network.task.makeBatch(images: images, rng: &rng) } catch let e as SSLError { throw LangError(e.description) }
  }

  public func call(arguments: [Value], named: [String: Value], interpreter: Interpreter) throws -> Value {
    let b = try batch(arguments, named)
    var rest = named
    rest["seed"] = nil
    let training = try trainingFlag(rest, accepting: "head(x, seed: 0, training: false)")
    let group = PretextLayers(network)
    return .tensor(measuredForward(group, input: b.inputs, training: training) { network.scores(b.inputs, batch: b) })
  }
}

/// The backbone and head of a pretext network, as a classifier for mode handling.
private final class PretextLayers: Classifier {
  let network: PretextNetwork
  init(_ network: PretextNetwork) { self.network = network }
  func logits(_ images: Tensor) -> Tensor { network.model.forward(images) }
  var numClasses: Int { network.task.classes }
  var label: String { network.model.label }
  var layers: [Layer] { network.layers }
}
