// 2-D convolution layer, weight [out, in, kh, kw] (OIHW) as in PyTorch.

import AegisTensor

/// Convolution over [N, C, H, W] inputs with square kernels. Activations are stored in `layout`
/// (the input in `inputLayout`: a ResNet's stem reads channels-first images). The weight is OIHW
/// in every layout, so checkpoints do not depend on it.
public final class Conv2d: Layer {
  public let weight: Tensor
  public let bias: Tensor?
  public let stride: Int
  public let padding: Int
  public let layout: ActivationLayout
  public let inputLayout: ActivationLayout

  public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
              bias useBias: Bool = true, initialization: WeightInitialization = .torch, layout: ActivationLayout = .channelsFirst,
              inputLayout: ActivationLayout? = nil, rng: inout RandomGenerator) {
    let fanIn = inChannels * kernel * kernel
    weight = parameter(initialization.weight([outChannels, inChannels, kernel, kernel], fanIn: fanIn, rng: &rng))
    bias = useBias ? parameter(initialization.bias(outChannels, fanIn: fanIn, rng: &rng)) : nil
    self.stride = stride
    self.padding = padding
    self.layout = layout
    self.inputLayout = inputLayout ?? layout
  }

  public override func forward(_ x: Tensor) -> Tensor {
    x.conv2d(weight, bias: bias, stride: stride, padding: padding, layout: layout, inputLayout: inputLayout)
  }

  /// The convolution with ReLU applied to its output (one fused kernel).
  public func forward(_ x: Tensor, relu: Bool) -> Tensor {
    x.conv2d(weight, bias: bias, stride: stride, padding: padding, relu: relu, layout: layout, inputLayout: inputLayout)
  }

  public override var ownParameters: [(name: String, tensor: Tensor)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public override var summary: String {
    let k = weight.shape[2]
    var s = "Conv2d(\(weight.shape[1])→\(weight.shape[0]), \(k)×\(k)"
    if stride != 1 { s += ", stride \(stride)" }
    if padding != 0 { s += ", pad \(padding)" }
    return s + (bias == nil ? ", no bias)" : ")")
  }
}
