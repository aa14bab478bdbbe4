// The two swept attacks of AutoAttack's standard suite: APGD-T (targeted DLR against each of
// the k most likely wrong classes) and FAB-T, both keeping the per-example worst case.

import AegisTensor

extension Attack {
  /// The clean logits' most likely wrong classes, `settings.targets` per example.
  func sweepTargets(_ classifier: Classifier, _ images: Tensor, _ labels: [Int]) -> [[Int]] {
    TargetSweep.rankedTargets(withoutGrad { classifier.logits(images) }, labels: labels, count: settings.targets)
  }

  /// APGD with the targeted loss once per target; success is any misclassification (as in
  /// AutoAttack, where reaching another wrong class than the target also counts).
  func runTargetSweep(_ classifier: Classifier, _ images: Tensor, _ labels: [Int]) throws -> Tensor {
    if settings.epsilon == 0 { return images.detached() }
    var single = settings
    single.targets = 0
    let apgd = try Attack(kind: .apgd, settings: single)
    return try TargetSweep.run(images: images, labels: labels, ranked: sweepTargets(classifier, images, labels), count: settings.targets) { x, y, t in
      let objective: AttackObjective = { input in
        let logits = classifier.logits(input)
        return (single.loss.perExample(logits, labels: y, targets: t), Attack.fooled(logits, labels: y, targets: nil))
      }
      let adversarial = try apgd.run(objective: objective, images: x)
      return (adversarial, Attack.fooled(withoutGrad { classifier.logits(adversarial) }, labels: y, targets: nil))
    }
  }

  /// FAB-T: minimum-norm points towards each target; those larger than ε are not adversarial
  /// in this threat model, so the clean image is returned for them.
  func runFAB(_ classifier: Classifier, _ images: Tensor, _ labels: [Int]) throws -> Tensor {
    if settings.epsilon == 0 { return images.detached() }
    let eps = Float(settings.epsilon), per = images.count / max(images.shape[0], 1)
    return try TargetSweep.run(images: images, labels: labels, ranked: sweepTargets(classifier, images, labels), count: settings.targets) { x, y, t in
      let (found, size) = try FAB(settings: settings).run(classifier, x, y, t)
      var out = found.storage
      for b in 0..<size.count where !(size[b] <= eps) { for i in (b * per)..<((b + 1) * per) { out[i] = x.storage[i] } }
      let adversarial = Tensor(shape: x.shape, storage: out)
      return (adversarial, size.map { $0 <= eps })
    }
  }
}
