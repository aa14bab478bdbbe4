// Builtins of the paper (Chen et al., CVPR 2020): pretext tasks as values, standard and
// adversarial self-supervised pretraining (P1–P3), partial/full standard/adversarial fine-tuning
// (F1–F4), task-ensemble pretraining with the log-det diversity penalty, model ensembles, and
// the P×F grid with its table, CSV/JSON export and SA-vs-RA scatter.

import AegisData
import AegisNN
import AegisPlot
import AegisRobust
import AegisSSL
import AegisTensor
import Foundation

/// Registers the ssl family.
public func registerSSLBuiltins(into registry: BuiltinRegistry) {
  registry.register([rotationBuiltin, jigsawBuiltin, selfieBuiltin, pretrainBuiltin, finetuneBuiltin, taskAccuracyBuiltin,
                     ensembleBuiltin, ensemblePretrainBuiltin, gridBuiltin, showTaskBuiltin])
}

private let paper = "Chen et al., CVPR 2020, arXiv:2003.12862"

/// A pretext task value.
public final class TaskObject: AegisObject {
  public let task: any PretextTask
  public init(_ task: any PretextTask) { self.task = task }
  public var typeName: String { "Task" }
  public var summary: String {
    switch task {
    case let j as JigsawTask: return "Task jigsaw: \(j.classes) permutations (\(j.permutations.selection.rawValue)), identity bias \(j.identityBias)"
    case let s as SelfieTask: return "Task selfie: \(s.maskedPatches) of \(s.gridSize * s.gridSize) patches masked, \(s.layers) layers × \(s.heads) heads\(s.officialDoubleSoftmax ? ", official double softmax" : "")"
    case let r as RotationTask: return "Task rotation: 4 classes\(r.allRotations ? ", all four rotations per image" : ", one rotation per image (balanced)")"
    default: return "Task \(task.name): \(task.classes) classes"
    }
  }
  public var memberNames: [String] { ["name", "classes"] }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "name": return .string(task.name)
    case "classes": return .number(Double(task.classes))
    default: return nil
    }
  }
}

/// A grid run's table: prints like the paper's table, exports, plots as the SA-vs-RA scatter.
public final class GridTableObject: AegisObject, ScatterSource, Exportable {
  public let table: GridTable
  public init(_ table: GridTable) { self.table = table }
  public var typeName: String { "Table" }
  public var summary: String { "Table: \(table.cells.count) cells" }
  public func describe() -> String { table.description }
  public var scatterPoints: [(label: String, sa: Double, ra: Double)] {
    table.scatterPoints().map { ($0.label, $0.standardAccuracy, $0.robustAccuracy) }
  }
  public var scatterTitle: String { "standard vs robust accuracy (mean over seeds)" }
  public func csv() -> String { table.csv() }
  public func json() -> String { (try? table.json()) ?? "{}" }
  public var memberNames: [String] { ["cells", "rows"] }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "cells": return .number(Double(table.cells.count))
    case "rows": return .list(table.scatterPoints().map { .string($0.label) })
    default: return nil
    }
  }
}

private func sslError<T>(_ args: BoundArguments, _ body: () throws -> T) throws -> T {
  do { return try body() } catch let e as SSLError { throw args.error(e.description) }
}

private let rotationBuiltin = Builtin(
  name: "rotation", category: "ssl", summary: "The Rotation pretext task: predict the rotation (0/90/180/270°) of an image.",
  details: "One rotation per image, class-balanced per batch as the official code; `all: true` uses all four rotations of every image.",
  parameters: [Parameter("all", .bool, default: .bool(false), doc: "all four rotations per image (4× the batch)")],
  returns: "Task", example: "t = rotation()", paperReference: paper + " §3.1; Gidaris et al. 2018"
) { args, _ in .object(TaskObject(RotationTask(allRotations: try args.bool("all")))) }

private let jigsawBuiltin = Builtin(
  name: "jigsaw", category: "ssl", summary: "The Jigsaw pretext task: which permutation shuffled the 4×4 grid of patches.",
  details: "The permutation set (identity first) is chosen by maximal minimal Hamming distance from a seed (the official code draws it at random: `permutations: \"random\"`). With probability `bias` the identity is used (0.1 as the official code).",
  parameters: [Parameter("classes", .int, default: .number(31), doc: "permutations in the set (identity + 30)"),
               Parameter("permutations", .choice(["hamming", "random"]), default: .string("hamming"), doc: "how the set is chosen"),
               Parameter("bias", .number, default: .number(0.1), doc: "probability of forcing the identity"),
               Parameter("seed", .int, default: .number(0), doc: "seed of the permutation set")],
  returns: "Task", example: "t = jigsaw(classes: 31)", paperReference: paper + " §3.2; Noroozi & Favaro 2016"
) { args, _ in
  let selection: PermutationSet.Selection = try args.string("permutations") == "random" ? .random : .maximalHamming
  return .object(TaskObject(try sslError(args) {
    try JigsawTask(classes: try args.int("classes"), selection: selection, seed: UInt64(try args.int("seed")), identityBias: try args.number("bias"))
  }))
}

private let selfieBuiltin = Builtin(
  name: "selfie", category: "ssl", summary: "The Selfie pretext task: which masked patch fills each hole, by attention pooling of the visible patches.",
  details: "Patches are encoded by the backbone; a small transformer pools the visible ones; position embeddings form one query per masked position. Proper cross-entropy by default; `double_softmax: true` keeps the official code's softmax-then-CE quirk. `paper_size: true` uses the paper's 13 layers × 16 heads.",
  parameters: [Parameter("masked", .int, default: .number(4), doc: "patches masked per batch (of 16)"),
               Parameter("layers", .int, default: .number(2), doc: "transformer layers"),
               Parameter("heads", .int, default: .number(4), doc: "attention heads"),
               Parameter("double_softmax", .bool, default: .bool(false), doc: "the official double-softmax loss"),
               Parameter("paper_size", .bool, default: .bool(false), doc: "13 layers × 16 heads as the paper")],
  returns: "Task", example: "t = selfie(masked: 4)", paperReference: paper + " §3.3; Trinh et al. 2019"
) { args, _ in
  let double = try args.bool("double_softmax")
  return .object(TaskObject(try sslError(args) {
    try args.bool("paper_size") ? try SelfieTask.paperSize(officialDoubleSoftmax: double)
      : try SelfieTask(maskedPatches: try args.int("masked"), layers: try args.int("layers"), heads: try args.int("heads"), officialDoubleSoftmax: double)
  }))
}

private let pretrainBuiltin = Builtin(
  name: "pretrain", category: "ssl",
  summary: "Self-supervised pretraining of a copy of a model on a pretext task: P2 standard, P3 adversarial (with `attack:`).",
  details: "P3 attacks the pretext loss with PGD around the transformed images and trains on ½ clean + ½ adversarial loss (the official code; `loss: \"adversarial\"` for the pure adversarial loss). The returned model's backbone is what `finetune` transfers; `.history` holds task accuracy per epoch.",
  parameters: [Parameter("model", .object("Model"), doc: "the model (not changed)"), Parameter("data", .object("Dataset"), doc: "images (labels are ignored)"),
               Parameter("task", .object("Task"), doc: "rotation(), jigsaw() or selfie()"),
               Parameter("attack", .optional(.object("Attack")), default: .nil, doc: "P3: attack on the pretext loss"),
               Parameter("mode", .optional(.choice(["none", "standard", "adversarial", "P1", "P2", "P3"])), default: .nil, doc: "force P1/P2/P3 (default: P3 with an attack, else P2)"),
               Parameter("loss", .choice(["mixed", "adversarial"]), default: .string("mixed"), doc: "P3 loss: ½ clean + ½ adversarial, or adversarial only"),
               Parameter("attack_bn", .choice(["eval", "train"]), default: .string("eval"), doc: "BN statistics used by the training-time attack"),
               Parameter("label", .optional(.string), default: .nil, doc: "name of the pretrained model")]
    + optimizationParameters + validationParameters,
  returns: "Model", example: "pre = pretrain(resnet(), data, task: rotation(), attack: pgd(eps: 0.1), epochs: 3)",
  paperReference: paper + " §4", exampleNeedsFiles: true
) { args, interp in
  let model = try args.object("model", as: ModelObject.self).model
  let data = try args.object("data", as: DatasetObject.self).dataset
  var options = PretrainingOptions()
  options.training = try trainingOptions(args, interp, imageSize: data.imageShape[1])
  options.adversarialLoss = try args.string("loss") == "adversarial" ? .adversarial : .mixed
  options.batchNormInTrainMode = try args.string("attack_bn") == "train"
  options.headSeed = options.training.seed
  if let v = try args.optionalObject("validation", as: DatasetObject.self)?.dataset {
    options.validation = try v.limited(to: min(try args.int("eval_n"), v.count))
    options.validationAttack = try args.optionalObject("eval_attack", as: AttackObject.self)?.attack
  }
  let mode = try args.optionalString("mode").map { try PretrainingMode(parsing: $0) }
  let task = try args.object("task", as: TaskObject.self).task
  let attack = try args.optionalObject("attack", as: AttackObject.self)?.attack
  var result: PretrainingResult?
  _ = try runTraining(interp) {
    result = try sslError(args) {
      try Pretraining.pretrain(model, on: data, task: task, mode: mode, attack: attack, options: options,
                               progress: ProgressDisplay.callback(label: "pretrain", output: interp.output))
    }
    return result!.history
  }
  if let label = try args.optionalString("label") { result!.model.label = label }
  let object = ModelObject(result!.model, history: result!.history)
  object.pretext = result!.network
  return .object(object)
}

private let finetuneBuiltin = Builtin(
  name: "finetune", category: "ssl",
  summary: "Fine-tune a new classifier from a (pretrained) model's backbone: F1–F4 = partial/full × standard/adversarial.",
  details: "Partial freezes the transferred blocks (weights and BN statistics). With `validation:` each epoch records val_sa and val_ra (PGD-20 by default); `.best_model` and `.best_epoch` give the best-RA checkpoint (the paper's epochs-to-best-RA). The transfer report lists what was loaded and skipped.",
  parameters: [Parameter("model", .object("Model"), doc: "the pretrained model (not changed)"), Parameter("data", .object("Dataset"), doc: "labelled training data"),
               Parameter("mode", .choice(["full", "partial"]), default: .string("full"), doc: "train everything, or only the head (backbone frozen)"),
               Parameter("checkpoint", .optional(.string), default: .nil, doc: "also save the best-RA model to this .safetensors file"),
               resumeParameter,
               Parameter("label", .optional(.string), default: .nil, doc: "name of the fine-tuned model in tables and plots")]
    + adversarialParameters + optimizationParameters + validationParameters,
  returns: "Model", example: "clf = finetune(pre, data, mode: \"full\", attack: pgd(eps: 0.1), epochs: 5, validation: test)",
  paperReference: paper + " §5", exampleNeedsFiles: true
) { args, interp in
  let model = try args.object("model", as: ModelObject.self).model
  let data = try args.object("data", as: DatasetObject.self).dataset
  var options = FineTuningOptions()
  options.training = try trainingOptions(args, interp, imageSize: data.imageShape[1])
  options.mode = try args.string("mode") == "partial" ? .partial : .full
  options.batchNormInTrainMode = try args.string("attack_bn") == "train"
  options.earlyStop = try args.bool("early_stop")
  options.headSeed = options.training.seed
  options.checkpointPath = try args.optionalString("checkpoint")
  options.resumePath = try args.optionalString("resume")
  switch try args.string("objective") {
  case "mixed": options.objective = .mixed
  case "trades": options.objective = .trades(beta: try args.number("beta"))
  default: options.objective = .madry
  }
  options.validation = try args.optionalObject("validation", as: DatasetObject.self)?.dataset
  options.validationLimit = try args.int("eval_n")
  options.evaluationAttack = try args.optionalObject("eval_attack", as: AttackObject.self)?.attack
  let attack = try args.optionalObject("attack", as: AttackObject.self)?.attack
  var result: FineTuningResult?
  _ = try runTraining(interp) {
    result = try sslError(args) {
      try FineTuning.finetune(model, on: data, attack: attack, options: options,
                              progress: ProgressDisplay.callback(label: "finetune", output: interp.output))
    }
    return result!.history
  }
  if result!.transfer.loaded.isEmpty { interp.output(result!.transfer.description) }
  if let label = try args.optionalString("label") {
    result!.model.label = label
    result!.bestModel.label = label + " (best RA)"
    result!.history.label = label
  }
  let object = ModelObject(result!.model, history: result!.history)
  object.bestModel = result!.bestModel
  object.bestEpoch = result!.bestEpoch
  return .object(object)
}

private let taskAccuracyBuiltin = Builtin(
  name: "task_accuracy", category: "ssl", summary: "Pretext-task accuracy of a pretrained model (and adversarial task accuracy with `attack:`).",
  parameters: [Parameter("model", .object("Model"), doc: "a model returned by pretrain"), Parameter("data", .object("Dataset"), doc: "images"),
               Parameter("attack", .optional(.object("Attack")), default: .nil, doc: "attack on the pretext loss (the paper: PGD-20)"),
               Parameter("n", .int, default: .number(1000), doc: "images used")],
  returns: "list [accuracy, adversarial accuracy or nil]", example: "task_accuracy(pre, test, attack: pgd(steps: 20))",
  paperReference: paper + " §4.3", exampleNeedsFiles: true
) { args, interp in
  guard let network = try args.object("model", as: ModelObject.self).pretext as? PretextNetwork else {
    throw args.error("this model has no pretext head: pass a model returned by pretrain(…)")
  }
  let data = try args.object("data", as: DatasetObject.self).dataset.limited(to: try args.int("n"))
  let score = try PretextEvaluation.evaluate(network, on: data, attack: try args.optionalObject("attack", as: AttackObject.self)?.attack)
  interp.output(score.description)
  return .list([.number(score.accuracy), score.adversarialAccuracy.map { .number($0) } ?? .nil])
}

private let ensembleBuiltin = Builtin(
  name: "ensemble", category: "ssl", summary: "An ensemble of models that averages their probabilities; attacked and evaluated as one model.",
  details: "Its logits are log(mean softmax): softmax of them is the ensemble's probability, and attacks maximize the ensemble's NLL (the paper's ensemble of fine-tuned models, attacked end to end).",
  parameters: [Parameter("models", .list, doc: "the member models"), Parameter("label", .optional(.string), default: .nil, doc: "a name")],
  returns: "Ensemble", example: "e = ensemble([cnn(), cnn()])", paperReference: paper + " §7.2"
) { args, _ in
  let members = try args.list("models").map { v -> Classifier in
    guard case .object(let m as ModelObject) = v else { throw args.error("ensemble members must be models, got \(v.shortDescription)") }
    return m.model
  }
  guard members.count >= 2 else { throw args.error("an ensemble needs at least 2 models") }
  guard Set(members.map(\.numClasses)).count == 1 else { throw args.error("ensemble members must have the same number of classes") }
  return .object(EnsembleObject(ModelEnsemble(members, label: try args.optionalString("label"))))
}

private let ensemblePretrainBuiltin = Builtin(
  name: "ensemble_pretrain", category: "ssl",
  summary: "Multi-task pretraining of one backbone with several task heads and the log-det gradient-diversity penalty.",
  details: "Loss = mean of the tasks' clean and adversarial losses + λ·h, h = mean log det(GᵀG + 1e-5·I) of the unit-normalized input gradients of the task losses; the attacker maximizes task loss + λ·h. `sign: \"official\"` (default) is the official code's convention (weights minimize h); \"promote-diversity\" flips it for both players. Needs double backward.",
  parameters: [Parameter("model", .object("Model"), doc: "the model (not changed)"), Parameter("data", .object("Dataset"), doc: "images"),
               Parameter("tasks", .list, doc: "2 or 3 tasks, e.g. [rotation(), jigsaw()]"),
               Parameter("attack", .optional(.object("Attack")), default: .nil, doc: "adversarial pretraining with this attack"),
               Parameter("lambda", .number, default: .number(0.1), doc: "penalty weight λ"),
               Parameter("sign", .choice(["official", "promote-diversity"]), default: .string("official"), doc: "which way the weights push h")]
    + optimizationParameters,
  returns: "Model", example: "pre = ensemble_pretrain(resnet(), data, tasks: [rotation(), jigsaw()], attack: pgd(eps: 0.1))",
  paperReference: paper + " §7.1", exampleNeedsFiles: true
) { args, interp in
  let model = try args.object("model", as: ModelObject.self).model
  let data = try args.object("data", as: DatasetObject.self).dataset
  let tasks = try args.list("tasks").map { v -> any PretextTask in
    guard case .object(let t as TaskObject) = v else { throw args.error("tasks must be pretext tasks, got \(v.shortDescription)") }
    return t.task
  }
  var options = TaskEnsembleOptions()
  options.training = try trainingOptions(args, interp, imageSize: data.imageShape[1])
  options.penalty = try sslError(args) {
    try GradientDiversityPenalty(weight: try args.number("lambda"), sign: try args.string("sign") == "official" ? .official : .promoteDiversity)
  }
  let attack = try args.optionalObject("attack", as: AttackObject.self)?.attack
  var result: TaskEnsembleResult?
  _ = try runTraining(interp) {
    result = try sslError(args) {
      try TaskEnsemblePretraining.pretrain(model, on: data, tasks: tasks, attack: attack, options: options,
                                           progress: ProgressDisplay.callback(label: "ensemble pretrain", output: interp.output))
    }
    return result!.history
  }
  return .object(ModelObject(result!.model, history: result!.history))
}

private let gridBuiltin = Builtin(
  name: "grid", category: "ssl",
  summary: "The paper's Table-1 protocol: tasks × P1–P3 pretraining × F1–F4 fine-tuning × seeds → a Table of SA, RA and epochs-to-best-RA.",
  details: "Pretrains once per task × P × seed and reuses it for every F; P1 (no pretraining) is shared by all tasks. With `plan: \"dir\"` nothing trains: every run becomes a cell of a plan directory, run by `run_plan` or `aegis grid run/submit` and read back with `collect`. SA/RA are the test accuracies (RA under `eval_attack`, PGD-20 by default) of the best-validation-RA model; the table shows mean ± std over seeds. With `ensembles: true` it adds task-ensemble pretraining → F4 and the ensemble of the per-task F4 models. Print it, `export` it to CSV/JSON, or `plot` it as the SA-vs-RA scatter of the paper's Figure 1.",
  parameters: [Parameter("data", .object("Dataset"), doc: "labelled training data (a validation part is split off)"),
               Parameter("test", .object("Dataset"), doc: "test data"),
               Parameter("tasks", .list, default: .list([]), doc: "pretext tasks (default [rotation(), jigsaw(), selfie()])"),
               Parameter("pretraining", .list, default: .list(["P1", "P2", "P3"].map { .string($0) }), doc: "which of P1, P2, P3"),
               Parameter("finetuning", .list, default: .list(["F1", "F2", "F3", "F4"].map { .string($0) }), doc: "which of F1, F2, F3, F4"),
               Parameter("seeds", .list, default: .list([.number(0)]), doc: "seeds (mean ± std over them)"),
               Parameter("model", .optional(.object("Model")), default: .nil, doc: "the architecture (default resnet(depth: 8, width: 16))"),
               Parameter("pretrain_epochs", .int, default: .number(1), doc: "pretraining epochs"),
               Parameter("finetune_epochs", .int, default: .number(1), doc: "fine-tuning epochs"),
               Parameter("lr", .number, default: .number(0.05), doc: "learning rate (pretraining and fine-tuning; cosine schedule per iteration)"),
               Parameter("batch", .int, default: .number(128), doc: "batch size"),
               Parameter("attack", .optional(.object("Attack")), default: .nil, doc: "training attack (default PGD-10 at the data's threat model)"),
               Parameter("eval_attack", .optional(.object("Attack")), default: .nil, doc: "evaluation attack (default PGD-20)"),
               Parameter("validation", .int, default: .number(500), doc: "validation examples split off for best-RA selection"),
               Parameter("ensembles", .bool, default: .bool(false), doc: "add task-ensemble pretraining and the model ensemble"),
               Parameter("plan", .optional(.string), default: .nil, doc: "write the cells to this plan directory instead of running them (returns a Plan; see run_plan, docs/cluster.md)"),
               Parameter("test_size", .int, default: .number(1000), doc: "test images SA/RA are measured on (the first ones; 0 = the whole test set)"),
               Parameter("study", .optional(.string), default: .nil, doc: "with `plan:`, each measured cell also writes a study record (aegis-study-cell/1) named for this study to the plan's records/ (docs/study-plan.md)"),
               Parameter("autoattack", .int, default: .number(0), doc: "with `plan:`, add an AutoAttack cell (standard suite, per-example worst case) on the first this many test images after every task/P1 F4 cell")],
  returns: "Table (a Plan with `plan:`)", example: "t = grid(data, test, tasks: [rotation()], pretraining: [\"P1\", \"P3\"], finetuning: [\"F4\"], seeds: [0, 1, 2])",
  paperReference: paper + " Table 1, Figure 1", exampleNeedsFiles: true
) { args, interp in
  let data = try args.object("data", as: DatasetObject.self).dataset
  let test = try args.object("test", as: DatasetObject.self).dataset
  var tasks = try args.list("tasks").map { v -> any PretextTask in
    guard case .object(let t as TaskObject) = v else { throw args.error("tasks must be pretext tasks, got \(v.shortDescription)") }
    return t.task
  }
  if tasks.isEmpty { tasks = [RotationTask(), try JigsawTask(), try SelfieTask()] }
  let config = try args.optionalObject("model", as: ModelObject.self)?.model.config
    ?? ModelConfig(architecture: "resnet", inputShape: data.imageShape, numClasses: data.numClasses, width: 16, depth: 8)
  var grid = try sslError(args) { try PaperGrid(tasks: tasks, model: config) }
  grid.pretrainings = try args.list("pretraining").map { try PretrainingMode(parsing: try $0.asString("each pretraining")) }
  grid.finetunings = try args.list("finetuning").map { try FineTuningVariant(parsing: try $0.asString("each fine-tuning")) }
  grid.seeds = try args.list("seeds").map { UInt64(try $0.asInt("each seed")) }
  grid.pretrainEpochs = try args.int("pretrain_epochs")
  grid.finetuneEpochs = try args.int("finetune_epochs")
  for keyPath in [\PaperGrid.pretrainTraining, \PaperGrid.finetuneTraining] {
    grid[keyPath: keyPath].learningRate = try args.number("lr")
    grid[keyPath: keyPath].batchSize = try args.int("batch")
    // Short runs need a decaying rate, or BN running statistics lag the weights in eval mode.
    grid[keyPath: keyPath].schedule = .cosine(minimum: 0)
  }
  grid.validationSize = try args.int("validation")
  let testSize = try args.int("test_size")
  guard testSize >= 0 else { throw args.error("test_size must be 0 (all) or a positive count, got \(testSize)") }
  grid.testSize = testSize == 0 ? nil : testSize
  grid.studyName = try args.optionalString("study")
  grid.autoAttackImages = try args.int("autoattack")
  guard grid.autoAttackImages >= 0 else { throw args.error("autoattack must be a number of test images (0 = none)") }
  if let a = try args.optionalObject("attack", as: AttackObject.self)?.attack { grid.trainingAttack = a }
  if let a = try args.optionalObject("eval_attack", as: AttackObject.self)?.attack { grid.evaluationAttack = a }
  grid.includeTaskEnsemble = try args.bool("ensembles")
  grid.includeModelEnsemble = try args.bool("ensembles")
  try sslError(args) { try grid.validate() }
  if let planned = try gridPlan(grid, train: data, test: test, args, interp) { return planned }
  interp.output("grid: \(grid.plannedRuns) training runs")
  var lastStage = ""
  let table = try runGrid(interp) {
    try grid.run(train: data, test: test) { p in
      if let t = p.training { ProgressDisplay.batchHandler?("[\(p.run)/\(p.runs)] \(p.stage)", t) }
      if p.stage != lastStage, p.training == nil {
        ProgressDisplay.finishLine?()
        interp.output("[\(p.run)/\(p.runs)] \(p.stage)")
        lastStage = p.stage
      }
    }
  }
  return .object(GridTableObject(table))
}

private func runGrid(_ interp: Interpreter, _ body: () throws -> GridTable) throws -> GridTable {
  do { return try body() } catch let stop as TrainingInterrupted {
    ProgressDisplay.finishLine?()
    throw LangError("grid " + stop.description, kind: .interrupted)
  } catch is CancelledError {
    ProgressDisplay.finishLine?()
    throw LangError("interrupted", kind: .interrupted)
  } catch let e as SSLError { throw LangError(e.description) }
}

private let showTaskBuiltin = Builtin(
  name: "show_task", category: "ssl", summary: "Show what a pretext task feeds the network: transformed images with their pretext labels.",
  parameters: [Parameter("task", .object("Task"), doc: "the task"), Parameter("data", .object("Dataset"), doc: "images"),
               Parameter("n", .int, default: .number(8), doc: "how many"),
               Parameter("seed", .int, default: .number(0), doc: "seed of the pretext batch"),
               Parameter("to", .optional(.string), default: .nil, doc: "file to write (.png or .svg)")],
  returns: "nil", example: "show_task(jigsaw(), test, n: 6, to: \"jigsaw.png\")", exampleNeedsFiles: true
) { args, interp in
  let task = try args.object("task", as: TaskObject.self).task
  let data = try args.object("data", as: DatasetObject.self).dataset
  let images = try data.batch(at: 0..<min(try args.int("n"), data.count)).images
  var rng = RandomGenerator(seed: UInt64(try args.int("seed")))
  let batch = try sslError(args) { try task.makeBatch(images: images, rng: &rng) }
  let shown = batch.inputs
  let n = shown.shape[0], c = shown.shape[1], h = shown.shape[2], w = shown.shape[3]
  let per = batch.queriesPerInput
  let cells = (0..<n).map { k -> GridImage in
    let caption: String
    if task is SelfieTask {
      caption = "masked \(batch.maskedPositions.map(String.init).joined(separator: ","))"
    } else {
      caption = "\(task.name) class \(batch.labels[k * per])"
    }
    return GridImage(pixels: Array(shown.storage[(k * c * h * w)..<((k + 1) * c * h * w)]), channels: c, height: h, width: w, caption: caption)
  }
  let grid = ImageGrid(images: cells, cols: min(n, 8), title: "\(task.name) inputs")
  let target = PlotSettings.sized(try PlotSettings.target(try args.optionalString("to")), for: grid)
  let output = try Gnuplot(environment: ProcessInfo.processInfo.environment).plot(grid, to: target)
  try report(output, target, interp)
  return .nil
}
