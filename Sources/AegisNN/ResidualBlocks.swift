// Pre-activation residual blocks (He et al. 2016, "Identity Mappings in Deep Residual Networks").

import AegisTensor

/// Basic pre-activation block: out = conv2(relu(bn2(conv1(relu(bn1(x)))))) + shortcut, where the
/// shortcut is x, or a 1×1 strided conv of relu(bn1(x)) when the shape changes
/// (the PreActResNet used in adversarial training; `PreActBlock` in the anchors' models.py).
public final class PreActBasicBlock: Layer {
  let bn1: BatchNorm, conv1: Conv2d, bn2: BatchNorm, conv2: Conv2d
  let shortcut: Conv2d?

  public init(_ inPlanes: Int, _ planes: Int, stride: Int, initialization i: WeightInitialization = .kaiming,
              layout l: ActivationLayout = .channelsFirst, rng: inout RandomGenerator) {
    bn1 = BatchNorm(inPlanes, layout: l)
    conv1 = Conv2d(inPlanes, planes, kernel: 3, stride: stride, padding: 1, bias: false, initialization: i, layout: l, rng: &rng)
    bn2 = BatchNorm(planes, layout: l)
    conv2 = Conv2d(planes, planes, kernel: 3, padding: 1, bias: false, initialization: i, layout: l, rng: &rng)
    shortcut = (stride != 1 || inPlanes != planes)
      ? Conv2d(inPlanes, planes, kernel: 1, stride: stride, bias: false, initialization: i, layout: l, rng: &rng) : nil
  }

  public override func forward(_ x: Tensor) -> Tensor {
    let pre = bn1.forward(x, relu: true)
    let skip = shortcut.map { $0(pre) } ?? x
    return conv2(bn2.forward(conv1(pre), relu: true)) + skip
  }

  public override var children: [(name: String, layer: Layer)] {
    [("bn1", bn1), ("conv1", conv1), ("bn2", bn2), ("conv2", conv2)] + (shortcut.map { [("shortcut", $0)] } ?? [])
  }
  public override var summary: String { "PreActBasicBlock(\(conv1.weight.shape[1])→\(conv2.weight.shape[0]), stride \(conv1.stride))" }
}

/// Pre-activation bottleneck of ResNet-50v2 as in the paper's code (method.md §2):
/// pre = relu(bn0(x)); 1×1 → BN → ReLU → 3×3 (stride) → BN → ReLU → 1×1 (×4 channels);
/// shortcut = x when shapes match, else BN(1×1 strided conv(pre)).
public final class PreActBottleneck: Layer {
  static let expansion = 4
  let bn0: BatchNorm, conv1: Conv2d, bn1: BatchNorm, conv2: Conv2d, bn2: BatchNorm, conv3: Conv2d
  let shortcut: Sequential?

  public init(_ inPlanes: Int, _ planes: Int, stride: Int, initialization i: WeightInitialization = .kaiming,
              layout l: ActivationLayout = .channelsFirst, rng: inout RandomGenerator) {
    let out = planes * Self.expansion
    bn0 = BatchNorm(inPlanes, layout: l)
    conv1 = Conv2d(inPlanes, planes, kernel: 1, bias: false, initialization: i, layout: l, rng: &rng)
    bn1 = BatchNorm(planes, layout: l)
    conv2 = Conv2d(planes, planes, kernel: 3, stride: stride, padding: 1, bias: false, initialization: i, layout: l, rng: &rng)
    bn2 = BatchNorm(planes, layout: l)
    conv3 = Conv2d(planes, out, kernel: 1, bias: false, initialization: i, layout: l, rng: &rng)
    shortcut = (stride != 1 || inPlanes != out)
      ? Sequential([("0", Conv2d(inPlanes, out, kernel: 1, stride: stride, bias: false, initialization: i, layout: l, rng: &rng)), ("1", BatchNorm(out, layout: l))])
      : nil
  }

  public override func forward(_ x: Tensor) -> Tensor {
    let pre = bn0.forward(x, relu: true)
    let skip = shortcut.map { $0(pre) } ?? x
    let h = bn2.forward(conv2(bn1.forward(conv1(pre), relu: true)), relu: true)
    return conv3(h) + skip
  }

  public override var children: [(name: String, layer: Layer)] {
    [("bn0", bn0), ("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3)]
      + (shortcut.map { [("shortcut", $0)] } ?? [])
  }
  public override var summary: String { "PreActBottleneck(\(conv1.weight.shape[1])→\(conv3.weight.shape[0]), stride \(conv2.stride))" }
}
