// Parameter-free layers: activations, pooling, flattening, dropout.

import AegisTensor

public final class ReLU: Layer {
  public override func forward(_ x: Tensor) -> Tensor { x.relu() }
  public override var summary: String { "ReLU" }
}

public final class GELU: Layer {
  public override func forward(_ x: Tensor) -> Tensor { x.gelu() }
  public override var summary: String { "GELU" }
}

public final class MaxPool2d: Layer {
  public let kernel: Int, stride: Int
  /// How its input activations are stored (channels-first, channels-last or blocked).
  public let layout: ActivationLayout
  public init(kernel: Int, stride: Int? = nil, layout: ActivationLayout = .channelsFirst) {
    self.kernel = kernel
    self.stride = stride ?? kernel
    self.layout = layout
  }
  public override func forward(_ x: Tensor) -> Tensor { x.maxPool2d(kernel: kernel, stride: stride, layout: layout) }
  public override var summary: String { "MaxPool2d(\(kernel))" }
}

public final class AvgPool2d: Layer {
  public let kernel: Int, stride: Int
  public init(kernel: Int, stride: Int? = nil) { self.kernel = kernel; self.stride = stride ?? kernel }
  public override func forward(_ x: Tensor) -> Tensor { x.avgPool2d(kernel: kernel, stride: stride) }
  public override var summary: String { "AvgPool2d(\(kernel))" }
}

/// Mean over the spatial axes: [N, C, H, W] (or channels-last [N, H, W, C]) → [N, C].
public final class GlobalAvgPool: Layer {
  public let layout: ActivationLayout
  public init(layout: ActivationLayout = .channelsFirst) { self.layout = layout }
  public override func forward(_ x: Tensor) -> Tensor { x.globalAvgPool(layout: layout) }
  public override var summary: String { "GlobalAvgPool" }
}

/// [N, …] → [N, rest]. A spatial activation stored in another `layout` is flattened in
/// channels-first order, so the next layer's weights (and checkpoints) do not depend on it.
public final class Flatten: Layer {
  public let layout: ActivationLayout
  public init(layout: ActivationLayout = .channelsFirst) { self.layout = layout }
  public override func forward(_ x: Tensor) -> Tensor {
    (layout != .channelsFirst && layout.isSpatial(rank: x.rank) ? x.channelsFirst(from: layout) : x).flattenedBatch()
  }
  public override var summary: String { "Flatten" }
}

/// Zeroes activations with probability `rate` while training (inverted dropout, seeded).
public final class Dropout: Layer {
  public let rate: Float
  private var rng: RandomGenerator
  public init(rate: Float, seed: UInt64 = 0) { self.rate = rate; rng = RandomGenerator(seed: seed) }
  public override func forward(_ x: Tensor) -> Tensor {
    guard isTraining && rate > 0 else { return x }
    let keep = 1 - rate
    let mask = Tensor(shape: x.shape, storage: (0..<x.count).map { _ in rng.nextFloat() < keep ? 1 / keep : 0 })
    return x * mask
  }
  public override var summary: String { "Dropout(\(rate))" }
}

/// Layer normalization over the last axis.
public final class LayerNorm: Layer {
  public let weight: Tensor, bias: Tensor
  public init(_ size: Int) { weight = parameter(.ones([size])); bias = parameter(.zeros([size])) }
  public override func forward(_ x: Tensor) -> Tensor { x.layerNorm(gamma: weight, beta: bias) }
  public override var ownParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
  public override var summary: String { "LayerNorm(\(weight.count))" }
}

/// Per-channel (x − mean)/std inside the model, so attacks work in [0, 1] pixel space.
public final class Normalize: Layer {
  public let mean: Tensor, std: Tensor
  public init(mean: [Float], std: [Float]) {
    self.mean = Tensor(shape: [mean.count], storage: mean)
    self.std = Tensor(shape: [std.count], storage: std)
  }
  public override func forward(_ x: Tensor) -> Tensor {
    let c = mean.count
    return (x - mean.reshaped([1, c, 1, 1])) / std.reshaped([1, c, 1, 1])
  }
  public override var ownBuffers: [(name: String, tensor: Tensor)] { [("mean", mean), ("std", std)] }
  public override var summary: String { "Normalize(mean \(mean.storage), std \(std.storage))" }
}
