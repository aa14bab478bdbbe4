// Reverse-mode automatic differentiation on a dynamic tape.
//
// Each recorded op stores its inputs and a backward closure that maps the output gradient to the
// input gradients. Backward closures are written with ordinary tensor ops, so when a gradient is
// asked for with `createGraph: true` those ops are themselves recorded and the gradient can be
// differentiated again (double backward, needed by the log-det diversity penalty). Plain
// training runs backward with recording off and pays nothing for it.

/// Global switch for recording operations.
public enum GradMode {
  /// When false, operations never record (evaluation, optimizer updates).
  nonisolated(unsafe) public static var isEnabled = true
  /// When true, fused kernels whose backward is not itself differentiable (batch norm) fall back
  /// to compositions of differentiable ops, so second derivatives are exact.
  nonisolated(unsafe) public static var needsSecondOrder = false
}

/// Runs `body` with recording switched off.
@discardableResult
public func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
  let saved = GradMode.isEnabled
  GradMode.isEnabled = false
  defer { GradMode.isEnabled = saved }
  return try body()
}

/// Runs `body` with recording set to `enabled`.
@discardableResult
public func withGradMode<T>(_ enabled: Bool, _ body: () throws -> T) rethrows -> T {
  let saved = GradMode.isEnabled
  GradMode.isEnabled = enabled
  defer { GradMode.isEnabled = saved }
  return try body()
}

/// Runs `body` with batch norm (and other fused ops) in their twice-differentiable form.
@discardableResult
public func withSecondOrder<T>(_ body: () throws -> T) rethrows -> T {
  let saved = GradMode.needsSecondOrder
  GradMode.needsSecondOrder = true
  defer { GradMode.needsSecondOrder = saved }
  return try body()
}

/// One recorded operation: its inputs and how to push a gradient back to them.
///
/// A backward closure must not capture the op's own result strongly (result → node → closure →
/// result would be a cycle that leaks the whole graph); it captures it `unowned`, which is safe
/// because backward only runs while the graph below the loss is alive.
final class BackwardNode {
  let name: String
  let inputs: [Tensor]
  /// Maps the output gradient to one gradient per input (nil where an input needs none).
  let backward: (Tensor) -> [Tensor?]

  init(name: String, inputs: [Tensor], backward: @escaping (Tensor) -> [Tensor?]) {
    self.name = name
    self.inputs = inputs
    self.backward = backward
  }
}

extension Tensor {
  /// Attaches `backward` to `self` (a fresh op result) when recording and any input needs grad.
  @discardableResult
  func recorded(_ name: String, _ inputs: [Tensor], _ backward: @escaping (Tensor) -> [Tensor?]) -> Tensor {
    guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
    requiresGrad = true
    node = BackwardNode(name: name, inputs: inputs, backward: backward)
    return self
  }

  /// Name of the op that produced this tensor, for debugging ("leaf" for inputs/parameters).
  public var operationName: String { node?.name ?? "leaf" }

  /// Accumulates d(self)/d(leaf) into `leaf.grad` for every leaf that requires grad.
  /// `self` is usually a scalar loss; otherwise `seed` gives the output gradient.
  public func backward(seed: Tensor? = nil) {
    let leafGrads = propagate(seed: seed, targets: nil, createGraph: false)
    for (leaf, g) in leafGrads {
      if let existing = leaf.grad {
        existing.storage.withUnsafeMutableBufferPointer { e in
          g.storage.withUnsafeBufferPointer { gp in
            for i in 0..<e.count { e[i] += gp[i] }
          }
        }
      } else {
        leaf.grad = g.detached()
      }
    }
  }

  /// Topological order (inputs before outputs) of the recorded graph below `self`.
  private func topologicalOrder() -> [Tensor] {
    var order: [Tensor] = []
    var visited = Set<ObjectIdentifier>()
    // Iterative DFS: deep graphs (long training unrolls) must not overflow the stack.
    var stack: [(Tensor, Bool)] = [(self, false)]
    while let (t, expanded) = stack.popLast() {
      if expanded { order.append(t); continue }
      let id = ObjectIdentifier(t)
      if visited.contains(id) { continue }
      visited.insert(id)
      stack.append((t, true))
      if let node = t.node {
        for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
          stack.append((input, false))
        }
      }
    }
    return order
  }

  /// Runs the backward pass; returns gradients of the targets (or of all leaves when nil).
  fileprivate func propagate(seed: Tensor?, targets: [Tensor]?, createGraph: Bool) -> [(Tensor, Tensor)] {
    guard requiresGrad else { return [] }
    let order = topologicalOrder()
    let targetIDs = targets.map { Set($0.map(ObjectIdentifier.init)) }
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed ?? Tensor.ones(shape)]
    var results: [(Tensor, Tensor)] = []
    withGradMode(createGraph) { Profiler.inBackward {
      for t in order.reversed() {
        let id = ObjectIdentifier(t)
        guard let g = grads[id] else { continue }
        let isTarget = targetIDs?.contains(id) ?? (t.node == nil)
        if isTarget { results.append((t, g)) }
        guard let node = t.node else { continue }
        if let targetIDs, !createGraph, targetIDs.count == results.count { break }
        Profiler.measure(node.name) {
          let inputGrads = node.backward(g)
          for (input, ig) in zip(node.inputs, inputGrads) {
            guard input.requiresGrad, let ig else { continue }
            let key = ObjectIdentifier(input)
            grads[key] = grads[key].map { $0 + ig } ?? ig
          }
        }
        grads[id] = nil
      }
    } }
    return results
  }
}

/// Gradients of `output` with respect to each of `inputs` (zeros where it does not depend on one).
/// With `createGraph`, the returned gradients are recorded and can be differentiated again.
public func gradients(of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil, createGraph: Bool = false) -> [Tensor] {
  let found = output.propagate(seed: seed, targets: inputs, createGraph: createGraph)
  var byID: [ObjectIdentifier: Tensor] = [:]
  for (t, g) in found { byID[ObjectIdentifier(t)] = g }
  return inputs.map { byID[ObjectIdentifier($0)] ?? Tensor.zeros($0.shape) }
}
