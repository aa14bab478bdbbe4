// Fine-tuning, the F axis of the paper's protocol (Chen et al. 2020 §4; method.md §5): the
// pretrained backbone θp is transferred into a fresh classifier with a new head; partial
// fine-tuning freezes the transferred blocks (weights AND BN statistics), full fine-tuning trains
// everything; standard fine-tuning uses clean CE, adversarial fine-tuning Madry's PGD-10 CE
// (finetune/main.py). F1 partial standard, F2 partial adversarial, F3 full standard, F4 full
// adversarial. Each epoch records validation SA and RA (PGD-20), and the best-RA model is kept
// (the official checkpoint; its epoch is the paper's "epochs to best robust accuracy").

import AegisData
import AegisNN
import AegisRobust
import AegisTensor

/// Which blocks fine-tuning trains.
public enum FineTuningMode: String, CaseIterable, Sendable, Codable {
  /// Transferred blocks frozen (weights and BN statistics); only the head trains.
  case partial
  /// Everything trains.
  case full

  public init(parsing text: String) throws {
    guard let mode = Self(rawValue: text.lowercased()) else {
      throw SSLError("unknown fine-tuning mode \"\(text)\": use \"partial\" or \"full\"")
    }
    self = mode
  }
}

/// The paper's fine-tuning variants F1–F4.
public enum FineTuningVariant: String, CaseIterable, Sendable, Codable {
  case f1 = "F1", f2 = "F2", f3 = "F3", f4 = "F4"

  public init(mode: FineTuningMode, adversarial: Bool) {
    switch (mode, adversarial) {
    case (.partial, false): self = .f1
    case (.partial, true): self = .f2
    case (.full, false): self = .f3
    case (.full, true): self = .f4
    }
  }

  /// Accepts "F1"…"F4" (any case).
  public init(parsing text: String) throws {
    guard let v = Self(rawValue: text.uppercased()) else {
      throw SSLError("unknown fine-tuning \"\(text)\": use F1 (partial standard), F2 (partial adversarial), F3 (full standard) or F4 (full adversarial)")
    }
    self = v
  }

  public var mode: FineTuningMode { self == .f1 || self == .f2 ? .partial : .full }
  public var isAdversarial: Bool { self == .f2 || self == .f4 }
  /// "partial standard", …, "full adversarial".
  public var summary: String { "\(mode.rawValue) \(isAdversarial ? "adversarial" : "standard")" }
}

/// Settings of a fine-tuning run.
public struct FineTuningOptions {
  /// Epochs, batch size, optimizer, schedule, seed, augmentation. The official F4: SGD lr 0.1,
  /// momentum 0.9, weight decay 3e-4, ×0.1 at epochs 60 and 80 of 100 (method.md §5.1).
  public var training = TrainingOptions()
  public var mode: FineTuningMode = .full
  /// How adversarial examples enter the loss when an attack is given (Madry, as finetune/main.py).
  public var objective: AdversarialObjective = .madry
  /// Run the training-time attack with BN batch statistics (the official code) instead of eval mode.
  public var batchNormInTrainMode = false
  /// Train on the first fooling PGD iterate instead of the final one (the official code: final).
  public var earlyStop = false
  /// Labelled held-out data for per-epoch SA/RA and best-RA model selection.
  public var validation: Dataset? = nil
  /// Examples of `validation` used per epoch (the first ones); nil = all.
  public var validationLimit: Int? = 1000
  /// The per-epoch RA attack; nil = PGD-20 from the training attack (or the default threat model).
  public var evaluationAttack: Attack? = nil
  /// Classes of the new head; nil = the data set's class count.
  public var classes: Int? = nil
  /// Seed of the new head's initialization.
  public var headSeed: UInt64 = 0
  /// When set, the best-RA model is also saved there (atomically) each time it improves.
  public var checkpointPath: String? = nil
  /// When set, the run's state (model, optimizer, random stream, history, best-RA model) is
  /// saved there after every epoch, and a run that finds the file continues after its last
  /// epoch, with the numbers the uninterrupted run would have had.
  public var resumePath: String? = nil

  public init() {}
}

/// What fine-tuning returns.
public struct FineTuningResult {
  public let variant: FineTuningVariant
  /// The model after the last epoch.
  public let model: Model
  /// The best-validation-RA model (in memory; the last model when there is no validation set).
  public let bestModel: Model
  /// Epoch of the best validation RA (the last epoch without validation).
  public let bestEpoch: Int
  public let bestRobustAccuracy: Double?
  public let history: History
  /// Which tensors came from the pretrained backbone.
  public let transfer: TransferReport
  /// Epochs and CPU/wall seconds done by the earlier processes this run resumed from (0 if none).
  public var resumed: (epochs: Int, cpuSeconds: Double, wallSeconds: Double) = (0, 0, 0)
}

public enum FineTuning {
  /// Fine-tunes a new classifier initialized from `pretrained`'s backbone on `data`
  /// (standard without `attack`, adversarial with it). `pretrained` is never changed.
  ///
  /// The backbone's BN statistics are transferred with its weights (after Selfie they were
  /// gathered on patches, as in the paper's code). History per epoch: `loss`, `acc`, `lr`,
  /// `time`, and with a validation set `val_sa` and `val_ra`; Ctrl-C throws `TrainingInterrupted`.
  public static func finetune(
    _ pretrained: Model, on data: Dataset, attack: Attack? = nil, options: FineTuningOptions = FineTuningOptions(),
    progress: ((TrainingProgress) -> Void)? = nil
  ) throws -> FineTuningResult {
    try check(pretrained, data, options)
    let variant = FineTuningVariant(mode: options.mode, adversarial: attack != nil)
    let (model, transfer) = try prepare(pretrained, classes: options.classes ?? data.numClasses, options: options)
    model.label = "\(pretrained.label) \(variant.rawValue)"
    let validation = try options.validation.map { try $0.limited(to: options.validationLimit ?? $0.count) }
    let evaluationAttack = try options.evaluationAttack ?? ThreatModel.evaluationAttack(for: data.imageShape, trainingAttack: attack)
    let tracker = BestRobustModel(path: options.checkpointPath)
    let evaluation: EpochEvaluation? = validation.map { v in
      { model, epoch in
        let (sa, ra) = try accuracies(model, on: v, attack: evaluationAttack, batchSize: options.training.batchSize)
        try tracker.offer(model, epoch: epoch, robustAccuracy: ra)
        return ["val_sa": sa, "val_ra": ra]
      }
    }
    let loss = attack.map { AdversarialTraining.loss(attack: $0, objective: options.objective, batchNormInTrainMode: options.batchNormInTrainMode, earlyStop: options.earlyStop) } ?? standardLoss
    var resumed = (epochs: 0, cpuSeconds: 0.0, wallSeconds: 0.0)
    let resumption = options.resumePath.map { path in
      var r = TrainingResumption(path: path)
      r.extraState = { tracker.state }
      r.restore = { snapshot in
        try tracker.restore(snapshot, like: model)
        resumed = (snapshot.epochsDone, snapshot.cpuSeconds, snapshot.wallSeconds)
      }
      return r
    }
    let history = try Trainer.train(model, on: data, options: options.training, label: model.label, loss: loss, evaluation: evaluation,
                                    accuracyName: attack == nil ? "acc" : "adv_acc", resumption: resumption, progress: progress)
    history.settings = settings(variant, attack, evaluationAttack, validation, options)
    var result = FineTuningResult(variant: variant, model: model, bestModel: tracker.model ?? model,
                                  bestEpoch: tracker.epoch ?? options.training.epochs, bestRobustAccuracy: tracker.robustAccuracy,
                                  history: history, transfer: transfer)
    result.resumed = resumed
    return result
  }

  /// A fresh model of `pretrained`'s recipe with a new `classes`-way head and the transferred
  /// backbone, frozen for partial fine-tuning.
  public static func prepare(_ pretrained: Model, classes: Int, options: FineTuningOptions) throws -> (Model, TransferReport) {
    guard classes >= 2 else { throw SSLError("fine-tuning needs at least 2 classes, got \(classes)") }
    let model = try ModelBuilder.build(pretrained.config, layout: pretrained.activationLayout)
    model.replaceHead(model.makeHead(outputs: classes, seed: options.headSeed))
    let report = Checkpoint.transferBackbone(from: pretrained, into: model)
    if options.mode == .partial { model.backbone.setFrozen(true) }
    return (model, report)
  }

  /// SA and RA: clean accuracy and accuracy under `attack` on `data` (eval mode; the attack runs
  /// only on clean-correct points, so RA ≤ SA).
  public static func accuracies(_ model: Classifier, on data: Dataset, attack: Attack, batchSize: Int = 256) throws -> (standard: Double, robust: Double) {
    let members = (model as? ModelEnsemble)?.members ?? [model]
    for case let m as Model in members where m.config.inputShape != data.imageShape {
      throw SSLError("\(m.label) takes \(m.config.inputShape) images but the data has \(data.imageShape)")
    }
    let correct = try RobustEvaluation.cleanCorrect(model, data, batchSize: max(batchSize, 1))
    let broken = try RobustEvaluation.brokenBy(attack, model, data, among: correct, batchSize: max(batchSize, 1))
    let clean = correct.filter { $0 }.count
    let n = Double(max(data.count, 1))
    return (Double(clean) / n, Double(clean - broken.count) / n)
  }

  static func check(_ model: Model, _ data: Dataset, _ options: FineTuningOptions) throws {
    guard data.imageShape == model.config.inputShape else {
      throw SSLError("finetune: the data's images are \(data.imageShape) but the model takes \(model.config.inputShape); use a model built for this data")
    }
    guard data.count > 0 else { throw SSLError("finetune: the data set is empty") }
    if let v = options.validation, v.imageShape != data.imageShape {
      throw SSLError("finetune: validation images are \(v.imageShape) but the training images are \(data.imageShape)")
    }
    if let limit = options.validationLimit, limit < 1 { throw SSLError("finetune: validation limit must be at least 1, got \(limit)") }
    try PretextTrainingLoop.validate(options.training)
  }

  static func settings(_ variant: FineTuningVariant, _ attack: Attack?, _ evaluationAttack: Attack, _ validation: Dataset?, _ options: FineTuningOptions) -> [String: String] {
    var s = PretextTrainingLoop.describe(options.training)
    s["finetuning"] = "\(variant.rawValue) \(variant.summary)"
    s["attack"] = attack?.description ?? "none"
    s["objective"] = attack == nil ? "standard" : options.objective.label
    s["attack_bn"] = options.batchNormInTrainMode ? "train" : "eval"
    s["evaluation_attack"] = validation == nil ? "none" : evaluationAttack.description
    s["validation_examples"] = String(validation?.count ?? 0)
    s["head_seed"] = String(options.headSeed)
    s["checkpoint"] = options.checkpointPath ?? "memory"
    return s
  }
}

/// The best-RA model seen so far (strictly better RA wins, so ties keep the earliest epoch).
final class BestRobustModel {
  let path: String?
  private(set) var model: Model?
  private(set) var epoch: Int?
  private(set) var robustAccuracy: Double?

  init(path: String?) { self.path = path }

  func offer(_ candidate: Model, epoch: Int, robustAccuracy ra: Double) throws {
    if let best = robustAccuracy, ra <= best { return }
    model = candidate.copy()
    self.epoch = epoch
    robustAccuracy = ra
    if let path, let model {
      try Checkpoint.save(model, to: path, metadata: ["aegis.best_epoch": String(epoch), "aegis.val_ra": String(ra)])
    }
  }

  /// The best model so far and its epoch and RA, as a training snapshot's extra state.
  var state: (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
    guard let model, let epoch, let robustAccuracy else { return ([], [:]) }
    return (model.stateDict().map { ("best.\($0.name)", $0.tensor) },
            ["best_epoch": String(epoch), "best_val_ra": String(robustAccuracy.bitPattern)])
  }

  /// Takes back the state saved by `state`; `like` gives the best model's architecture.
  func restore(_ snapshot: TrainingSnapshot, like template: Model) throws {
    guard let epochText = snapshot.extraMetadata["best_epoch"], let e = Int(epochText),
          let raBits = snapshot.extraMetadata["best_val_ra"].flatMap({ UInt64($0) }) else { return }
    let best = template.copy()
    let tensors = snapshot.extraTensors.filter { $0.name.hasPrefix("best.") }.map { (String($0.name.dropFirst(5)), $0.tensor) }
    try Checkpoint.load(Dictionary(tensors, uniquingKeysWith: { a, _ in a }), into: best, source: "the resume file's best model")
    (model, epoch, robustAccuracy) = (best, e, Double(bitPattern: raBits))
  }
}
