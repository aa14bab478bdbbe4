// Training builtins: standard and adversarial training (Madry, TRADES, the paper's ½ clean +
// ½ adversarial mix), with learning-rate schedules, augmentation, validation clean and robust
// accuracy per epoch, progress lines and Ctrl-C between batches.

import AegisData
import AegisNN
import AegisRobust
import AegisTensor
import Foundation

/// Registers the training family.
public func registerTrainingBuiltins(into registry: BuiltinRegistry) {
  registry.register([trainBuiltin, accuracyBuiltin, recalibrateBatchNormBuiltin])
}

/// Optimizer and schedule parameters shared by train, pretrain and finetune.
let optimizationParameters: [Parameter] = [
  Parameter("epochs", .int, default: .number(1), doc: "passes over the data"),
  Parameter("lr", .number, default: .number(0.05), doc: "learning rate"),
  Parameter("batch", .int, default: .number(128), doc: "batch size"),
  Parameter("momentum", .number, default: .number(0.9), doc: "SGD momentum"),
  Parameter("weight_decay", .number, default: .number(0), doc: "L2 weight decay"),
  Parameter("optimizer", .choice(["sgd", "nesterov", "adam"]), default: .string("sgd"), doc: "optimizer"),
  // Cosine by default: at a constant rate the last iterate of a short run is noisy (the demo
  // recipe's seeds 0–9 gave 78.3–86.8 % test accuracy; with cosine decay the worst seeds gained 5–8
  // points, docs/defaults.md §2).
  Parameter("schedule", .string, default: .string("cosine"),
            doc: "\"cosine\" (decays to 0 over the call's epochs), \"constant\", \"step:60,80\" or \"warmup:200+cosine\""),
  Parameter("warmup", .optional(.int), default: .nil,
            doc: "linear learning-rate warm-up steps (default 50, at most a third of the run; none when the schedule has its own; 0 disables)"),
  Parameter("augment", .bool, default: .bool(false), doc: "random crop (padding 2, or 4 on 32×32) and horizontal flip"),
  Parameter("seed", .optional(.int), default: .nil, doc: "shuffling/augmentation seed (default: the session seed)"),
]

/// Adversarial-training parameters shared by train and finetune.
let adversarialParameters: [Parameter] = [
  Parameter("attack", .optional(.object("Attack")), default: .nil, doc: "train on adversarial examples of this attack"),
  Parameter("objective", .choice(["madry", "mixed", "trades"]), default: .string("madry"), doc: "adversarial loss: adversarial CE, ½ clean + ½ adversarial, or TRADES"),
  Parameter("beta", .number, default: .number(6), doc: "TRADES trade-off β"),
  Parameter("attack_bn", .choice(["eval", "train"]), default: .string("eval"), doc: "BN statistics used by the training-time attack (\"train\" = the official code; running stats never change)"),
  Parameter("early_stop", .bool, default: .bool(false), doc: "train on the first iterate that fooled the model instead of the final PGD iterate (Madry et al. use the final one)"),
]

/// Validation parameters shared by train and finetune.
let validationParameters: [Parameter] = [
  Parameter("validation", .optional(.object("Dataset")), default: .nil, doc: "measure clean accuracy (val_acc) on this data after each epoch"),
  Parameter("eval_attack", .optional(.object("Attack")), default: .nil, doc: "also measure robust accuracy (val_robust_acc) under this attack"),
  Parameter("eval_n", .int, default: .number(500), doc: "validation examples used per epoch"),
]

func trainingOptions(_ args: BoundArguments, _ interp: Interpreter, imageSize: Int) throws -> TrainingOptions {
  var o = TrainingOptions()
  o.epochs = try args.int("epochs")
  o.learningRate = try args.number("lr")
  o.batchSize = try args.int("batch")
  o.momentum = try args.number("momentum")
  o.weightDecay = try args.number("weight_decay")
  let optimizer = try args.string("optimizer")
  o.optimizer = optimizer == "adam" ? "adam" : "sgd"
  o.nesterov = optimizer == "nesterov"
  let scheduleText = try args.string("schedule")
  guard let schedule = LearningRateSchedule.parse(scheduleText) else {
    throw args.error("unknown schedule \"\(scheduleText)\"", hint: "use \"constant\", \"cosine\", \"step:60,80\" or \"warmup:200+cosine\"")
  }
  o.schedule = schedule
  o.warmup = try args.optionalInt("warmup")
  if let w = o.warmup, w < 0 { throw args.error("warmup must be ≥ 0 steps (0 disables it), got \(w)") }
  if try args.bool("augment") { o.augmentation = try Augmentation(padding: imageSize >= 32 ? 4 : 2, horizontalFlip: true) }
  o.seed = try args.optionalInt("seed").map { UInt64(bitPattern: Int64($0)) } ?? interp.random.next()
  guard o.epochs >= 1, o.batchSize >= 1, o.learningRate > 0 else { throw args.error("epochs and batch must be ≥ 1 and lr > 0") }
  return o
}

func adversarialLoss(_ args: BoundArguments) throws -> BatchLoss? {
  guard let attack = try args.optionalObject("attack", as: AttackObject.self)?.attack else { return nil }
  let objective: AdversarialObjective
  switch try args.string("objective") {
  case "mixed": objective = .mixed
  case "trades": objective = .trades(beta: try args.number("beta"))
  default: objective = .madry
  }
  return AdversarialTraining.loss(attack: attack, objective: objective, batchNormInTrainMode: try args.string("attack_bn") == "train",
                                  earlyStop: try args.bool("early_stop"))
}

func epochEvaluation(_ args: BoundArguments) throws -> EpochEvaluation? {
  guard let validation = try args.optionalObject("validation", as: DatasetObject.self)?.dataset else {
    if args.has("eval_attack") { throw args.error("eval_attack needs validation: data to attack") }
    return nil
  }
  let data = try validation.limited(to: min(try args.int("eval_n"), validation.count))
  let attack = try args.optionalObject("eval_attack", as: AttackObject.self)?.attack
  return { model, _ in
    var metrics = ["val_acc": try Trainer.accuracy(of: model, on: data)]
    if let attack { metrics["val_robust_acc"] = try RobustEvaluation.accuracy(model, on: data, attack: attack) }
    return metrics
  }
}

/// Runs a training call, turning an interruption into a LangError after keeping the history.
func runTraining(_ interp: Interpreter, _ body: () throws -> History) throws -> History {
  do { return try body() } catch let stop as TrainingInterrupted {
    ProgressDisplay.finishLine?()
    throw LangError(stop.description + "\n(the partial history has \(stop.history.records.count) complete epochs)", kind: .interrupted)
  } catch is CancelledError {
    ProgressDisplay.finishLine?()
    throw LangError("interrupted", kind: .interrupted)
  }
}

private let trainBuiltin = Builtin(
  name: "train", category: "training",
  summary: "Train a model in place (standard, or adversarial with `attack:`); returns its History.",
  details: "Ctrl-C stops after the current batch; the model keeps the weights of its last completed batch.",
  parameters: [Parameter("model", .object("Model"), doc: "the model (changed in place)"),
               Parameter("data", .object("Dataset"), doc: "training data"), resumeParameter]
    + optimizationParameters + adversarialParameters + validationParameters,
  returns: "History", example: "h = train(net, train, epochs: 2, attack: pgd(eps: 0.1), validation: test, eval_attack: pgd(steps: 20))",
  paperReference: "Madry et al. 2018 (PGD training); Zhang et al. 2019 (TRADES)", exampleNeedsFiles: true
) { args, interp in
  let model = try args.object("model", as: ModelObject.self).model
  let data = try args.object("data", as: DatasetObject.self).dataset
  guard data.imageShape == model.config.inputShape else {
    throw args.error("the model expects images \(model.config.inputShape) but the data has \(data.imageShape)")
  }
  guard data.numClasses <= model.numOutputs else {
    throw args.error("the data has \(data.numClasses) classes but the model only \(model.numOutputs) outputs")
  }
  let options = try trainingOptions(args, interp, imageSize: data.imageShape[1])
  let loss = try adversarialLoss(args) ?? standardLoss
  let evaluation = try epochEvaluation(args)
  let label = args.has("attack") ? "adversarial training" : "training"
  let history = try runTraining(interp) {
    try Trainer.train(model, on: data, options: options, label: model.label, loss: loss, evaluation: evaluation,
                      accuracyName: args.has("attack") ? "adv_acc" : "acc", resumption: try args.optionalString("resume").map(TrainingResumption.init(path:)),
                      progress: ProgressDisplay.callback(label: "", output: interp.output))
  }
  history.settings["recipe"] = "\(label), \(options.epochs) epochs, lr \(options.learningRate), batch \(options.batchSize), \(options.schedule.label), warm-up \(options.warmupSteps(total: options.epochs * ((data.count + options.batchSize - 1) / options.batchSize))) steps, seed \(options.seed)"
  if let a = try args.optionalObject("attack", as: AttackObject.self) { history.settings["attack"] = a.attack.description }
  return .object(HistoryObject(history))
}

/// `resume:` of `train` and `finetune`: a long run killed or stopped continues after its last epoch.
let resumeParameter = Parameter(
  "resume", .optional(.string), default: .nil,
  doc: "save the run's whole state to this .safetensors file after every epoch; a run that finds it continues after its last epoch, with the numbers of an uninterrupted run (same arguments needed)")

private let accuracyBuiltin = Builtin(
  name: "accuracy", category: "training", summary: "Clean top-1 accuracy of a model (eval mode) on a dataset.",
  parameters: [Parameter("model", .any, doc: "a model or ensemble"), Parameter("data", .object("Dataset"), doc: "the data")],
  returns: "number", example: "accuracy(net, test)", exampleNeedsFiles: true
) { args, _ in
  let model = try classifier(args["model"], "model")
  let data = try args.object("data", as: DatasetObject.self).dataset
  try checkFits(model, data.imageShape)
  let correct = try RobustEvaluation.cleanCorrect(model, data, batchSize: 256)
  return .number(Double(correct.filter { $0 }.count) / Double(max(data.count, 1)))
}

private let recalibrateBatchNormBuiltin = Builtin(
  name: "recalibrate_bn", category: "training",
  summary: "Recompute a model's BatchNorm running statistics from data with its final weights (in place).",
  details: "After a short run at a high learning rate the running statistics lag the weights (they average the last ~10 batches, taken with older weights), so eval-mode accuracy can fall far below training accuracy. This replaces them by the plain average over `batches` train-mode batches of `data` (no gradients, weights unchanged; frozen BN layers keep theirs). Models without BN are returned unchanged.",
  parameters: [Parameter("model", .object("Model"), doc: "the model (its BN statistics change in place)"),
               Parameter("data", .object("Dataset"), doc: "data to measure the statistics on (the training data)"),
               Parameter("batches", .int, default: .number(50), doc: "batches of 128 averaged"),
               Parameter("seed", .int, default: .number(0), doc: "which batches")],
  returns: "Model", example: "recalibrate_bn(net, train)\naccuracy(net, test)", exampleNeedsFiles: true
) { args, _ in
  let object = try args.object("model", as: ModelObject.self)
  let data = try args.object("data", as: DatasetObject.self).dataset
  guard data.imageShape == object.model.config.inputShape else {
    throw args.error("the model expects images \(object.model.config.inputShape) but the data has \(data.imageShape)")
  }
  let batches = try args.int("batches")
  guard batches >= 1 else { throw args.error("batches must be ≥ 1, got \(batches)") }
  try BatchNormRecalibration.recalibrate(object.model, on: data, batches: batches, seed: UInt64(max(try args.int("seed"), 0)))
  return .object(object)
}
