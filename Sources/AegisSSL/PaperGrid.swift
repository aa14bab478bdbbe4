// The paper's P×F protocol (Chen et al. 2020, Table 1; method.md §5.2) as one reproducible run:
// for each seed, pretrain once per task × P (P1 none — shared by every task —, P2 standard,
// P3 adversarial), fine-tune every pretrained model with every chosen F (F1 partial standard,
// F2 partial adversarial, F3 full standard, F4 full adversarial), keep each run's best-validation-
// RA model, and measure test SA and RA (PGD-20). Optional extra rows (method.md §7): task-ensemble
// pretraining → F4, and the model ensemble of the per-task F4 models (averaged probabilities).

import AegisData
import AegisNN
import AegisRobust
import AegisTensor
import Foundation

/// Where a grid run is.
public struct GridProgress {
  /// 1-based index of the current run (a pretraining, a fine-tuning or an ensemble evaluation).
  public var run: Int
  /// Number of runs of the whole grid.
  public var runs: Int
  /// "seed 0 · rotation P3 pretraining".
  public var stage: String
  /// The current training's progress, when training.
  public var training: TrainingProgress?
}

/// The Table-1 grid: tasks × P × F × seeds, with budgets, returning a `GridTable`.
public struct PaperGrid {
  /// The pretext tasks (one row per task and P; P1 is shared by all of them).
  public var tasks: [any PretextTask]
  /// The architecture (its seed is replaced by each grid seed).
  public var model: ModelConfig
  /// The P's and F's to run (all by default).
  public var pretrainings: [PretrainingMode] = PretrainingMode.allCases
  public var finetunings: [FineTuningVariant] = FineTuningVariant.allCases
  /// One full grid per seed (model init, training order, heads); results are mean ± std over them.
  public var seeds: [UInt64] = [0]
  /// Epoch budgets of every pretraining and every fine-tuning.
  public var pretrainEpochs = 1
  public var finetuneEpochs = 1
  /// Training examples (after holding out the validation set); nil = all the rest.
  public var trainSize: Int? = nil
  /// Examples held out of the training data for best-RA model selection (the official 5k of 50k).
  public var validationSize = 500
  /// Test examples (the first ones); nil = all.
  public var testSize: Int? = 1000
  /// Optimizer, batch size, schedule, augmentation of pretraining and fine-tuning (epochs and
  /// seeds are set by the grid).
  public var pretrainTraining = TrainingOptions()
  public var finetuneTraining = TrainingOptions()
  /// The training attack (P3, F2, F4, the task ensemble): PGD-10 at the default threat model.
  public var trainingAttack: Attack
  /// The evaluation attack (validation and test RA): PGD-20 at the default threat model.
  public var evaluationAttack: Attack
  /// P3's loss: ½ clean + ½ adversarial (official) or adversarial only.
  public var adversarialLoss: PretextAdversarialLoss = .mixed
  /// Training-time attacks with BN batch statistics (the official code) instead of eval mode.
  public var batchNormInTrainMode = false
  /// Extra row: task-ensemble pretraining (of `ensembleTasks`) → F4.
  public var includeTaskEnsemble = false
  /// Extra row: the model ensemble of the per-task (`ensemblePretraining`, F4) models.
  public var includeModelEnsemble = false
  /// Tasks of the task ensemble (nil = `tasks`).
  public var ensembleTasks: [any PretextTask]? = nil
  /// Pretraining of the ensembles: P3 (adversarial, the paper) or P2.
  public var ensemblePretraining: PretrainingMode = .adversarial
  /// The task ensemble's log-det penalty (λ, jitter, sign).
  public var penalty = GradientDiversityPenalty.paper
  /// Optimizer settings of the task-ensemble pretraining (nil = `pretrainTraining`).
  public var ensembleTraining: TrainingOptions? = nil
  /// Seed of the train/validation split.
  public var dataSeed: UInt64 = 0
  /// When set, a plan's measured cells also write a study record (aegis-study-cell/1, see
  /// StudyRecord) under this study name to the plan's records/ folder.
  public var studyName: String? = nil
  /// When > 0, a plan adds one AutoAttack cell per task/P1 F4 cell: the standard suite on the
  /// first this many test images (with the evaluation attack on the same images), added to
  /// that cell's study record.
  public var autoAttackImages = 0

  /// A grid over `tasks` for `model`, with PGD-10 / PGD-20 at the default threat model of its images.
  public init(tasks: [any PretextTask], model: ModelConfig) throws {
    self.tasks = tasks
    self.model = model
    trainingAttack = try ThreatModel.pgd(for: model.inputShape, steps: 10)
    evaluationAttack = try ThreatModel.pgd(for: model.inputShape, steps: 20)
  }

  /// Checks the settings before any work, with the fix in each message.
  public func validate() throws {
    guard !tasks.isEmpty || pretrainings == [.noPretraining] else { throw SSLError("grid: give at least one task (e.g. tasks: [rotation()])") }
    guard Set(tasks.map(\.name)).count == tasks.count else { throw SSLError("grid: tasks must be distinct, got \(tasks.map(\.name))") }
    guard !pretrainings.isEmpty, Set(pretrainings).count == pretrainings.count else { throw SSLError("grid: give distinct pretrainings among P1, P2, P3") }
    guard !finetunings.isEmpty, Set(finetunings).count == finetunings.count else { throw SSLError("grid: give distinct fine-tunings among F1…F4") }
    guard !seeds.isEmpty, Set(seeds).count == seeds.count else { throw SSLError("grid: give at least one seed, all distinct") }
    guard pretrainEpochs >= 1, finetuneEpochs >= 1 else { throw SSLError("grid: epochs must be at least 1") }
    guard validationSize >= 1 else { throw SSLError("grid: the validation size must be at least 1 (best-RA model selection needs it)") }
    if let n = trainSize, n < 1 { throw SSLError("grid: train size must be at least 1, got \(n)") }
    if let n = testSize, n < 1 { throw SSLError("grid: test size must be at least 1, got \(n)") }
    let probe = try ModelBuilder.build(model)
    for task in tasks + (ensembleTasks ?? []) { try task.validate(for: probe) }
    try PretextNetwork.checkAttack(trainingAttack)
    if includeTaskEnsemble || includeModelEnsemble {
      guard ensemblePretraining != .noPretraining else { throw SSLError("grid: ensembles need pretraining: set ensemblePretraining to P3 (or P2)") }
    }
    if includeTaskEnsemble { try TaskEnsemblePretraining.checkTasks(ensembleTasks ?? tasks) }
    if includeModelEnsemble {
      guard tasks.count >= 2, finetunings.contains(.f4), pretrainings.contains(ensemblePretraining) else {
        throw SSLError("grid: the model ensemble averages the per-task \(ensemblePretraining.paperName)F4 models: include F4, \(ensemblePretraining.paperName) and at least 2 tasks")
      }
    }
  }

  /// Number of pretraining, fine-tuning and ensemble runs.
  public var plannedRuns: Int {
    let pretrained = (pretrainings.contains(.noPretraining) ? 1 : 0) + tasks.count * pretrainings.filter { $0 != .noPretraining }.count
    let perSeed = tasks.count * pretrainings.filter { $0 != .noPretraining }.count + pretrained * finetunings.count
      + (includeTaskEnsemble ? 2 : 0) + (includeModelEnsemble ? 1 : 0)
    return perSeed * seeds.count
  }

  /// Runs the grid on `train` (split into train/validation) and `test`.
  public func run(train: Dataset, test: Dataset, progress: ((GridProgress) -> Void)? = nil) throws -> GridTable {
    try validate()
    let (trainSet, validationSet, testSet) = try split(train, test)
    let runner = PaperGridRunner(grid: self, train: trainSet, validation: validationSet, test: testSet, progress: progress)
    for seed in seeds { try runner.run(seed: seed) }
    var s = settings
    s["train_data"] = train.name
    s["train_examples"] = String(trainSet.count)
    s["validation_examples"] = String(validationSet.count)
    s["test_data"] = test.name
    s["test_examples"] = String(testSet.count)
    return GridTable(settings: s, cells: runner.cells)
  }

  /// Held-out validation (first `validationSize` of a seeded shuffle), training (next
  /// `trainSize`) and test (first `testSize`) sets.
  public func split(_ train: Dataset, _ test: Dataset) throws -> (Dataset, Dataset, Dataset) {
    guard train.imageShape == model.inputShape, test.imageShape == model.inputShape else {
      throw SSLError("grid: the model takes \(model.inputShape) images but the data has \(train.imageShape) (train) and \(test.imageShape) (test)")
    }
    guard train.count > validationSize else {
      throw SSLError("grid: \(train.count) training examples cannot give \(validationSize) validation examples and a training set; lower validationSize")
    }
    let shuffled = train.shuffled(seed: dataSeed)
    let validation = try shuffled.subset(Array(0..<validationSize))
    let rest = Array(validationSize..<train.count)
    let trainSet = try shuffled.subset(Array(rest.prefix(trainSize ?? rest.count)))
    return (trainSet, validation, try test.limited(to: testSize ?? test.count))
  }

  /// Every setting of the grid, for the exports.
  public var settings: [String: String] {
    var s: [String: String] = [
      "tasks": tasks.map(\.summary).joined(separator: "; "),
      "pretrainings": pretrainings.map(\.paperName).joined(separator: ","),
      "finetunings": finetunings.map(\.rawValue).joined(separator: ","),
      "seeds": seeds.map(String.init).joined(separator: ","),
      "model": model.json(), "pretrain_epochs": String(pretrainEpochs), "finetune_epochs": String(finetuneEpochs),
      "train_size": trainSize.map(String.init) ?? "all", "validation_size": String(validationSize),
      "test_size": testSize.map(String.init) ?? "all", "data_seed": String(dataSeed),
      "training_attack": trainingAttack.description, "evaluation_attack": evaluationAttack.description,
      "adversarial_loss": adversarialLoss.rawValue, "attack_bn": batchNormInTrainMode ? "train" : "eval",
      "finetune_objective": "madry", "task_ensemble": String(includeTaskEnsemble), "model_ensemble": String(includeModelEnsemble),
      "ensemble_pretraining": ensemblePretraining.paperName,
      "ensemble_tasks": (ensembleTasks ?? tasks).map(\.name).joined(separator: "+"),
    ]
    if let studyName { s["study"] = studyName }
    if autoAttackImages > 0 { s["autoattack_images"] = String(autoAttackImages) }
    for (k, v) in PretextTrainingLoop.describe(pretrainTraining) where k != "epochs" && k != "seed" { s["pretrain." + k] = v }
    for (k, v) in PretextTrainingLoop.describe(finetuneTraining) where k != "epochs" && k != "seed" { s["finetune." + k] = v }
    if let e = ensembleTraining { for (k, v) in PretextTrainingLoop.describe(e) where k != "epochs" && k != "seed" { s["ensemble." + k] = v } }
    for (k, v) in penalty.settings { s[k] = v }
    return s
  }
}

/// The state of one grid run: counts runs, reports progress, collects cells.
final class PaperGridRunner {
  let grid: PaperGrid
  let train: Dataset, validation: Dataset, test: Dataset
  let progress: ((GridProgress) -> Void)?
  var cells: [GridCell] = []
  var run = 0

  init(grid: PaperGrid, train: Dataset, validation: Dataset, test: Dataset, progress: ((GridProgress) -> Void)?) {
    self.grid = grid
    self.train = train
    self.validation = validation
    self.test = test
    self.progress = progress
  }

  /// One seed: pretrain once per task × P, fine-tune each with every F, then the ensembles.
  func run(seed: UInt64) throws {
    var config = grid.model
    config.seed = seed
    let base = try ModelBuilder.build(config)
    base.label = "P1"
    var pretrained: [(row: String, mode: PretrainingMode, model: Model, seconds: Double)] = []
    if grid.pretrainings.contains(.noPretraining) { pretrained.append(("none", .noPretraining, base, 0)) }
    for task in grid.tasks {
      for mode in grid.pretrainings where mode != .noPretraining {
        let start = Date()
        let result = try step("seed \(seed) · \(task.name) \(mode.paperName) pretraining") { report in
          try Pretraining.pretrain(base, on: train, task: task, mode: mode, attack: mode == .adversarial ? grid.trainingAttack : nil,
                                   options: pretrainOptions(seed), progress: report)
        }
        pretrained.append((task.name, mode, result.model, Date().timeIntervalSince(start)))
      }
    }
    var ensembleMembers: [Model] = []
    for entry in pretrained {
      for variant in grid.finetunings {
        let best = try fineTune(entry.model, row: entry.row, mode: entry.mode, variant: variant, seed: seed, pretrainingSeconds: entry.seconds)
        if variant == .f4, entry.mode == grid.ensemblePretraining, entry.row != "none" { ensembleMembers.append(best) }
      }
    }
    if grid.includeTaskEnsemble { try taskEnsemble(base, seed: seed) }
    if grid.includeModelEnsemble { try modelEnsemble(ensembleMembers, seed: seed) }
  }

  /// Fine-tunes `pretrained` with `variant`, measures test SA/RA of the best-RA model, records the cell.
  func fineTune(_ pretrained: Model, row: String, mode: PretrainingMode, variant: FineTuningVariant, seed: UInt64, pretrainingSeconds: Double) throws -> Model {
    let start = Date()
    let result = try step("seed \(seed) · \(row) \(mode.paperName)\(variant.rawValue) fine-tuning") { report in
      try FineTuning.finetune(pretrained, on: train, attack: variant.isAdversarial ? grid.trainingAttack : nil,
                              options: finetuneOptions(variant, seed), progress: report)
    }
    let (sa, ra) = try FineTuning.accuracies(result.bestModel, on: test, attack: grid.evaluationAttack, batchSize: grid.finetuneTraining.batchSize)
    cells.append(GridCell(row: row, pretraining: mode, finetuning: variant, seed: seed, standardAccuracy: sa, robustAccuracy: ra,
                          epochsToBestRobust: result.bestEpoch, seconds: Date().timeIntervalSince(start), pretrainingSeconds: pretrainingSeconds))
    return result.bestModel
  }

  /// Task-ensemble pretraining → F4.
  func taskEnsemble(_ base: Model, seed: UInt64) throws {
    let start = Date()
    let options = grid.taskEnsembleOptions(seed: seed)
    let tasks = grid.ensembleTasks ?? grid.tasks
    let result = try step("seed \(seed) · task-ensemble \(grid.ensemblePretraining.paperName) pretraining") { report in
      try TaskEnsemblePretraining.pretrain(base, on: train, tasks: tasks, attack: grid.ensemblePretraining == .adversarial ? grid.trainingAttack : nil,
                                           options: options, progress: report)
    }
    _ = try fineTune(result.model, row: "ensemble-pretrain", mode: grid.ensemblePretraining, variant: .f4, seed: seed,
                     pretrainingSeconds: Date().timeIntervalSince(start))
  }

  /// The model ensemble (averaged probabilities, attacked as one model) of the per-task F4 models.
  func modelEnsemble(_ members: [Model], seed: UInt64) throws {
    let start = Date()
    let ensemble = ModelEnsemble(members, label: "ensemble-finetune")
    let (sa, ra) = try step("seed \(seed) · model ensemble of \(members.count) F4 models") { _ in
      try FineTuning.accuracies(ensemble, on: test, attack: grid.evaluationAttack, batchSize: grid.finetuneTraining.batchSize)
    }
    cells.append(GridCell(row: "ensemble-finetune", pretraining: grid.ensemblePretraining, finetuning: .f4, seed: seed,
                          standardAccuracy: sa, robustAccuracy: ra, epochsToBestRobust: nil,
                          seconds: Date().timeIntervalSince(start), pretrainingSeconds: 0))
  }

  /// Counts a run, reports it, checks for cancellation, and forwards training progress.
  func step<T>(_ stage: String, _ body: (((TrainingProgress) -> Void)?) throws -> T) throws -> T {
    try Cancellation.check()
    run += 1
    let (index, total, report) = (run, grid.plannedRuns, progress)
    report?(GridProgress(run: index, runs: total, stage: stage, training: nil))
    let forward: ((TrainingProgress) -> Void)? = report.map { r in { r(GridProgress(run: index, runs: total, stage: stage, training: $0)) } }
    return try body(forward)
  }

  func pretrainOptions(_ seed: UInt64) -> PretrainingOptions { grid.pretrainingOptions(seed: seed) }

  func finetuneOptions(_ variant: FineTuningVariant, _ seed: UInt64) -> FineTuningOptions {
    grid.fineTuningOptions(variant, seed: seed, validation: validation)
  }
}

/// The options of each run of the grid (shared by the in-process runner and plan cells, so a
/// cell run alone trains exactly as it does inside `run`).
extension PaperGrid {
  public func pretrainingOptions(seed: UInt64) -> PretrainingOptions {
    var o = PretrainingOptions()
    o.training = pretrainTraining
    o.training.epochs = pretrainEpochs
    o.training.seed = seed
    o.adversarialLoss = adversarialLoss
    o.batchNormInTrainMode = batchNormInTrainMode
    o.headSeed = seed
    return o
  }

  public func fineTuningOptions(_ variant: FineTuningVariant, seed: UInt64, validation: Dataset) -> FineTuningOptions {
    var o = FineTuningOptions()
    o.training = finetuneTraining
    o.training.epochs = finetuneEpochs
    o.training.seed = seed
    o.mode = variant.mode
    o.batchNormInTrainMode = batchNormInTrainMode
    o.validation = validation
    o.validationLimit = nil
    o.evaluationAttack = evaluationAttack
    o.headSeed = seed
    return o
  }

  public func taskEnsembleOptions(seed: UInt64) -> TaskEnsembleOptions {
    var options = TaskEnsembleOptions()
    options.training = ensembleTraining ?? pretrainTraining
    options.training.epochs = pretrainEpochs
    options.training.seed = seed
    options.penalty = penalty
    options.batchNormInTrainMode = batchNormInTrainMode
    options.headSeed = seed
    return options
  }
}
