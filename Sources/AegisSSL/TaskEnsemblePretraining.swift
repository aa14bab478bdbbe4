// Multi-task ("ensemble") pretraining with the gradient-diversity penalty (Chen et al. 2020,
// ensemble pretraining; method.md §7.1, pretraining/ensemble_pretrain.py): one backbone, one
// head per task, per batch each task sees its own transformed input (the image for Selfie, its
// jigsaw, its rotation), as the official code. Consequently the k input gradients in the
// penalty are taken w.r.t. k different images whose pixel coordinates are not aligned (the
// official oddity, kept on purpose: it is what the published numbers used).
//
//   attack:  k independent perturbations (one per task input, each in its ε-ball), all ascending
//            one objective J = Σ_t L_t + s·λ·h, with L_t the batch-mean task losses and
//            h = mean_b log det(GᵀG + 1e-5·I) of the unit input gradients (create_graph);
//   weights: loss = (Σ_t L_t(clean) + Σ_t L_t(adv)) / 2k + s·λ·h(adv), where h is recomputed at
//            the adversarial points with create_graph, so the update differentiates through the
//            input gradients (double backward, BN in its twice-differentiable form).
// s = +1 (official: weights minimize h) or −1 (promote diversity); see GradientDiversityPenalty.
// Without an attack the loss is Σ_t L_t(clean) / k + s·λ·h(clean).

import AegisData
import AegisNN
import AegisRobust
import AegisTensor

/// Settings of a task-ensemble pretraining run.
public struct TaskEnsembleOptions {
  /// The official run: SGD Nesterov lr 0.001, momentum 0.9, weight decay 1e-4, cosine, 150 epochs.
  public var training = TrainingOptions()
  public var penalty = GradientDiversityPenalty.paper
  /// Run the training-time attack with BN batch statistics (the official code) instead of eval mode.
  public var batchNormInTrainMode = false
  /// Held-out images for per-epoch task accuracies (`val_acc_<task>`) and, with
  /// `validationAttack`, adversarial task accuracies (`val_ata_<task>`, each task attacked alone).
  public var validation: Dataset? = nil
  public var validationAttack: Attack? = nil
  public var validationSeed: UInt64 = 0
  /// Head k is initialized from `headSeed + k`.
  public var headSeed: UInt64 = 0

  public init() {}
}

/// One backbone with one head per task.
public struct TaskEnsembleResult {
  /// One network per task, all sharing the pretrained model (a copy of the input model). The
  /// model's own head is the first classification task's head.
  public let networks: [PretextNetwork]
  public let history: History
  public var model: Model { networks[0].model }
}

public enum TaskEnsemblePretraining {
  /// Pretrains a copy of `model` on `tasks` (1–3 of rotation, jigsaw, selfie) jointly, with the
  /// log-det diversity penalty, adversarially when `attack` is given (method.md §7.1).
  public static func pretrain(
    _ model: Model, on data: Dataset, tasks: [any PretextTask], attack: Attack? = nil,
    options: TaskEnsembleOptions = TaskEnsembleOptions(), progress: ((TrainingProgress) -> Void)? = nil
  ) throws -> TaskEnsembleResult {
    try check(model, data, tasks, attack, options)
    let copy = model.copy()
    let networks = try tasks.enumerated().map { try PretextNetwork.make(model: copy, task: $1, seed: options.headSeed &+ UInt64($0)) }
    if let first = networks.lazy.compactMap({ $0.head as? ClassificationTaskHead }).first { copy.replaceHead(first.layer) }
    copy.label = "ensemble-pretrain(\(tasks.map(\.name).joined(separator: "+")))"
    var seen = Set<ObjectIdentifier>()
    let parameters = networks.flatMap(\.trainableParameters).filter { seen.insert(ObjectIdentifier($0)).inserted }
    var loop = PretextTrainingLoop(parameters: parameters, layers: [copy] + networks.map { $0.head as Layer },
                                   options: options.training, label: copy.label)
    loop.kaimingAlready = copy.config.initialization == .kaiming
    if attack != nil { loop.accuracyName = "adv_acc" }  // the steps score the attacked inputs
    let history = try loop.run(on: data, step: step(networks, attack, options),
                               evaluation: validation(networks, options), progress: progress)
    history.settings = settings(tasks, attack, options)
    return TaskEnsembleResult(networks: networks, history: history)
  }

  /// The objective both players share, per input of the concatenated task inputs `[k·N, …]`:
  /// entry (t, b) = L_t,b + s·λ·logdet_b / k, so the sum is N·(Σ_t mean L_t + s·λ·h).
  static func jointObjective(_ networks: [PretextNetwork], batches: [PretextBatch], penalty: GradientDiversityPenalty) -> AttackObjective {
    { x in
      withSecondOrder {
        let (losses, gradients, _) = lossesAndGradients(networks, batches, at: x)
        let share = penalty.logDeterminantsUnchecked(gradients) * (penalty.signedWeight / Float(networks.count))
        return (Tensor.concat(losses.map { $0 + share }, axis: 0), nil)
      }
    }
  }

  /// Per-task per-input losses at `x` (the task inputs concatenated, a gradient-enabled leaf),
  /// the per-task input gradients of Σ_t mean L_t with a recorded graph, and the scores.
  static func lossesAndGradients(_ networks: [PretextNetwork], _ batches: [PretextBatch], at x: Tensor) -> ([Tensor], [Tensor], [Tensor]) {
    let n = batches[0].count
    let parts = networks.indices.map { x.slice(axis: 0, ($0 * n)..<(($0 + 1) * n)) }
    let results = networks.indices.map { networks[$0].perExampleLoss(parts[$0], batch: batches[$0]) }
    let total = results.dropFirst().reduce(results[0].loss.mean()) { $0 + $1.loss.mean() }
    let g = gradients(of: total, wrt: [x], createGraph: true)[0]
    let perTask = networks.indices.map { g.slice(axis: 0, ($0 * n)..<(($0 + 1) * n)) }
    return (results.map(\.loss), perTask, results.map(\.scores))
  }

  /// One batch: pretext batches per task, the joint attack, then the penalized loss.
  static func step(_ networks: [PretextNetwork], _ attack: Attack?, _ options: TaskEnsembleOptions)
    -> (Tensor, inout RandomGenerator) throws -> PretextTrainingLoop.Step
  {
    { images, rng in
      let batches = try networks.map { try $0.task.makeBatch(images: images, rng: &rng) }
      guard batches.allSatisfy({ $0.count == images.shape[0] }) else {
        throw SSLError("task ensemble: every task must give one input per image (rotation without allRotations)")
      }
      let clean = Tensor.concat(batches.map(\.inputs), axis: 0)
      var point = clean
      if let attack = attack?.reseeded(rng.next()) {  // fresh random starts per batch
        let group = LayerGroup(networks[0].layers + networks.dropFirst().map { $0.head as Layer })
        point = try group.withAttackState(batchNormInTrainMode: options.batchNormInTrainMode) {
          try attack.run(objective: jointObjective(networks, batches: batches, penalty: options.penalty), images: clean)
        }
      }
      let x = point.detached()
      x.requiresGrad = true
      let (losses, gradients, scores) = withSecondOrder { lossesAndGradients(networks, batches, at: x) }
      let h = options.penalty.logDeterminantsUnchecked(gradients).mean()
      var taskLoss = losses.dropFirst().reduce(losses[0].mean()) { $0 + $1.mean() }
      if attack != nil {
        let cleanLosses = networks.indices.map { networks[$0].perExampleLoss(batches[$0].inputs, batch: batches[$0]).loss.mean() }
        taskLoss = cleanLosses.reduce(taskLoss, +) * 0.5
      }
      let loss = taskLoss * (1 / Float(networks.count)) + h * options.penalty.signedWeight
      return metrics(networks, batches, scores, loss: loss, penalty: Double(h.scalar))
    }
  }

  static func metrics(_ networks: [PretextNetwork], _ batches: [PretextBatch], _ scores: [Tensor], loss: Tensor, penalty: Double) -> PretextTrainingLoop.Step {
    var step = PretextTrainingLoop.Step(loss: loss, correct: 0, total: 0, metrics: ["penalty": penalty])
    for t in networks.indices {
      let correct = networks[t].correctCount(scores[t], batch: batches[t])
      step.correct += correct
      step.total += batches[t].labels.count
      step.metrics["acc_" + networks[t].task.name] = Double(correct) / Double(max(batches[t].labels.count, 1))
    }
    return step
  }

  static func validation(_ networks: [PretextNetwork], _ options: TaskEnsembleOptions) -> ((Int) throws -> [String: Double])? {
    guard let data = options.validation else { return nil }
    return { _ in
      var metrics: [String: Double] = [:]
      for network in networks {
        let score = try PretextEvaluation.evaluate(network, on: data, attack: options.validationAttack,
                                                   seed: options.validationSeed, batchSize: options.training.batchSize)
        metrics["val_acc_" + network.task.name] = score.accuracy
        if let ata = score.adversarialAccuracy { metrics["val_ata_" + network.task.name] = ata }
      }
      return metrics
    }
  }

  /// Checks a task list for an ensemble: 1–3 distinct tasks, each one input per image.
  static func checkTasks(_ tasks: [any PretextTask]) throws {
    guard (1...3).contains(tasks.count) else {
      throw SSLError("a task ensemble combines 1 to 3 tasks (e.g. [rotation(), jigsaw(), selfie()]), got \(tasks.count)")
    }
    guard Set(tasks.map(\.name)).count == tasks.count else { throw SSLError("a task ensemble needs distinct tasks, got \(tasks.map(\.name))") }
    if tasks.contains(where: { ($0 as? RotationTask)?.allRotations == true }) {
      throw SSLError("task ensemble: the penalty pairs one input per image per task; use rotation without allRotations")
    }
  }

  static func check(_ model: Model, _ data: Dataset, _ tasks: [any PretextTask], _ attack: Attack?, _ options: TaskEnsembleOptions) throws {
    try checkTasks(tasks)
    guard data.imageShape == model.config.inputShape else {
      throw SSLError("ensemble pretraining: the data's images are \(data.imageShape) but the model takes \(model.config.inputShape)")
    }
    guard data.count > 0 else { throw SSLError("ensemble pretraining: the data set is empty") }
    for task in tasks { try task.validate(for: model) }
    if let attack { try PretextNetwork.checkAttack(attack) }
    if let a = options.validationAttack { try PretextNetwork.checkAttack(a) }
    try PretextTrainingLoop.validate(options.training)
  }

  static func settings(_ tasks: [any PretextTask], _ attack: Attack?, _ options: TaskEnsembleOptions) -> [String: String] {
    var s = PretextTrainingLoop.describe(options.training)
    for task in tasks { for (k, v) in task.settings { s[task.name + "." + k] = v } }
    for (k, v) in options.penalty.settings { s[k] = v }
    s["tasks"] = tasks.map(\.name).joined(separator: "+")
    s["attack"] = attack?.description ?? "none"
    s["attack_bn"] = options.batchNormInTrainMode ? "train" : "eval"
    s["gradients_wrt"] = "each task's own input (official)"
    s["validation_attack"] = options.validationAttack?.description ?? "none"
    return s
  }
}
