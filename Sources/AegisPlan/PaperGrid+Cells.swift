// The cells of a paper grid, in the same order `PaperGrid.run` trains them, with their
// dependencies: a fine-tuning cell needs its pretraining cell's checkpoint (P1 needs none: the
// fresh model is rebuilt from the seed), the model ensemble needs its per-task F4 members.

import AegisSSL
import Foundation

extension PaperGrid {
  /// Every cell of the grid (one seed after the other, as `run` does).
  public func planCells() -> [PlanCell] {
    seeds.flatMap(planCells(seed:))
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

  private func cell(_ id: String, _ kind: PlanCellKind, stage: Int, row: String, task: String, _ mode: PretrainingMode,
                    _ variant: FineTuningVariant?, _ seed: UInt64, _ dependencies: [String], _ extra: [String: String]) -> PlanCell {
    var s = settings
    s["seed"] = String(seed)
    s["attack"] = trainingAttack.description
    for (k, v) in extra { s[k] = v }
    return PlanCell(id: id, kind: kind, stage: stage, row: row, task: task, pretraining: mode.paperName, finetuning: variant?.rawValue,
                    seed: seed, dependencies: dependencies, settings: s)
  }
}
