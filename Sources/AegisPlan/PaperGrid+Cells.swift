// The cells of a paper grid, in the same order `PaperGrid.run` trains them, with their
// dependencies: a fine-tuning cell needs its pretraining cell's checkpoint (P1 needs none: the
// fresh model is rebuilt from the seed), the model ensemble needs its per-task F4 members.

import AegisSSL
import Foundation

extension PaperGrid {
  /// Every cell of the grid (one seed after the other, as `run` does).
  /// A study's plan (`studyName` set) is ordered so that a partial run already decides the most:
  /// first the claim-1 cells (per-task pretraining and the task/P1 F4 fine-tuning) of every seed,
  /// then their AutoAttack cells, then everything else seed by seed. Runners start the first
  /// ready cells in this order.
  public func planCells() -> [PlanCell] {
    let training = seeds.flatMap(planCells(seed:))
    let claim1 = training.filter(\.isClaimOne)
    let attacked = autoAttackImages > 0 ? claim1.filter { $0.kind == .finetune }.map(autoAttackCell) : []
    guard studyName != nil else { return training + attacked }
    return claim1 + attacked + training.filter { !$0.isClaimOne }
  }

  func autoAttackCell(_ f4: PlanCell) -> PlanCell {
    cell(f4.id + "-AA", .autoattack, stage: 2, row: f4.row, task: f4.task, (try? PretrainingMode(parsing: f4.pretraining)) ?? .noPretraining,
         .f4, f4.seed, [f4.id], ["autoattack_images": String(autoAttackImages)])
  }

  func planCells(seed: UInt64) -> [PlanCell] {
    let s = "s\(seed)"
    var cells: [PlanCell] = []
    var pretrained: [(row: String, mode: PretrainingMode, cell: String?)] = []
    if pretrainings.contains(.noPretraining) { pretrained.append(("none", .noPretraining, nil)) }
    for task in tasks {
      for mode in pretrainings where mode != .noPretraining {
        let id = "\(s)-\(task.name)-\(mode.paperName)"
        cells.append(cell(id, .pretrain, stage: 0, row: task.name, task: task.name, mode, nil, seed, [],
                          ["task": task.summary, "pretrain_epochs": String(pretrainEpochs)]))
        pretrained.append((task.name, mode, id))
      }
    }
    var members: [String] = []
    for entry in pretrained {
      for variant in finetunings {
        let id = "\(s)-\(entry.row)-\(entry.mode.paperName)\(variant.rawValue)"
        cells.append(cell(id, .finetune, stage: 1, row: entry.row, task: entry.row == "none" ? "" : entry.row, entry.mode, variant, seed,
                          entry.cell.map { [$0] } ?? [], ["finetune_epochs": String(finetuneEpochs)]))
        if variant == .f4, entry.mode == ensemblePretraining, entry.row != "none" { members.append(id) }
      }
    }
    let ensembleTaskNames = (ensembleTasks ?? tasks).map(\.name).joined(separator: "+")
    if includeTaskEnsemble {
      let pre = "\(s)-ensemble-pretrain-\(ensemblePretraining.paperName)"
      cells.append(cell(pre, .ensemblePretrain, stage: 0, row: "ensemble-pretrain", task: ensembleTaskNames, ensemblePretraining, nil, seed, [], [:]))
      cells.append(cell(pre + "F4", .finetune, stage: 1, row: "ensemble-pretrain", task: ensembleTaskNames, ensemblePretraining, .f4, seed, [pre], [:]))
    }
    if includeModelEnsemble {
      cells.append(cell("\(s)-ensemble-finetune-\(ensemblePretraining.paperName)F4", .modelEnsemble, stage: 2, row: "ensemble-finetune",
                        task: ensembleTaskNames, ensemblePretraining, .f4, seed, members, [:]))
    }
    return cells
  }

  fileprivate func cell(_ id: String, _ kind: PlanCellKind, stage: Int, row: String, task: String, _ mode: PretrainingMode,
                    _ variant: FineTuningVariant?, _ seed: UInt64, _ dependencies: [String], _ extra: [String: String]) -> PlanCell {
    var s = settings
    s["seed"] = String(seed)
    s["attack"] = trainingAttack.description
    for (k, v) in extra { s[k] = v }
    return PlanCell(id: id, kind: kind, stage: stage, row: row, task: task, pretraining: mode.paperName, finetuning: variant?.rawValue,
                    seed: seed, dependencies: dependencies, settings: s)
  }
}

extension PlanCell {
  /// Per-task pretraining, or F4 fine-tuning of a task or of P1: what claim 1 compares.
  var isClaimOne: Bool {
    switch kind {
    case .pretrain: return true
    case .finetune: return finetuning == "F4" && !row.hasPrefix("ensemble")
    default: return false
    }
  }
}
