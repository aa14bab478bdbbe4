// An ordered chain of named layers.

import AegisTensor

/// Applies its layers in order. Names become parameter-name prefixes (`stage1.conv1.weight`).
public final class Sequential: Layer {
  public private(set) var layers: [(name: String, layer: Layer)]

  public init(_ layers: [(String, Layer)]) {
    self.layers = layers.map { (name: $0.0, layer: $0.1) }
  }

  public override func forward(_ x: Tensor) -> Tensor {
    var y = x
    var i = 0
    while i < layers.count {
      // A convolution or batch norm followed by a ReLU runs as one kernel (for convolutions the
      // ReLU is a oneDNN post-op).
      let nextIsReLU = i + 1 < layers.count && layers[i + 1].layer is ReLU
      if nextIsReLU, let conv = layers[i].layer as? Conv2d {
        y = Profiler.measure("Conv2d") { conv.forward(y, relu: true) }
        i += 2
      } else if nextIsReLU, let norm = layers[i].layer as? BatchNorm {
        y = norm.forward(y, relu: true)
        i += 2
      } else {
        y = layers[i].layer(y)
        i += 1
      }
    }
    return y
  }

  public override var children: [(name: String, layer: Layer)] { layers }
  public override var summary: String { "Sequential(\(layers.count))" }
}
