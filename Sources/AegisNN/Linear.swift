// Fully connected layer: y = x·Wᵀ + b, weight [out, in] as in PyTorch.

import AegisTensor

/// `y = x·Wᵀ + b` on [N, in] inputs.
public final class Linear: Layer {
  public let weight: Tensor
  public let bias: Tensor?

  public init(inputSize: Int, outputSize: Int, bias useBias: Bool = true,
              initialization: WeightInitialization = .torch, rng: inout RandomGenerator) {
    weight = parameter(initialization.weight([outputSize, inputSize], fanIn: inputSize, rng: &rng))
    bias = useBias ? parameter(initialization.bias(outputSize, fanIn: inputSize, rng: &rng)) : nil
  }

  public override func forward(_ x: Tensor) -> Tensor {
    let y = x.matmul(weight, transposeOther: true)
    return bias.map { y + $0 } ?? y
  }

  public override var ownParameters: [(name: String, tensor: Tensor)] {
    [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
  }

  public override var summary: String { "Linear(\(weight.shape[1])→\(weight.shape[0]))" }
}
