// Softmax family and the losses built on it (cross-entropy, KL divergence, margins).

extension Tensor {
  /// log-softmax along the last axis, computed stably. Gradient: g − softmax·Σg.
  public func logSoftmax() -> Tensor {
    let c = shape[rank - 1]
    let rows = count / Swift.max(c, 1)
    var out = [Float](repeating: 0, count: count)
    storage.withUnsafeBufferPointer { p in
      for r in 0..<rows {
        let base = r * c
        var m = -Float.infinity
        for j in 0..<c { m = Swift.max(m, p[base + j]) }
        var s: Float = 0
        for j in 0..<c { s += expf(p[base + j] - m) }
        let lse = m + logf(s)
        for j in 0..<c { out[base + j] = p[base + j] - lse }
      }
    }
    let result = Tensor(shape: shape, storage: out)
    return result.recorded("logSoftmax", [self]) { [unowned result] g in
      [g - result.exp() * g.sum(axes: [-1], keepDims: true)]
    }
  }

  /// Softmax along the last axis.
  public func softmax() -> Tensor { logSoftmax().exp() }

  /// Element `labels[i]` of row i of a [N, C] tensor → [N]. Gradient: scattered to those places.
  public func pick(_ labels: [Int]) -> Tensor {
    let c = shape[rank - 1]
    return reshaped([-1]).gatherFlat(labels.enumerated().map { $0.offset * c + $0.element }, shape: [labels.count])
  }

  /// Mean cross-entropy of logits [N, C] against integer labels.
  public func crossEntropy(_ labels: [Int]) -> Tensor {
    -logSoftmax().pick(labels).mean()
  }

  /// Per-example cross-entropy [N].
  public func crossEntropyPerExample(_ labels: [Int]) -> Tensor {
    -logSoftmax().pick(labels)
  }

  /// KL(p‖q) averaged over the batch, with p = softmax(target logits), q = softmax(self):
  /// the TRADES regularizer (PyTorch `KLDivLoss(reduction: "batchmean")`).
  public func klDivergence(from targetLogits: Tensor) -> Tensor {
    let logP = targetLogits.logSoftmax()
    let logQ = logSoftmax()
    return (logP.exp() * (logP - logQ)).sum() * (1 / Float(shape[0]))
  }

  /// Fraction of rows whose argmax equals the label.
  public func accuracy(_ labels: [Int]) -> Double {
    let predictions = argmax(axis: -1)
    let correct = zip(predictions, labels).filter { $0 == $1 }.count
    return labels.isEmpty ? 0 : Double(correct) / Double(labels.count)
  }
}

#if canImport(Glibc)
import Glibc
#endif
