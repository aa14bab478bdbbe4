// Model builtins: the architectures (mlp, cnn = the anchors' SmallCNN, resnet = pre-activation
// ResNets up to the paper's ResNet-50v2), summaries, copies and freezing (files: Builtins+IO.swift).

import AegisData
import AegisNN
import AegisTensor
import Foundation

/// Registers the model family.
public func registerModelBuiltins(into registry: BuiltinRegistry) {
  registry.register([mlpBuiltin, cnnBuiltin, resnetBuiltin, summaryBuiltin, copyBuiltin, freezeBuiltin])
}

/// Parameters shared by the builders: where the input shape and class count come from.
private let shapeParameters: [Parameter] = [
  Parameter("data", .optional(.object("Dataset")), default: .nil, doc: "take the input shape and class count from this dataset"),
  Parameter("input", .optional(.shape), default: .nil, doc: "input shape [C, H, W] (default [1, 28, 28], Fashion-MNIST)"),
  Parameter("classes", .optional(.int), default: .nil, doc: "number of classes (default 10)"),
  Parameter("normalize", .optional(.list), default: .nil, doc: "[mean list, std list] applied inside the model (inputs stay in [0,1])"),
  Parameter("seed", .optional(.int), default: .nil, doc: "initialization seed (default: the session seed)"),
  Parameter("init", .choice(["kaiming", "torch"]), default: .string("kaiming"),
            doc: "weight init: He/Kaiming normal with zero bias (learns from the first steps), or PyTorch's default U(±1/√fan_in) for side-by-side runs with the anchors"),
  Parameter("label", .optional(.string), default: .nil, doc: "name shown in summaries, tables and plot legends"),
]

private func config(_ architecture: String, width: Int, depth: Int, _ args: BoundArguments, _ interp: Interpreter) throws -> ModelConfig {
  let data = try args.optionalObject("data", as: DatasetObject.self)?.dataset
  let input = try args.has("input") ? args.shape("input") : (data?.imageShape ?? [1, 28, 28])
  let classes = try args.optionalInt("classes") ?? data?.numClasses ?? 10
  var mean: [Float] = [], std: [Float] = []
  if args.has("normalize") {
    let parts = try args.list("normalize")
    guard parts.count == 2 else { throw args.error("normalize takes [mean, std], e.g. normalize: [[0.5], [0.25]]") }
    mean = try parts[0].asTensor("normalize mean").storage
    std = try parts[1].asTensor("normalize std").storage
    guard std.allSatisfy({ $0 > 0 }) else { throw args.error("normalize std values must be positive") }
  }
  let seed = try args.optionalInt("seed").map { UInt64($0) } ?? interp.random.next()
  let initialization = WeightInitialization(rawValue: try args.string("init")) ?? .kaiming
  return ModelConfig(architecture: architecture, inputShape: input, numClasses: classes, width: width, depth: depth,
                     mean: mean, std: std, seed: seed, initialization: initialization)
}

private func build(_ c: ModelConfig, _ args: BoundArguments) throws -> Value {
  do {
    let model = try ModelBuilder.build(c)
    if let label = try args.optionalString("label") { model.label = label }
    return .object(ModelObject(model))
  } catch let e as ModelConfigError { throw args.error(e.message) }
}

private let mlpBuiltin = Builtin(
  name: "mlp", category: "model", summary: "A multilayer perceptron: `depth` hidden ReLU layers of `width` units.",
  parameters: [Parameter("width", .int, default: .number(256), doc: "hidden units per layer"),
               Parameter("depth", .int, default: .number(2), doc: "number of hidden layers")] + shapeParameters,
  returns: "Model", example: "net = mlp(width: 64, depth: 1)"
) { args, interp in
  try build(config("mlp", width: try args.int("width"), depth: try args.int("depth"), args, interp), args)
}

private let cnnBuiltin = Builtin(
  name: "cnn", category: "model", summary: "SmallCNN: 4 conv3×3 (w, w, 2w, 2w) + 2 max-pools + fc 200 + fc (the anchors' reference model).",
  details: "With width 32 on 28×28×1 inputs it is exactly `SmallCNN` of shared/anchors/torch/models.py: 694,402 parameters, same names (conv1.weight … fc2.bias). Backbone = the convolutions, head = the fully connected layers. Activations are stored as for `resnet` (blocked nChw16c on AVX-512, channels-last on AVX2 or for widths that are not multiples of 16; `m.layout` tells which, `AEGIS_LAYOUT` forces one); the head flattens in [C, H, W] order, so weights and checkpoints are those of the channels-first model.",
  parameters: [Parameter("width", .int, default: .number(32), doc: "channels of the first two convolutions")] + shapeParameters,
  returns: "Model", example: "net = cnn()"
) { args, interp in
  try build(config("cnn", width: try args.int("width"), depth: 0, args, interp), args)
}

private let resnetBuiltin = Builtin(
  name: "resnet", category: "model", summary: "A pre-activation ResNet; depth 8 (default, small) … 50 (the paper's ResNet-50v2).",
  details: "Depth 8/14/20: three stages of 1/2/3 basic blocks (widths w, 2w, 4w; depth 8 = the anchors' PreActResNetMini). Depth 18/34: four basic stages. Depth 50: bottleneck stages [3, 4, 6, 3] with the paper's names (conv1, bn1, layer1…4, linear) and no final BN. The backbone (θp, transferred by fine-tuning) is every stage but the last; the head is the last stage, pooling and the linear layer. Inside, activations are stored in the layout oneDNN convolves fastest on this machine without layout copies: blocked nChw16c on AVX-512, channels-last NHWC on AVX2 (≈1.3× faster training than NCHW; `m.layout` tells which); inputs, attacks and checkpoints stay [N, C, H, W]. `AEGIS_LAYOUT=nchw|nhwc|nChw16c` forces one.",
  parameters: [Parameter("depth", .int, default: .number(8), doc: "8, 14, 20, 18, 34 or 50"),
               Parameter("width", .int, default: .number(16), doc: "channels of the first stage")] + shapeParameters,
  returns: "Model", example: "net = resnet(depth: 8, width: 8)",
  paperReference: "He et al. 2016 (pre-activation ResNets); Chen et al. CVPR 2020 §2 (ResNet-50v2)"
) { args, interp in
  try build(config("resnet", width: try args.int("width"), depth: try args.int("depth"), args, interp), args)
}

private let summaryBuiltin = Builtin(
  name: "summary", category: "model", summary: "Print a model's layers with parameter counts, backbone and head.",
  parameters: [Parameter("model", .object("Model"), doc: "the model")],
  returns: "nil", example: "summary cnn()"
) { args, interp in
  interp.output(try args.object("model", as: ModelObject.self).model.summaryTable())
  return .nil
}

private let copyBuiltin = Builtin(
  name: "copy", category: "model", summary: "A deep copy of a model (weights, statistics, head, frozen state).",
  parameters: [Parameter("model", .object("Model"), doc: "the model"),
               Parameter("label", .optional(.string), default: .nil, doc: "a new label")],
  returns: "Model", example: "a = cnn()\nb = copy(a, label: \"b\")"
) { args, _ in
  let clone = try args.object("model", as: ModelObject.self).model.copy()
  if let label = try args.optionalString("label") { clone.label = label }
  return .object(ModelObject(clone))
}

private let freezeBuiltin = Builtin(
  name: "freeze", category: "model", summary: "Freeze (or unfreeze) a model's backbone: weights and BN statistics stop changing.",
  parameters: [Parameter("model", .object("Model"), doc: "the model"),
               Parameter("frozen", .bool, default: .bool(true), doc: "false to unfreeze")],
  returns: "Model", example: "net = cnn()\nfreeze net"
) { args, _ in
  let m = try args.object("model", as: ModelObject.self)
  m.model.backbone.setFrozen(try args.bool("frozen"))
  return .object(m)
}
