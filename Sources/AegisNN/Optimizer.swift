// Optimizers: SGD (momentum, Nesterov, weight decay, as torch.optim.SGD) and Adam.

import AegisTensor

/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
  var learningRate: Float { get set }
  /// One update of every parameter that has a gradient; gradients are then cleared.
  func step()
  /// Optimizer state (momentum buffers…) by parameter index, for checkpoints.
  var state: [(name: String, tensor: Tensor)] { get }
  func loadState(_ named: [String: Tensor])
}

/// Stochastic gradient descent with PyTorch's conventions:
/// g ← g + λ·w; v ← μ·v + g; step = g + μ·v (Nesterov) or v; w ← w − lr·step.
public final class SGD: Optimizer {
  public var learningRate: Float
  public let momentum: Float, weightDecay: Float, nesterov: Bool
  let parameters: [Tensor]
  var velocity: [[Float]?]

  public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
    self.nesterov = nesterov
    velocity = Array(repeating: nil, count: parameters.count)
  }

  public func step() {
    for (i, p) in parameters.enumerated() where p.requiresGrad {
      guard let g = p.grad else { continue }
      var v = velocity[i] ?? []
      let first = v.isEmpty
      if first && momentum != 0 { v = [Float](repeating: 0, count: p.count) }
      let lr = learningRate, mu = momentum, wd = weightDecay, nest = nesterov
      p.storage.withUnsafeMutableBufferPointer { w in
        g.storage.withUnsafeBufferPointer { gp in
          v.withUnsafeMutableBufferPointer { vp in
            for j in 0..<w.count {
              var d = gp[j] + wd * w[j]
              if mu != 0 {
                vp[j] = first ? d : mu * vp[j] + d
                d = nest ? d + mu * vp[j] : vp[j]
              }
              w[j] -= lr * d
            }
          }
        }
      }
      if momentum != 0 { velocity[i] = v }
      p.grad = nil
    }
  }

  public var state: [(name: String, tensor: Tensor)] {
    velocity.enumerated().compactMap { i, v in
      v.map { ("momentum.\(i)", Tensor(shape: parameters[i].shape, storage: $0)) }
    }
  }

  public func loadState(_ named: [String: Tensor]) {
    for i in parameters.indices {
      if let t = named["momentum.\(i)"], t.count == parameters[i].count { velocity[i] = t.storage }
    }
  }
}

/// Adam (Kingma & Ba 2015) with optional decoupled weight decay off (L2 added to the gradient).
public final class Adam: Optimizer {
  public var learningRate: Float
  public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
  let parameters: [Tensor]
  var m: [[Float]], v: [[Float]]
  var t = 0

  public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
              epsilon: Float = 1e-8, weightDecay: Float = 0) {
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
    m = parameters.map { [Float](repeating: 0, count: $0.count) }
    v = parameters.map { [Float](repeating: 0, count: $0.count) }
  }

  public func step() {
    t += 1
    let c1 = 1 - powf(beta1, Float(t)), c2 = 1 - powf(beta2, Float(t))
    for (i, p) in parameters.enumerated() where p.requiresGrad {
      guard let g = p.grad else { continue }
      for j in 0..<p.count {
        let d = g.storage[j] + weightDecay * p.storage[j]
        m[i][j] = beta1 * m[i][j] + (1 - beta1) * d
        v[i][j] = beta2 * v[i][j] + (1 - beta2) * d * d
        p.storage[j] -= learningRate * (m[i][j] / c1) / ((v[i][j] / c2).squareRoot() + epsilon)
      }
      p.grad = nil
    }
  }

  public var state: [(name: String, tensor: Tensor)] {
    parameters.indices.flatMap { i in
      [("m.\(i)", Tensor(shape: parameters[i].shape, storage: m[i])), ("v.\(i)", Tensor(shape: parameters[i].shape, storage: v[i]))]
    } + [("t", Tensor(Float(t)))]
  }

  public func loadState(_ named: [String: Tensor]) {
    for i in parameters.indices {
      if let a = named["m.\(i)"], a.count == m[i].count { m[i] = a.storage }
      if let b = named["v.\(i)"], b.count == v[i].count { v[i] = b.storage }
    }
    if let step = named["t"] { t = Int(step.scalar) }
  }
}

#if canImport(Glibc)
import Glibc
#endif
