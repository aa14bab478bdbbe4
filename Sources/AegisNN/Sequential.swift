// An ordered chain of named layers.

import AegisTensor

/// Applies its layers in order. Names become parameter-name prefixes (`stage1.conv1.weight`).
public final class Sequential: Layer {
  public private(set) var layers: [(name: String, layer: Layer)]

  public init(_ layers: [(String, Layer)]) {
    self.layers = layers.map { (name: $0.0, layer: $0.1) }
  }

  public override func forward(_ x: Tensor) -> Tensor {
    layers.reduce(x) { $1.layer($0) }
  }

  public override var children: [(name: String, layer: Layer)] { layers }
  public override var summary: String { "Sequential(\(layers.count))" }
}
