// A developer hook for the PyTorch parity harness (scripts/parity, docs/parity.md): it hands PGD
// its random starts (noise exported from another engine) and records every iterate, so two
// engines can be compared step by step. Not part of the scripting language; unset, PGD draws
// its own starts and records nothing.

import AegisTensor

/// Supplies PGD random starts and records what each PGD run did, for the current task.
public final class AttackTrace: @unchecked Sendable {
  /// The trace PGD consults (bind with `AttackTrace.$current.withValue(trace) { … }`).
  @TaskLocal public static var current: AttackTrace?

  /// One PGD iteration: the point, its per-example loss and ∂(Σ loss)/∂x there.
  public struct Iterate {
    public let x: Tensor, loss: [Float], gradient: Tensor
  }

  /// One PGD run (one restart): its start, iterations, final iterate and returned points.
  public struct Run {
    public var start: Tensor
    public var iterates: [Iterate] = []
    public var final: Tensor? = nil
    public var result: Tensor? = nil
  }

  /// Start offsets (δ, added to the clean batch then projected), consumed one per PGD run.
  public var startNoise: [Tensor]
  public private(set) var runs: [Run] = []

  public init(startNoise: [Tensor] = []) { self.startNoise = startNoise }

  /// The next supplied start for `clean`, or nil when none is queued (or the shape differs).
  func takeStart(for clean: Tensor) -> Tensor? {
    guard let noise = startNoise.first, noise.shape == clean.shape else { return nil }
    startNoise.removeFirst()
    return clean + noise
  }

  func begin(start: Tensor) { runs.append(Run(start: start)) }
  func record(_ iterate: Iterate) { runs[runs.count - 1].iterates.append(iterate) }
  func finish(final: Tensor, result: Tensor) {
    runs[runs.count - 1].final = final
    runs[runs.count - 1].result = result
  }
}
