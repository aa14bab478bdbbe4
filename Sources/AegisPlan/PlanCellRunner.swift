// Runs one cell of a paper grid in this process: loads its dependencies' checkpoints, trains,
// evaluates, writes its checkpoint and then its result (both atomically). It trains exactly as
// `PaperGrid.run` does (the same option builders, seeds and data split), so a cell gives the
// same numbers alone, in a plan, locally or on Slurm.

import AegisData
import AegisNN
import AegisRobust
import AegisSSL
import Foundation

/// One cell of a grid, run against its plan directory.
public struct PlanCellRunner {
  public let grid: PaperGrid
  public let plan: PlanDirectory
  let train: Dataset, validation: Dataset, test: Dataset
  /// Where long evaluations report their stages (the cell's log), besides training progress.
  public var log: ((String) -> Void)? = nil

  /// `train`/`test` are the data the script passed to `grid` (split here as `run` splits them).
  public init(grid: PaperGrid, plan: PlanDirectory, train: Dataset, test: Dataset) throws {
    try grid.validate()
    self.grid = grid
    self.plan = plan
    let parts = try grid.split(train, test)
    self.train = parts.0
    validation = parts.1
    self.test = parts.2
  }

  /// Runs cell `id` and records it; `progress` sees its training.
  public func run(_ id: String, progress: ((TrainingProgress) -> Void)? = nil) throws -> PlanResult {
    let cell = try plan.cell(id)
    for dependency in cell.dependencies where !plan.isDone(dependency) {
      throw PlanError("cell \(id) needs \(dependency), which is not done: run it first (aegis cell \(plan.path) \(dependency))")
    }
    let start = Date(), cpuStart = processCPUSeconds()
    var config = grid.model
    config.seed = cell.seed
    let mode = try PretrainingMode(parsing: cell.kind == .run ? "P1" : cell.pretraining)
    var row: GridCell?
    var curves: StudyRecord.Curves?
    var earlier = (cpuSeconds: 0.0, wallSeconds: 0.0)  // what killed attempts of this cell had done
    switch cell.kind {
    case .pretrain:
      guard let task = grid.tasks.first(where: { $0.name == cell.task }) else { throw PlanError("cell \(id): the script's grid has no task \(cell.task)") }
      let result = try Pretraining.pretrain(try ModelBuilder.build(config), on: train, task: task, mode: mode,
                                            attack: mode == .adversarial ? grid.trainingAttack : nil,
                                            options: grid.pretrainingOptions(seed: cell.seed), progress: progress)
      try Checkpoint.save(result.model, to: plan.checkpointPath(id))
    case .ensemblePretrain:
      let result = try TaskEnsemblePretraining.pretrain(try ModelBuilder.build(config), on: train, tasks: grid.ensembleTasks ?? grid.tasks,
                                                        attack: mode == .adversarial ? grid.trainingAttack : nil,
                                                        options: grid.taskEnsembleOptions(seed: cell.seed), progress: progress)
      try Checkpoint.save(result.model, to: plan.checkpointPath(id))
    case .finetune:
      (row, curves, earlier) = try fineTune(cell, mode: mode, config: config, progress: progress)
    case .modelEnsemble:
      row = try modelEnsemble(cell, mode: mode)
    case .autoattack:
      try autoAttack(cell)
    case .run:
      throw PlanError("cell \(id) is a run of a general plan(...), but the script reached grid(...) first")
    }
    if let row, grid.studyName != nil {
      try writeStudyRecord(cell, row, curves: curves, cpuSeconds: earlier.cpuSeconds + processCPUSeconds() - cpuStart)
    }
    let wrote = cell.kind == .finetune || cell.kind == .pretrain || cell.kind == .ensemblePretrain
    let result = PlanResult(id: id, kind: cell.kind, cell: row, seconds: earlier.wallSeconds + Date().timeIntervalSince(start),
                            checkpoint: wrote ? "checkpoints/\(id).safetensors" : nil)
    try plan.write(result, to: plan.resultPath(id))
    // Only once the result is written: a kill before it must still find the saved progress.
    for path in [plan.progressPath(id), plan.evaluationProgressPath(id)] { try? FileManager.default.removeItem(atPath: path) }
    return result
  }

  /// F1–F4 from the dependency's checkpoint (P1: the fresh model of the seed), continuing a
  /// killed attempt from its last epoch (`progress/ID.safetensors`); also returns the CPU and
  /// wall seconds the earlier attempts had put into the epochs it did not redo.
  func fineTune(_ cell: PlanCell, mode: PretrainingMode, config: ModelConfig, progress: ((TrainingProgress) -> Void)?)
    throws -> (GridCell, StudyRecord.Curves?, (cpuSeconds: Double, wallSeconds: Double)) {
    let variant = try FineTuningVariant(parsing: cell.finetuning ?? "")
    var pretrained = try ModelBuilder.build(config)
    var pretrainingSeconds = 0.0
    if let dependency = cell.dependencies.first {
      pretrained = try Checkpoint.load(plan.checkpointPath(dependency))
      pretrainingSeconds = try plan.result(dependency)?.seconds ?? 0
    }
    let start = Date()
    var options = grid.fineTuningOptions(variant, seed: cell.seed, validation: validation)
    options.resumePath = plan.progressPath(cell.id)
    if let saved = try TrainingSnapshot.read(plan.progressPath(cell.id)) {
      log?("continuing after epoch \(saved.epochsDone) of \(options.training.epochs) from progress/\(cell.id).safetensors (\(Int(saved.cpuSeconds)) CPU-s done before)")
    }
    let result = try FineTuning.finetune(pretrained, on: train, attack: variant.isAdversarial ? grid.trainingAttack : nil,
                                         options: options, progress: progress)
    let (sa, ra) = try FineTuning.accuracies(result.bestModel, on: test, attack: grid.evaluationAttack, batchSize: grid.finetuneTraining.batchSize)
    try Checkpoint.save(result.bestModel, to: plan.checkpointPath(cell.id))
    let valSA = result.history.series("val_sa").map(\.value), valRA = result.history.series("val_ra").map(\.value)
    let curves = valSA.isEmpty || valSA.count != valRA.count ? nil : StudyRecord.Curves(valSA: valSA, valRA: valRA)
    return (GridCell(row: cell.row, pretraining: mode, finetuning: variant, seed: cell.seed, standardAccuracy: sa, robustAccuracy: ra,
                     epochsToBestRobust: result.bestEpoch, seconds: result.resumed.wallSeconds + Date().timeIntervalSince(start),
                     pretrainingSeconds: pretrainingSeconds),
            curves, (result.resumed.cpuSeconds, result.resumed.wallSeconds))
  }

  /// The averaged-probability ensemble of the member cells' best-RA models.
  func modelEnsemble(_ cell: PlanCell, mode: PretrainingMode) throws -> GridCell {
    let start = Date()
    let members = try cell.dependencies.map { try Checkpoint.load(plan.checkpointPath($0)) as Classifier }
    let ensemble = ModelEnsemble(members, label: "ensemble-finetune")
    let (sa, ra) = try FineTuning.accuracies(ensemble, on: test, attack: grid.evaluationAttack, batchSize: grid.finetuneTraining.batchSize)
    return GridCell(row: cell.row, pretraining: mode, finetuning: .f4, seed: cell.seed, standardAccuracy: sa, robustAccuracy: ra,
                    epochsToBestRobust: nil, seconds: Date().timeIntervalSince(start), pretrainingSeconds: 0)
  }
}
