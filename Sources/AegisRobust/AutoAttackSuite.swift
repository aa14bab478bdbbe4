// AutoAttack's "standard" suite (fra31/auto-attack, version "standard"), run in sequence on the
// still-robust points by RobustEvaluation: APGD-CE, APGD-T over 9 targets, FAB-T over 9
// targets, Square with 5,000 queries. One seed for all, as AutoAttack does.

public enum AutoAttackSuite {
  /// The four attacks with AutoAttack's parameters at `epsilon` (L∞). `targets` is lowered to
  /// the model's wrong-class count by the caller when the model has fewer than 10 classes.
  public static func standard(epsilon: Double, seed: UInt64, targets: Int = 9) throws -> [Attack] {
    func settings(_ configure: (inout AttackSettings) -> Void) -> AttackSettings {
      var s = AttackSettings()
      s.epsilon = epsilon
      s.seed = seed
      configure(&s)
      return s
    }
    return [
      try Attack(kind: .apgd, settings: settings { $0.steps = 100; $0.loss = .crossEntropy }),
      try Attack(kind: .apgd, settings: settings { $0.steps = 100; $0.loss = .dlr; $0.targets = targets }),
      try Attack(kind: .fab, settings: settings { $0.steps = 100; $0.targets = targets }),
      try Attack(kind: .square, settings: settings { $0.queries = 5000 }),
    ]
  }
}
