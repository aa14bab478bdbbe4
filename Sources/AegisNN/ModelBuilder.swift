// Builders for the model families: `mlp`, `cnn` (the anchors' SmallCNN, same parameter names)
// and `resnet` (pre-activation ResNets: the anchors' PreActResNetMini at depth 8, up to the
// paper's ResNet-50v2 at depth 50).

import AegisTensor

public enum ModelBuilder {
  /// Builds a model from its recipe (weights initialized from `config.seed`). `layout` is how a
  /// ResNet or SmallCNN keeps its activations (same weights, same function; blocked and
  /// channels-last are faster, see docs/performance.md); an MLP has none to keep.
  public static func build(_ config: ModelConfig, layout: ActivationLayout = .preferred) throws -> Model {
    try validate(config)
    let layout = config.architecture == "mlp" ? .channelsFirst : layout.supporting(channels: config.width)
    var rng = RandomGenerator(seed: config.seed)
    let backbone = try makeBackbone(config, layout: layout, rng: &rng)
    let head = try self.head(for: config, outputs: config.numClasses, layout: layout, rng: &rng)
    let normalize = config.mean.isEmpty ? nil : Normalize(mean: config.mean, std: config.std)
    return Model(config: config, normalize: normalize, backbone: backbone, head: head, layout: layout)
  }

  static func validate(_ c: ModelConfig) throws {
    guard c.inputShape.count == 3, c.inputShape.allSatisfy({ $0 > 0 }) else {
      throw ModelConfigError("input shape must be [channels, height, width], got \(c.inputShape)")
    }
    guard c.numClasses >= 2 else { throw ModelConfigError("a classifier needs at least 2 classes, got \(c.numClasses)") }
    guard c.width >= 1 else { throw ModelConfigError("width must be at least 1, got \(c.width)") }
    guard c.mean.count == c.std.count, c.mean.isEmpty || c.mean.count == c.inputShape[0] else {
      throw ModelConfigError("normalization needs one mean and one std per input channel (\(c.inputShape[0]))")
    }
    if c.architecture == "resnet" {
      guard ResNetLayout(depth: c.depth) != nil else {
        throw ModelConfigError("resnet depth must be one of 8, 14, 20, 18, 34, 50 (got \(c.depth)); 8 is the small default, 50 the paper's ResNet-50v2")
      }
    }
    if c.architecture == "cnn", c.inputShape[1] % 4 != 0 || c.inputShape[2] % 4 != 0 {
      throw ModelConfigError("cnn needs height and width divisible by 4 (two 2×2 max-pools), got \(c.inputShape)")
    }
    guard ["mlp", "cnn", "resnet"].contains(c.architecture) else {
      throw ModelConfigError("unknown architecture \"\(c.architecture)\": use mlp, cnn or resnet")
    }
  }

  static func makeBackbone(_ c: ModelConfig, layout: ActivationLayout, rng: inout RandomGenerator) throws -> Sequential {
    switch c.architecture {
    case "mlp": return mlpBackbone(c, rng: &rng)
    case "cnn": return cnnBackbone(c, layout: layout, rng: &rng)
    default: return try resnetParts(c, layout: layout, rng: &rng).backbone
    }
  }

  /// The head of `config`'s architecture with `outputs` classes, for a backbone in `layout`.
  public static func head(for c: ModelConfig, outputs: Int, layout: ActivationLayout = .channelsFirst,
                          rng: inout RandomGenerator) throws -> Layer {
    switch c.architecture {
    case "mlp":
      return Sequential([("fc\(c.depth + 1)", Linear(inputSize: c.width, outputSize: outputs, initialization: c.initialization, rng: &rng))])
    case "cnn":
      let w = c.width
      let flat = 2 * w * (c.inputShape[1] / 4) * (c.inputShape[2] / 4)
      return Sequential([
        ("flatten", Flatten(layout: layout)), ("fc1", Linear(inputSize: flat, outputSize: 200, initialization: c.initialization, rng: &rng)), ("relu5", ReLU()),
        ("fc2", Linear(inputSize: 200, outputSize: outputs, initialization: c.initialization, rng: &rng)),
      ])
    default:
      var headRng = rng
      let parts = try resnetParts(c, layout: layout, rng: &headRng, headOutputs: outputs)
      rng = headRng
      return parts.head
    }
  }

  // MARK: MLP

  static func mlpBackbone(_ c: ModelConfig, rng: inout RandomGenerator) -> Sequential {
    var layers: [(String, Layer)] = [("flatten", Flatten())]
    var inputs = c.inputShape.reduce(1, *)
    for i in 1...max(c.depth, 1) {
      layers.append(("fc\(i)", Linear(inputSize: inputs, outputSize: c.width, initialization: c.initialization, rng: &rng)))
      layers.append(("relu\(i)", ReLU()))
      inputs = c.width
    }
    return Sequential(layers)
  }

  // MARK: SmallCNN

  /// `layout` as for ResNets: the first convolution reads the images as `layout.imageLayout`
  /// says, every later activation stays in `layout` (no reorders around oneDNN's kernels).
  static func cnnBackbone(_ c: ModelConfig, layout: ActivationLayout = .channelsFirst, rng: inout RandomGenerator) -> Sequential {
    let w = c.width, ch = c.inputShape[0], i = c.initialization
    func conv(_ inputs: Int, _ outputs: Int, first: Bool = false) -> Conv2d {
      Conv2d(inputs, outputs, kernel: 3, padding: 1, initialization: i, layout: layout,
             inputLayout: first ? layout.imageLayout : layout, rng: &rng)
    }
    return Sequential([
      ("conv1", conv(ch, w, first: true)), ("relu1", ReLU()),
      ("conv2", conv(w, w)), ("relu2", ReLU()),
      ("pool1", MaxPool2d(kernel: 2, layout: layout)),
      ("conv3", conv(w, 2 * w)), ("relu3", ReLU()),
      ("conv4", conv(2 * w, 2 * w)), ("relu4", ReLU()),
      ("pool2", MaxPool2d(kernel: 2, layout: layout)),
    ])
  }
}
