// How conv and linear weights start. The default for the ReLU networks the builders make is
// He/Kaiming-normal (fan-in, ReLU gain √2, zero bias): it keeps the activation scale from layer
// to layer. PyTorch's default (Kaiming-uniform with a = √5, i.e. U(±1/√fan_in) for weights and
// biases) shrinks each ReLU layer's output by about √6, so a plain stack like SmallCNN starts
// with near-constant logits and can sit on the loss plateau at ln 10 ≈ 2.30 for hundreds of
// SGD steps (measured in docs/defaults.md). "torch" stays available for side-by-side runs with
// the PyTorch anchors.

import AegisTensor

/// The weight initialization of a model's conv and linear layers.
public enum WeightInitialization: String, Codable, CaseIterable, Sendable {
  /// He/Kaiming normal N(0, 2/fan_in), zero bias (the default for ReLU networks).
  case kaiming
  /// PyTorch's default for nn.Conv2d/nn.Linear: U(±1/√fan_in) for weight and bias.
  case torch

  /// A weight tensor of `shape` with `fanIn` inputs per output unit.
  func weight(_ shape: [Int], fanIn: Int, rng: inout RandomGenerator) -> Tensor {
    switch self {
    case .kaiming: return .kaimingNormal(shape, fanIn: fanIn, rng: &rng)
    case .torch: return .kaimingUniform(shape, fanIn: fanIn, rng: &rng)
    }
  }

  /// A bias of `count` values for a layer with `fanIn` inputs per output unit.
  func bias(_ count: Int, fanIn: Int, rng: inout RandomGenerator) -> Tensor {
    switch self {
    case .kaiming: return .zeros([count])
    case .torch: return .kaimingUniform([count], fanIn: fanIn, rng: &rng)
    }
  }
}
