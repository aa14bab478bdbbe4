// Attack builtins: attacks as values (fgsm, pgd, apgd, square, noise), running them, sound
// evaluation (per-example worst case), accuracy-vs-ε curves and the sanity checks.

import AegisData
import AegisNN
import AegisRobust
import AegisTensor
import Foundation

/// Registers the attack family.
public func registerAttackBuiltins(into registry: BuiltinRegistry) {
  registry.register([
    attackBuiltin(.fgsm, "FGSM: one signed-gradient step of size eps (a diagnostic, never an evaluation on its own).",
                  reference: "Goodfellow et al. 2015, arXiv:1412.6572", steps: 1),
    attackBuiltin(.pgd, "PGD: projected gradient ascent with random start and per-example restarts.",
                  reference: "Madry et al. 2018, arXiv:1706.06083", steps: 10),
    attackBuiltin(.apgd, "APGD: step-size-free PGD with momentum (AutoAttack's APGD-CE / APGD-T with loss \"dlr\").",
                  reference: "Croce & Hein 2020, arXiv:2003.01690", steps: 100),
    attackBuiltin(.fab, "FAB-T: targeted minimum-norm attack (boundary linearization and projection), run against each of the `targets` most likely wrong classes.",
                  reference: "Croce & Hein 2020, arXiv:1907.02044", steps: 100),
    attackBuiltin(.square, "Square attack: gradient-free random search (detects gradient masking).",
                  reference: "Andriushchenko et al. 2020, arXiv:1912.00049", steps: 1),
    attackBuiltin(.noise, "Random corners of the eps-ball: the baseline every attack must beat.", reference: nil, steps: 1),
    runAttackBuiltin, evaluateBuiltin, robustnessBuiltin, sanityBuiltin,
  ])
}

private func attackBuiltin(_ kind: AttackKind, _ summary: String, reference: String?, steps: Int) -> Builtin {
  var parameters = [
    Parameter("eps", .number, default: .number(0.1), doc: "radius in [0,1] pixel units (0.1 for Fashion-MNIST, 8/255 for CIFAR-10)"),
    Parameter("norm", .choice(["linf", "l2"]), default: .string("linf"), doc: "threat model"),
    Parameter("seed", .optional(.int), default: .nil, doc: "random seed (default: the session seed)"),
  ]
  if kind == .pgd || kind == .apgd || kind == .fgsm {
    parameters += [
      Parameter("loss", .choice(["ce", "cw", "dlr"]), default: .string("ce"), doc: "loss to maximize: cross-entropy, CW margin or DLR"),
      Parameter("target", .choice(["none", "random", "least"]), default: .string("none"), doc: "targeted variant: a random wrong class or the least likely"),
    ]
  }
  if kind == .apgd {
    parameters.append(Parameter("targets", .int, default: .number(0), doc: "APGD-T target sweep: attack each of the k most likely wrong classes (AutoAttack: 9 with loss \"dlr\"); 0 = no sweep"))
  }
  if kind == .fab {
    parameters += [
      Parameter("targeted", .bool, default: .bool(true), doc: "FAB-T (only the targeted version is implemented)"),
      Parameter("targets", .int, default: .number(9), doc: "how many of the most likely wrong classes to try"),
      Parameter("steps", .int, default: .number(Double(steps)), doc: "iterations per target"),
      Parameter("restarts", .int, default: .number(1), doc: "restarts per target (later ones start at random)"),
    ]
  }
  if kind == .pgd || kind == .apgd {
    parameters += [
      Parameter("steps", .int, default: .number(Double(steps)), doc: "iterations"),
      Parameter("restarts", .int, default: .number(1), doc: "random restarts, best kept per example"),
      Parameter("random_start", .bool, default: .bool(true), doc: "start at a random point of the ball"),
    ]
  }
  if kind == .pgd { parameters.insert(Parameter("step", .optional(.number), default: .nil, doc: "step size (default auto = 2.5·eps/steps)"), at: 1) }
  if kind == .square || kind == .noise {
    parameters.append(Parameter("queries", .int, default: .number(kind == .square ? 1000 : 100), doc: kind == .square ? "model queries per example" : "random samples per example"))
  }
  return Builtin(
    name: kind.rawValue, category: "attack", summary: summary, parameters: parameters, returns: "Attack",
    example: "a = \(kind.rawValue)(eps: 0.1\(kind == .pgd ? ", steps: 20" : ""))", paperReference: reference
  ) { args, interp in
    var s = AttackSettings()
    s.epsilon = try args.number("eps")
    s.norm = try args.string("norm") == "l2" ? .l2 : .linf
    s.seed = try args.optionalInt("seed").map { UInt64(bitPattern: Int64($0)) } ?? interp.random.next()
    if args.builtin.parameters.contains(where: { $0.name == "loss" }) {
      s.loss = AttackLoss(rawValue: try args.string("loss")) ?? .crossEntropy
      s.target = try args.string("target")
    }
    if args.builtin.parameters.contains(where: { $0.name == "steps" }) {
      s.steps = try args.int("steps")
      s.restarts = try args.int("restarts")
    }
    if args.builtin.parameters.contains(where: { $0.name == "random_start" }) { s.randomStart = try args.bool("random_start") }
    if args.builtin.parameters.contains(where: { $0.name == "targets" }) { s.targets = try args.int("targets") }
    if args.builtin.parameters.contains(where: { $0.name == "targeted" }), !(try args.bool("targeted")) {
      throw args.error("fab: only FAB-T (targeted: true) is implemented; the untargeted FAB is not")
    }
    if args.builtin.parameters.contains(where: { $0.name == "step" }) { s.step = try args.optionalNumber("step") }
    if args.builtin.parameters.contains(where: { $0.name == "queries" }) { s.queries = try args.int("queries") }
    do { return .object(AttackObject(try Attack(kind: kind, settings: s))) } catch let e as AttackError { throw args.error(e.message) }
  }
}

/// A classifier from a Model or a list of Models (an ensemble).
func classifier(_ value: Value, _ what: String) throws -> Classifier {
  switch value {
  case .object(let m as ModelObject): return m.model
  case .object(let e as EnsembleObject): return e.ensemble
  case .list(let items):
    return ModelEnsemble(try items.map { item -> Classifier in try classifier(item, what) })
  default: throw LangError("\(what) must be a model (or an ensemble), got \(value.shortDescription)")
  }
}

/// Throws unless every model inside `classifier` takes images of `imageShape` [C, H, W].
func checkFits(_ classifier: Classifier, _ imageShape: [Int]) throws {
  for layer in classifier.layers {
    guard let model = layer as? Model else { continue }
    if model.config.inputShape != imageShape {
      throw LangError("model \(model.label) expects images \(model.config.inputShape) but the data has \(imageShape)")
    }
  }
}

func attacks(_ value: Value, _ what: String, epsilon: Double = 0.1, seed: UInt64 = 0, classes: Int = 10) throws -> [Attack] {
  switch value {
  case .string("autoattack"):
    do { return try AutoAttackSuite.standard(epsilon: epsilon, seed: seed, targets: min(9, max(classes - 1, 1))) } catch let e as AttackError { throw LangError(e.message) }
  case .object(let a as AttackObject): return [a.attack]
  case .list(let items): return try items.flatMap { try attacks($0, what) }
  case .nil: return []
  default: throw LangError("\(what) must be an attack, a list of attacks or \"autoattack\", e.g. pgd(eps: 0.1)")
  }
}

private let runAttackBuiltin = Builtin(
  name: "attack", category: "attack", summary: "Adversarial examples of `images` for `model` (model in eval mode, nothing else changes).",
  parameters: [Parameter("model", .any, doc: "a model or an ensemble"), Parameter("images", .tensor, doc: "images [N, C, H, W] in [0,1]"),
               Parameter("labels", .list, doc: "true labels (or targets' sources)"), Parameter("with", .object("Attack"), doc: "the attack")],
  returns: "tensor", example: "adv = attack(net, test.images[0:8], test.labels[0:8], with: pgd())", exampleNeedsFiles: true
) { args, _ in
  let model = try classifier(args["model"], "model")
  let labels = try args.list("labels").map { try $0.asInt("a label") }
  let images = try args.tensor("images")
  guard images.rank == 4, images.shape[0] == labels.count else { throw args.error("images must be [N, C, H, W] with one label per image") }
  try checkFits(model, Array(images.shape.dropFirst()))
  return .tensor(try args.object("with", as: AttackObject.self).attack.run(on: model, images: images, labels: labels))
}

private let evaluateBuiltin = Builtin(
  name: "evaluate", category: "attack", summary: "Clean accuracy, and robust accuracy under attacks (per-example worst case, AutoAttack style).",
  details: "Attacks run in sequence, each only on the points still robust; the report lists the accuracy after each attack, every setting, n, and sanity flags.",
  parameters: [Parameter("model", .any, doc: "a model, an ensemble, or a list of models (evaluated as an ensemble)"),
               Parameter("data", .object("Dataset"), doc: "test data"),
               Parameter("attack", .any, default: .nil, doc: "an attack, a list of attacks, or \"autoattack\" (APGD-CE 100, APGD-T 9 targets, FAB-T 9 targets, Square 5000; none = clean accuracy only)"),
               Parameter("n", .optional(.int), default: .nil, doc: "evaluate on the first n examples only"),
               Parameter("eps", .number, default: .number(0.1), doc: "radius for attack: \"autoattack\" (other attacks carry their own eps)")],
  returns: "Report", example: "evaluate(net, test, attack: [fgsm(), pgd(steps: 20)])", exampleNeedsFiles: true
) { args, interp in
  let model = try classifier(args["model"], "model")
  var data = try args.object("data", as: DatasetObject.self).dataset
  if let n = try args.optionalInt("n") { data = try data.limited(to: n) }
  try checkFits(model, data.imageShape)
  let list = try attacks(args["attack"], "attack", epsilon: try args.number("eps"), seed: interp.random.next(), classes: model.numClasses)
  return .object(ReportObject(try RobustEvaluation.evaluate(model, on: data, attacks: list)))
}

private let robustnessBuiltin = Builtin(
  name: "robustness", category: "attack", summary: "Accuracy against eps for one or several models: a Curve to print or plot.",
  parameters: [Parameter("models", .any, doc: "a model or a list of models (each its own line)"),
               Parameter("data", .object("Dataset"), doc: "test data"),
               Parameter("attack", .any, default: .nil, doc: "attack(s); default pgd(steps: 20)"),
               Parameter("eps", .list, default: .list([0, 0.02, 0.05, 0.1, 0.15, 0.2].map { .number($0) }), doc: "the eps values"),
               Parameter("n", .optional(.int), default: .nil, doc: "use the first n examples")],
  returns: "Curve", example: "curve = robustness([std, rob], test, eps: [0, 0.05, 0.1, 0.2], n: 500)", exampleNeedsFiles: true
) { args, interp in
  let models: [Classifier]
  if case .list(let items) = args["models"] { models = try items.map { try classifier($0, "each model") } }
  else { models = [try classifier(args["models"], "models")] }
  var data = try args.object("data", as: DatasetObject.self).dataset
  if let n = try args.optionalInt("n") { data = try data.limited(to: n) }
  for m in models { try checkFits(m, data.imageShape) }
  var list = try attacks(args["attack"], "attack")
  if list.isEmpty {
    var s = AttackSettings()
    s.steps = 20
    s.seed = interp.random.next()
    list = [try Attack(kind: .pgd, settings: s)]
  }
  let eps = try args.list("eps").map { try $0.asNumber("each eps") }
  guard eps.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw args.error("eps values must be in [0, 1] (pixel units)") }
  return .object(CurveObject(try RobustnessCurve.measure(models, on: data, attacks: list, epsilons: eps)))
}

private let sanityBuiltin = Builtin(
  name: "sanity", category: "attack", summary: "Run the sanity checks (noise ≥ FGSM ≥ PGD, large eps → chance, Square vs PGD, zero gradients…).",
  parameters: [Parameter("model", .any, doc: "a model or an ensemble"), Parameter("data", .object("Dataset"), doc: "test data"),
               Parameter("eps", .number, default: .number(0.1), doc: "the eps to check at"),
               Parameter("n", .int, default: .number(200), doc: "examples to use")],
  returns: "Sanity", example: "sanity(net, test, n: 100)", paperReference: "Carlini et al. 2019, arXiv:1902.06705", exampleNeedsFiles: true
) { args, interp in
  let data = try args.object("data", as: DatasetObject.self).dataset.limited(to: try args.int("n"))
  try checkFits(try classifier(args["model"], "model"), data.imageShape)
  return .object(SanityObject(try SanityChecks.run(try classifier(args["model"], "model"), on: data, epsilon: try args.number("eps"), seed: interp.random.next())))
}

/// An ensemble value: `ensemble([m1, m2, m3])`.
public final class EnsembleObject: AegisObject {
  public let ensemble: ModelEnsemble
  public init(_ ensemble: ModelEnsemble) { self.ensemble = ensemble }
  public var typeName: String { "Ensemble" }
  public var summary: String { "Ensemble of \(ensemble.members.count): \(ensemble.members.map(\.label).joined(separator: ", ")) (averaged probabilities)" }
  public var memberNames: [String] { ["members", "label"] }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "members": return .list(ensemble.members.compactMap { ($0 as? Model).map { .object(ModelObject($0)) } })
    case "label": return .string(ensemble.label)
    default: return nil
    }
  }
}
