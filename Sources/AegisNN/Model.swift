// A classifier split into a transferable backbone and a replaceable head, with the input
// normalization inside (inputs stay in [0, 1], so attacks clip to the valid range).

import AegisTensor

/// normalize → backbone (the transferable blocks, θp) → head (the rest, replaced per task).
public final class Model: Layer {
  public let config: ModelConfig
  public let normalize: Normalize?
  public let backbone: Sequential
  public private(set) var head: Layer
  /// Free-form label shown in summaries and plots ("P3F4 rotation").
  public var label: String
  /// How the backbone and head store 4-D activations. Inputs are always [N, C, H, W] in [0, 1]
  /// (converted to `activationLayout.imageLayout` for the first convolution); `features` come
  /// out in this layout.
  public let activationLayout: ActivationLayout

  init(config: ModelConfig, normalize: Normalize?, backbone: Sequential, head: Layer, layout: ActivationLayout) {
    self.config = config
    self.activationLayout = layout
    self.normalize = normalize
    self.backbone = backbone
    self.head = head
    self.label = config.architecture
  }

  /// Backbone features of images [N, C, H, W] in [0, 1], in `activationLayout`.
  public func features(_ x: Tensor) -> Tensor {
    let normalized = normalize.map { $0(x) } ?? x
    return backbone(normalized.rank == 4 ? normalized.inLayout(activationLayout.imageLayout) : normalized)
  }

  /// `features` pooled to one vector per image: [N, C] (flattened for non-convolutional backbones).
  public func pooledFeatures(_ x: Tensor) -> Tensor {
    let f = features(x)
    return activationLayout.isSpatial(rank: f.rank) ? f.globalAvgPool(layout: activationLayout) : f.flattenedBatch()
  }

  /// The channel count of a 4-D feature map from `features`.
  public func featureChannels(_ features: Tensor) -> Int { activationLayout.channels(of: features.shape) }

  public override func forward(_ x: Tensor) -> Tensor { head(features(x)) }

  /// Replaces the head (e.g. a 4-way rotation head, or a fresh 10-way head for fine-tuning).
  public func replaceHead(_ newHead: Layer) {
    newHead.setTraining(isTraining)
    head = newHead
  }

  /// A fresh head of this architecture with `outputs` classes.
  public func makeHead(outputs: Int, seed: UInt64) -> Layer {
    var rng = RandomGenerator(seed: seed)
    return (try? ModelBuilder.head(for: config, outputs: outputs, layout: activationLayout, rng: &rng))
      ?? Linear(inputSize: 1, outputSize: outputs, rng: &rng)
  }

  public var numOutputs: Int {
    (head.namedParameters().last { $0.name.hasSuffix("weight") }?.tensor.shape.first) ?? config.numClasses
  }

  public override var children: [(name: String, layer: Layer)] {
    // Backbone and head children sit at the top level, so names match PyTorch's (conv1.weight).
    (normalize.map { [("normalize", $0 as Layer)] } ?? []) + backbone.children
      + ((head as? Sequential)?.children ?? [("head", head)])
  }

  /// A deep copy with the same weights, buffers, head and frozen state.
  public func copy() -> Model {
    let clone = (try? ModelBuilder.build(config, layout: activationLayout)) ?? self
    if clone === self { return self }
    clone.replaceHead(makeHead(outputs: numOutputs, seed: 0))
    let source = Dictionary(stateDict().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
    for (name, t) in clone.stateDict() { if let s = source[name], s.shape == t.shape { t.storage = s.storage } }
    for (mine, theirs) in zip(namedParameters(), clone.namedParameters()) { theirs.tensor.requiresGrad = mine.tensor.requiresGrad }
    for (mine, theirs) in zip(allLayers(), clone.allLayers()) {
      if let a = mine as? BatchNorm, let b = theirs as? BatchNorm { b.isFrozen = a.isFrozen }
    }
    clone.label = label
    clone.setTraining(isTraining)
    return clone
  }

  /// One line per layer with parameter counts, then the totals (Flux/Keras style).
  public func summaryTable() -> String {
    var lines = ["Model \(label): \(config.architecture), input \(config.inputShape), \(numOutputs) outputs"]
    func visit(_ layer: Layer, _ name: String, _ depth: Int, _ part: String) {
      let own = layer.ownParameters.reduce(0) { $0 + $1.tensor.count }
      let total = layer.parameterCount
      let pad = String(repeating: "  ", count: depth)
      let text = "\(pad)\(name.isEmpty ? "" : name + ": ")\(layer.summary)"
      let count = layer.children.isEmpty ? (own > 0 ? "\(own)" : "") : "\(total)"
      lines.append(text.padding(toLength: max(46, text.count + 1), withPad: " ", startingAt: 0) + count.leftPadded(10) + "  " + part)
      for child in layer.children where !(child.layer is ReLU) {
        visit(child.layer, child.name, depth + 1, part)
      }
    }
    if let normalize { visit(normalize, "normalize", 1, "") }
    for child in backbone.children where !(child.layer is ReLU) { visit(child.layer, child.name, 1, "backbone") }
    for child in ((head as? Sequential)?.children ?? [("head", head)]) where !(child.layer is ReLU) {
      visit(child.layer, child.name, 1, "head")
    }
    let trainable = parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.count }
    let buffers = namedBuffers().reduce(0) { $0 + $1.tensor.count }
    lines.append("total \(parameterCount) parameters (\(trainable) trainable), \(buffers) buffer values, backbone \(backbone.parameterCount)")
    return lines.joined(separator: "\n")
  }
}

extension String {
  func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
