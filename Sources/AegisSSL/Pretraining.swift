// Self-supervised pretraining, the P axis of the paper's protocol (Chen et al. 2020 §3–4;
// method.md §4): P1 no pretraining, P2 standard pretraining (pretext loss on clean inputs),
// P3 adversarial pretraining (PGD on the pretext loss around the transformed inputs; loss
// ½·clean + ½·adversarial as the official code, or purely adversarial as an option).

import AegisData
import AegisNN
import AegisRobust
import AegisTensor

/// Which pretraining (the paper's P1–P3).
public enum PretrainingMode: String, CaseIterable, Sendable, Codable {
  /// P1: no pretraining (random initialization; the end-to-end baseline).
  case noPretraining = "none"
  /// P2: standard self-supervised pretraining.
  case standard
  /// P3: adversarial self-supervised pretraining.
  case adversarial

  /// "P1", "P2", "P3".
  public var paperName: String {
    switch self {
    case .noPretraining: return "P1"
    case .standard: return "P2"
    case .adversarial: return "P3"
    }
  }

  /// Accepts "none"/"P1", "standard"/"P2", "adversarial"/"P3" (any case).
  public init(parsing text: String) throws {
    let t = text.lowercased()
    guard let mode = Self.allCases.first(where: { $0.rawValue == t || $0.paperName.lowercased() == t }) else {
      throw SSLError("unknown pretraining \"\(text)\": use \"none\" (P1), \"standard\" (P2) or \"adversarial\" (P3)")
    }
    self = mode
  }
}

/// How adversarial pretext inputs enter the P3 loss.
public enum PretextAdversarialLoss: String, CaseIterable, Sendable, Codable {
  /// ½·L(clean) + ½·L(adversarial): the official code (method.md §4.2).
  case mixed
  /// L(adversarial) only: the official code's commented-out alternative.
  case adversarial
}

/// Settings of a pretraining run.
public struct PretrainingOptions {
  /// Epochs, batch size, optimizer, schedule, seed, augmentation (AegisNN conventions).
  /// The paper: SGD lr 0.1, momentum 0.9, weight decay 3e-4, cosine, 100–200 epochs (method.md §4.3).
  public var training = TrainingOptions()
  public var adversarialLoss: PretextAdversarialLoss = .mixed
  /// Run the training-time attack with BN batch statistics (the official code) instead of eval
  /// mode (the Aegis default); running statistics are never updated by attack passes.
  public var batchNormInTrainMode = false
  /// Held-out images for per-epoch task accuracy (`val_acc`) and, with `validationAttack`
  /// (the paper: PGD-20), adversarial task accuracy (`val_ata`).
  public var validation: Dataset? = nil
  public var validationAttack: Attack? = nil
  /// Seed of the validation pretext batches (fixed across epochs, so epochs are comparable).
  public var validationSeed: UInt64 = 0
  /// Seed of the task head's initialization.
  public var headSeed: UInt64 = 0

  public init() {}
}

/// What pretraining returns: a new model whose backbone can be transferred, with its task head.
public struct PretrainingResult {
  public let mode: PretrainingMode
  /// The pretrained model and the task head. For Rotation/Jigsaw the head is installed as the
  /// model's head (the model predicts the pretext classes); Selfie's head is task-owned and the
  /// model keeps its own (unused) head. P1 returns an untouched copy and a fresh, uninstalled head.
  public let network: PretextNetwork
  public let history: History
  /// The pretrained model (a copy; the input model is never changed).
  public var model: Model { network.model }
}

public enum Pretraining {
  /// Pretrains a copy of `model` on the images of `data` (labels ignored) with `task`
  /// (Chen et al. 2020 §3–4). `mode` defaults to P3 when an attack is given, else P2.
  ///
  /// History per epoch: `loss`, `acc` (pretext accuracy on the inputs the loss trains on — the
  /// adversarial ones for P3, as the official code's train accuracy), `lr`, `time`, and with a
  /// validation set `val_acc` (TA) and `val_ata` (ATA). Ctrl-C throws `TrainingInterrupted`
  /// between batches; the input model is never changed.
  public static func pretrain(
    _ model: Model, on data: Dataset, task: any PretextTask, mode: PretrainingMode? = nil, attack: Attack? = nil,
    options: PretrainingOptions = PretrainingOptions(), progress: ((TrainingProgress) -> Void)? = nil
  ) throws -> PretrainingResult {
    let mode = mode ?? (attack == nil ? .standard : .adversarial)
    try check(model, data, task, mode, attack, options)
    let copy = model.copy()
    let network = try PretextNetwork.make(model: copy, task: task, seed: options.headSeed)
    let label = "\(mode.paperName) \(task.name)"
    var history = History(label: label)
    if mode != .noPretraining {
      if let classification = network.head as? ClassificationTaskHead { copy.replaceHead(classification.layer) }
      var loop = PretextTrainingLoop(parameters: network.trainableParameters, layers: network.layers,
                                     options: options.training, label: label)
      loop.kaimingAlready = copy.config.initialization == .kaiming
      if mode == .adversarial { loop.accuracyName = "adv_acc" }
      history = try loop.run(on: data, step: step(network, mode, attack, options),
                             evaluation: validation(network, options), progress: progress)
    }
    history.settings = settings(task, mode, attack, options)
    copy.label = "\(mode.paperName) \(task.name)"
    return PretrainingResult(mode: mode, network: network, history: history)
  }

  /// The loss of one batch: clean (P2), or mixed/adversarial (P3).
  static func step(_ network: PretextNetwork, _ mode: PretrainingMode, _ attack: Attack?, _ options: PretrainingOptions)
    -> (Tensor, inout RandomGenerator) throws -> PretextTrainingLoop.Step
  {
    { images, rng in
      let batch = try network.task.makeBatch(images: images, rng: &rng)
      guard mode == .adversarial, let attack else {
        let (loss, scores) = network.perExampleLoss(batch.inputs, batch: batch)
        return .init(loss: loss.mean(), correct: network.correctCount(scores, batch: batch), total: batch.labels.count)
      }
      // Fresh random starts per batch from the training generator (see AdversarialTraining.loss).
      let adversarial = try network.adversarialInputs(batch, attack: attack.reseeded(rng.next()),
                                                      batchNormInTrainMode: options.batchNormInTrainMode)
      let (advLoss, advScores) = network.perExampleLoss(adversarial, batch: batch)
      var loss = advLoss.mean()
      if options.adversarialLoss == .mixed {
        loss = 0.5 * network.perExampleLoss(batch.inputs, batch: batch).loss.mean() + 0.5 * loss
      }
      return .init(loss: loss, correct: network.correctCount(advScores, batch: batch), total: batch.labels.count)
    }
  }

  /// Per-epoch validation task accuracy (and adversarial task accuracy).
  static func validation(_ network: PretextNetwork, _ options: PretrainingOptions) -> ((Int) throws -> [String: Double])? {
    guard let data = options.validation else { return nil }
    return { _ in
      let score = try PretextEvaluation.evaluate(network, on: data, attack: options.validationAttack,
                                                 seed: options.validationSeed, batchSize: max(options.training.batchSize, 1))
      var metrics = ["val_acc": score.accuracy]
      if let ata = score.adversarialAccuracy { metrics["val_ata"] = ata }
      return metrics
    }
  }

  static func check(_ model: Model, _ data: Dataset, _ task: any PretextTask, _ mode: PretrainingMode, _ attack: Attack?, _ options: PretrainingOptions) throws {
    guard data.imageShape == model.config.inputShape else {
      throw SSLError("pretrain: the data's images are \(data.imageShape) but the model takes \(model.config.inputShape); build the model for this data")
    }
    guard data.count > 0 else { throw SSLError("pretrain: the data set is empty") }
    try task.validate(for: model)
    switch mode {
    case .adversarial:
      guard let attack else { throw SSLError("adversarial pretraining (P3) needs an attack: pass attack: pgd(...)") }
      try PretextNetwork.checkAttack(attack)
    case .standard, .noPretraining:
      if attack != nil {
        throw SSLError("\(mode.paperName) pretraining does not use an attack; drop attack: or use mode \"adversarial\" (P3)")
      }
    }
    if let v = options.validation, v.imageShape != model.config.inputShape {
      throw SSLError("pretrain: validation images are \(v.imageShape) but the model takes \(model.config.inputShape)")
    }
    if let a = options.validationAttack { try PretextNetwork.checkAttack(a) }
    if mode != .noPretraining { try PretextTrainingLoop.validate(options.training) }
  }

  static func settings(_ task: any PretextTask, _ mode: PretrainingMode, _ attack: Attack?, _ options: PretrainingOptions) -> [String: String] {
    var s = PretextTrainingLoop.describe(options.training)
    for (k, v) in task.settings { s["task." + k] = v }
    s["pretraining"] = "\(mode.paperName) \(mode.rawValue)"
    s["attack"] = attack?.description ?? "none"
    s["adversarial_loss"] = mode == .adversarial ? options.adversarialLoss.rawValue : "none"
    s["attack_bn"] = options.batchNormInTrainMode ? "train" : "eval"
    s["validation_attack"] = options.validationAttack?.description ?? "none"
    s["head_seed"] = String(options.headSeed)
    return s
  }
}
