// The study side of a cell (issue 12): a measured cell of a grid that names a study writes its
// raw result as a study record (aegis-study-cell/1, Sources/AegisSSL/StudyRecord.swift) to the
// plan's records/ folder, and an AutoAttack cell adds the worst case over AutoAttack's standard
// suite to its F4 cell's record. `study_collect` builds docs/results.md §3 from these files.

import AegisData
import AegisNN
import AegisRobust
import AegisSSL
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension PlanCellRunner {
  /// The record of a finished fine-tuning or model-ensemble cell.
  func writeStudyRecord(_ cell: PlanCell, _ row: GridCell, curves: StudyRecord.Curves?, cpuSeconds: Double) throws {
    let kind = cell.kind == .modelEnsemble ? "model-ensemble" : row.row == "ensemble-pretrain" ? "task-ensemble" : "cell"
    let task = kind == "cell" ? (row.row == "none" ? "none" : row.row) : "ensemble"
    let record = StudyRecord(study: grid.studyName ?? "grid", cell: cell.id, kind: kind, task: task, pretraining: cell.pretraining,
                             finetuning: cell.finetuning ?? "F4", seed: Int(cell.seed),
                             members: cell.kind == .modelEnsemble ? cell.dependencies : nil,
                             sa: row.standardAccuracy, nTest: test.count, ra: ["pgd20": row.robustAccuracy], curves: curves,
                             settings: cell.settings, cpuSeconds: cpuSeconds)
    // Plans written before records/ existed lack the folder.
    try FileManager.default.createDirectory(atPath: (plan.recordPath(cell.id) as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    try record.write(to: plan.recordPath(cell.id))
  }

  /// AutoAttack (APGD-CE 100, APGD-T 9 targets, FAB-T 9 targets, Square 5000; per-example worst
  /// case) on the first `autoAttackImages` test images of the dependency's final model, and the
  /// evaluation attack on the same images, so the two are paired point by point.
  func autoAttack(_ cell: PlanCell) throws {
    guard let f4 = cell.dependencies.first else { throw PlanError("cell \(cell.id): an AutoAttack cell needs its F4 cell") }
    let model: Classifier = try Checkpoint.load(plan.checkpointPath(f4))
    let images = Int(cell.settings["autoattack_images"] ?? "") ?? grid.autoAttackImages
    let subset = try test.limited(to: min(images, test.count))
    let epsilon = grid.evaluationAttack.settings.epsilon
    let suite = try AutoAttackSuite.standard(epsilon: epsilon, seed: cell.seed, targets: min(9, max(model.numClasses - 1, 1)))
    let batch = grid.finetuneTraining.batchSize
    let cpuStart = processCPUSeconds()
    // One log line per attack: the suite can run for an hour with nothing else to show.
    let stage: (String) -> Void = { [log] line in log?("cell \(cell.id): " + line) }
    stage("AutoAttack (\(suite.map(\.name).joined(separator: ", "))) on \(subset.count) test images")
    // Saved after every attacked batch: a killed attempt continues from its last batch.
    let progressFile = plan.evaluationProgressPath(cell.id)
    let saved = try EvaluationProgress.read(progressFile)
    if let saved {
      stage("continuing after \(saved.finished.count) of \(suite.count) attacks and \(saved.candidatesDone) candidates of the next (\(Int(saved.cpuSeconds)) CPU-s done before)")
    }
    let worst = try RobustEvaluation.evaluate(model, on: subset, attacks: suite, batchSize: batch, resumePath: progressFile, progress: stage)
    let reference = try RobustEvaluation.evaluate(model, on: subset, attacks: [grid.evaluationAttack], batchSize: batch)
    guard FileManager.default.fileExists(atPath: plan.recordPath(f4)) else {
      throw PlanError("cell \(cell.id): no study record of \(f4) at \(plan.recordPath(f4)) (the grid must name a study: grid(..., study: \"name\"))")
    }
    var record = try StudyRecord.read(file: plan.recordPath(f4))
    // APGD-CE runs first, so its figure is APGD-CE alone; the others in the breakdown are
    // cumulative (each attacks what the previous left), so only the worst case is recorded.
    record.ra["apgd-ce-1k"] = worst.breakdown.first?.accuracy
    record.ra["autoattack"] = worst.robustAccuracy
    record.ra["pgd20-1k"] = reference.robustAccuracy
    record.settings["autoattack_clean_accuracy"] = String(format: "%.4f", worst.cleanAccuracy)
    record.settings["autoattack_images"] = String(subset.count)
    record.settings["autoattack_breakdown"] = worst.breakdown.map { "\($0.attack) \(String(format: "%.4f", $0.accuracy))" }.joined(separator: "; ")
    record.settings["autoattack_flags"] = worst.flags.joined(separator: " | ")
    record.settings["autoattack_cpu_seconds"] = String(format: "%.0f", (saved?.cpuSeconds ?? 0) + processCPUSeconds() - cpuStart)
    try record.write(to: plan.recordPath(f4))
  }
}
