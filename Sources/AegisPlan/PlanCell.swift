// One cell of a plan on disk (cells/ID.json): one training run with every setting that made it
// and the cells it needs first. A cell is a process: `aegis cell DIR ID` runs exactly this.

import Foundation

/// What a cell does.
public enum PlanCellKind: String, Codable, Sendable {
  /// Self-supervised pretraining (P2/P3) of one task; writes a checkpoint, no table row.
  case pretrain
  /// Task-ensemble pretraining; writes a checkpoint, no table row.
  case ensemblePretrain = "ensemble-pretrain"
  /// Fine-tuning (F1–F4) of a pretrained (or, for P1, fresh) model; one table row per seed.
  case finetune
  /// Evaluation of the ensemble of its member F4 models; one table row per seed.
  case modelEnsemble = "model-ensemble"
  /// One call of a script function (a general `plan`); its return value is the result.
  case run
  /// AutoAttack's standard suite on the final model of its one dependency (an F4 cell), on the
  /// first `autoattack_images` test images; adds to that cell's study record.
  case autoattack
}

/// One cell: identity, settings, dependencies.
public struct PlanCell: Codable, Sendable, Equatable {
  /// File-name-safe id, e.g. "s0-rotation-P3F4".
  public var id: String
  public var kind: PlanCellKind
  /// 0 = pretraining, 1 = fine-tuning, 2 = model ensembles (one Slurm array each).
  public var stage: Int
  /// Table row ("rotation", "none", "ensemble-pretrain", "ensemble-finetune").
  public var row: String
  /// The pretext task(s) ("rotation", or "rotation+jigsaw" for the task ensemble; "" for P1).
  public var task: String
  /// "P1"/"P2"/"P3" and, for fine-tuning and ensembles, "F1"…"F4" (nil for pretraining).
  public var pretraining: String
  public var finetuning: String?
  public var seed: UInt64
  /// Cells whose results (checkpoints) this cell loads.
  public var dependencies: [String]
  /// Every setting of this cell (budget, attacks, optimizer, model, data sizes …).
  public var settings: [String: String]

  public init(id: String, kind: PlanCellKind, stage: Int, row: String, task: String, pretraining: String,
              finetuning: String?, seed: UInt64, dependencies: [String], settings: [String: String]) {
    self.id = id
    self.kind = kind
    self.stage = stage
    self.row = row
    self.task = task
    self.pretraining = pretraining
    self.finetuning = finetuning
    self.seed = seed
    self.dependencies = dependencies
    self.settings = settings
  }

  /// Whether this cell gives a row of the table.
  public var isMeasured: Bool { kind == .finetune || kind == .modelEnsemble }
}
