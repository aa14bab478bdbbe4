// The parameters of an attack, validated once with errors that say how to fix them.

import Foundation

/// The threat model's norm.
public enum Norm: String, Sendable { case linf, l2 }

/// A parameter combination that cannot work, named with the fix.
public struct AttackError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Everything that defines an attack run.
public struct AttackSettings: Sendable, Equatable {
  public var norm: Norm = .linf
  public var epsilon: Double = 0.1
  /// Step size; nil = "auto" (2.5·ε/steps, MadryLab's rule of thumb).
  public var step: Double? = nil
  public var steps: Int = 10
  public var restarts: Int = 1
  public var loss: AttackLoss = .crossEntropy
  /// Targeted attacks aim at a class: "none", "random" (a random wrong class) or "least" (the least likely).
  public var target: String = "none"
  public var randomStart = true
  /// PGD/FGSM return, per example, the first iterate that fooled the model (evaluation: broken
  /// once = broken). Training attacks turn this off and train on the final iterate, as Madry et
  /// al. and the paper's code do (`AdversarialTraining.loss(…, earlyStop:)`).
  public var earlyStop = true
  public var seed: UInt64 = 0
  /// Queries for Square, samples for noise.
  public var queries: Int = 1000
  /// Target sweep (AutoAttack's APGD-T and FAB-T): attack each of the `targets` most likely
  /// wrong classes in turn, keeping the per-example worst case; 0 = no sweep (APGD), and FAB
  /// always sweeps (at least 1 target).
  public var targets: Int = 0

  public init() {}

  public var stepSize: Double { step ?? 2.5 * epsilon / Double(max(steps, 1)) }
  public var isTargeted: Bool { target != "none" || targets > 0 }

  /// ε written both ways: 0.0314 (8/255).
  public var epsilonText: String {
    let over255 = epsilon * 255
    if epsilon > 0, abs(over255 - over255.rounded()) < 1e-6 {
      return String(format: "%.4g (%d/255)", epsilon, Int(over255.rounded()))
    }
    return String(format: "%.4g", epsilon)
  }

  /// Checks the values themselves (class-count checks happen when the model is known).
  public func validate(kind: String) throws {
    guard epsilon >= 0, epsilon.isFinite else { throw AttackError("\(kind): eps must be ≥ 0 (in [0,1] pixel units, e.g. 0.1 or 8/255), got \(epsilon)") }
    if norm == .linf && epsilon > 1 { throw AttackError("\(kind): eps \(epsilon) is larger than the whole [0,1] pixel range; use [0,1] units (8/255, not 8)") }
    guard steps >= 1 else { throw AttackError("\(kind): steps must be at least 1, got \(steps)") }
    guard restarts >= 1 else { throw AttackError("\(kind): restarts must be at least 1, got \(restarts)") }
    if let s = step, !(s > 0), epsilon > 0 { throw AttackError("\(kind): step must be > 0 (or omit it for auto = 2.5·eps/steps), got \(s)") }
    guard ["none", "random", "least"].contains(target) else {
      throw AttackError("\(kind): target must be \"none\", \"random\" or \"least\", got \"\(target)\"")
    }
    guard targets >= 0 else { throw AttackError("\(kind): targets must be ≥ 0 (the number of most likely wrong classes to sweep, 9 in AutoAttack), got \(targets)") }
    if targets > 0 && target != "none" { throw AttackError("\(kind): use either target: \"\(target)\" (one class) or targets: \(targets) (a sweep), not both") }
    guard queries >= 1 else { throw AttackError("\(kind): queries must be at least 1, got \(queries)") }
  }

  /// Checks that the loss and targeting make sense for a model with `classes` outputs.
  public func validate(kind: String, classes: Int) throws {
    let needed = loss.minimumClasses(targeted: isTargeted)
    if targets > classes - 1 {
      throw AttackError("\(kind): targets \(targets) exceeds the \(classes - 1) wrong classes of a \(classes)-class model; use targets: \(max(classes - 1, 1)) or fewer")
    }
    if classes < needed {
      throw AttackError("\(kind): the \(loss.rawValue) loss\(isTargeted ? " (targeted)" : "") needs at least \(needed) classes but the model has \(classes); use loss: \"ce\" or \"cw\"")
    }
  }
}
