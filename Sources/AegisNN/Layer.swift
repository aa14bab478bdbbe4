// The layer protocol of the engine: a forward pass, named parameters and buffers, and a
// train/eval switch, composed into trees whose names follow PyTorch (`layer1.0.conv1.weight`).

import AegisTensor

/// A differentiable building block. Subclasses override `forward` and list their parts.
open class Layer {
  /// Batch norm uses batch statistics and dropout is active while true.
  public private(set) var isTraining = true

  public init() {}

  /// Computes the output for input `x`.
  open func forward(_ x: Tensor) -> Tensor { x }

  /// Sub-layers with their names, in order.
  open var children: [(name: String, layer: Layer)] { [] }
  /// This layer's own trainable tensors with their names.
  open var ownParameters: [(name: String, tensor: Tensor)] { [] }
  /// This layer's own non-trainable state (running statistics, normalization constants).
  open var ownBuffers: [(name: String, tensor: Tensor)] { [] }
  /// Short description for model summaries, e.g. `Conv2d(1→32, 3×3, pad 1)`.
  open var summary: String { String(describing: type(of: self)) }

  public func callAsFunction(_ x: Tensor) -> Tensor {
    guard Profiler.isEnabled else { return forward(x) }
    return Profiler.measure(String(describing: type(of: self))) { forward(x) }
  }

  /// Switches this layer and all its descendants to training or evaluation mode.
  public func setTraining(_ training: Bool) {
    isTraining = training
    for child in children { child.layer.setTraining(training) }
  }

  /// Sets this layer's own mode only (restoring a saved per-layer state).
  public func setTrainingFlagOnly(_ training: Bool) { isTraining = training }

  /// All parameters below this layer, with dotted names.
  public func namedParameters(prefix: String = "") -> [(name: String, tensor: Tensor)] {
    ownParameters.map { (prefix + $0.name, $0.tensor) }
      + children.flatMap { $0.layer.namedParameters(prefix: prefix + $0.name + ".") }
  }

  /// All buffers below this layer, with dotted names.
  public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
    ownBuffers.map { (prefix + $0.name, $0.tensor) }
      + children.flatMap { $0.layer.namedBuffers(prefix: prefix + $0.name + ".") }
  }

  /// Parameters and buffers: everything a checkpoint stores.
  public func stateDict() -> [(name: String, tensor: Tensor)] { namedParameters() + namedBuffers() }

  public var parameters: [Tensor] { namedParameters().map(\.tensor) }
  public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Stops (or restarts) gradient flow to every parameter below this layer.
  public func setFrozen(_ frozen: Bool) {
    for p in parameters { p.requiresGrad = !frozen }
    for layer in allLayers() { (layer as? BatchNorm)?.isFrozen = frozen }
  }

  /// This layer and all descendants, depth first.
  public func allLayers() -> [Layer] { [self] + children.flatMap { $0.layer.allLayers() } }

  /// Clears accumulated gradients.
  public func zeroGrad() { for p in parameters { p.grad = nil } }
}

/// Creates a trainable tensor.
func parameter(_ t: Tensor) -> Tensor {
  t.requiresGrad = true
  return t
}
