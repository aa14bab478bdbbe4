// Language values for the engine's objects: datasets, models, attacks, histories, robustness
// curves and reports. Each wraps the library type and exposes members for `x.name` access.

import AegisData
import AegisNN
import AegisRobust
import AegisSSL
import AegisTensor
import Foundation

/// `fashion_mnist("train")` and friends.
public final class DatasetObject: AegisObject, AegisIndexable {
  public let dataset: Dataset
  /// An expression that rebuilds the dataset (`fashion_mnist("test", limit: 1000)`), when it
  /// came from files; `save_workspace` stores it instead of the images.
  public var recipe: String?
  public init(_ dataset: Dataset, recipe: String? = nil) {
    self.dataset = dataset
    self.recipe = recipe
  }
  public var typeName: String { "Dataset" }
  public var summary: String {
    "Dataset \(dataset.name): \(dataset.count) images \(dataset.imageShape), \(dataset.numClasses) classes"
  }
  public func describe() -> String {
    summary + "\nclasses: " + dataset.classNames.joined(separator: ", ")
      + "\nper class: " + dataset.classCounts().map(String.init).joined(separator: " ")
  }
  public var memberNames: [String] { ["count", "shape", "classes", "class_names", "images", "labels", "name"] }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "count": return .number(Double(dataset.count))
    case "shape": return .list(dataset.imageShape.map { .number(Double($0)) })
    case "classes": return .number(Double(dataset.numClasses))
    case "class_names": return .list(dataset.classNames.map { .string($0) })
    case "images": return .tensor(dataset.images)
    case "labels": return .list(dataset.labels.map { .number(Double($0)) })
    case "name": return .string(dataset.name)
    default: return nil
    }
  }
  /// `data[i]` is one image tensor [C, H, W]; `data[a:b]` a smaller dataset.
  public func element(at indices: [IndexValue]) throws -> Value {
    guard indices.count == 1 else { throw LangError("a dataset takes one index, e.g. data[0] or data[0:100]") }
    switch try indices[0].resolve(size: dataset.count) {
    case .element(let i): return .tensor(try dataset.batch(at: i..<(i + 1)).images.reshaped(dataset.imageShape))
    case .positions(let p): return .object(DatasetObject(try dataset.subset(p)))
    }
  }
}

/// A model: callable on a tensor (`net(x)` gives logits).
/// Calls (`net(x)`) are in ModelCall.swift.
public final class ModelObject: AegisObject, AegisCallable {
  public let model: Model
  /// The run that produced this model (train/pretrain/finetune), when there was one.
  public var history: History?
  /// The pretext task network of a pretrained model (for `task_accuracy`).
  public var pretext: AnyObject?
  /// Fine-tuning: the best-validation-RA model and its epoch.
  public var bestModel: Model?
  public var bestEpoch: Int?
  public init(_ model: Model, history: History? = nil) { self.model = model; self.history = history }
  public var typeName: String { "Model" }
  public var summary: String {
    "Model \(model.label): \(model.config.architecture), \(model.parameterCount) parameters, \(model.numOutputs) outputs"
  }
  public func describe() -> String { model.summaryTable() }
  public var memberNames: [String] {
    ["params", "label", "outputs", "input_shape", "backbone_params", "architecture", "training", "history", "best_model", "best_epoch", "pretext", "layout"]
  }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "params": return .number(Double(model.parameterCount))
    case "label": return .string(model.label)
    case "outputs": return .number(Double(model.numOutputs))
    case "input_shape": return .list(model.config.inputShape.map { .number(Double($0)) })
    case "backbone_params": return .number(Double(model.backbone.parameterCount))
    case "architecture": return .string(model.config.architecture)
    case "training": return .bool(model.isTraining)
    case "history": return history.map { .object(HistoryObject($0)) } ?? .nil
    case "best_model": return bestModel.map { .object(ModelObject($0)) } ?? .nil
    case "best_epoch": return bestEpoch.map { .number(Double($0)) } ?? .nil
    case "pretext": return (pretext as? PretextNetwork).map { .object(PretextObject($0)) } ?? .nil
    case "layout": return .string(model.activationLayout.rawValue)
    default: return nil
    }
  }
}

/// An attack value: `pgd(eps: 0.1)`.
public final class AttackObject: AegisObject {
  public let attack: Attack
  public init(_ attack: Attack) { self.attack = attack }
  public var typeName: String { "Attack" }
  public var summary: String { "Attack \(attack.description)" }
  public var memberNames: [String] { ["eps", "steps", "step", "name", "norm", "restarts", "seed"] }
  public func member(_ name: String) throws -> Value? {
    let s = attack.settings
    switch name {
    case "eps": return .number(s.epsilon)
    case "steps": return .number(Double(s.steps))
    case "step": return .number(s.stepSize)
    case "name": return .string(attack.name)
    case "norm": return .string(s.norm.rawValue)
    case "restarts": return .number(Double(s.restarts))
    case "seed": return .number(Double(s.seed))
    default: return nil
    }
  }
}

/// Per-epoch metrics of a training run.
public final class HistoryObject: AegisObject {
  public let history: History
  public init(_ history: History) { self.history = history }
  public var typeName: String { "History" }
  public var summary: String {
    "History \(history.label): \(history.records.count) epochs, metrics \(history.metricNames.joined(separator: ", "))"
  }
  public func describe() -> String {
    var text = "History \(history.label)\n" + history.table()
    if let best = bestMetric, let b = history.best(best) { text += "\nbest \(best) \(String(format: "%.4f", b.value)) at epoch \(b.epoch)" }
    return text
  }
  /// The metric `best` refers to: robust validation accuracy when measured, else validation, else training accuracy.
  var bestMetric: String? {
    ["val_robust_acc", "val_acc", "acc"].first { history.metricNames.contains($0) }
  }
  public var memberNames: [String] { ["best", "best_epoch", "epochs", "last", "metrics", "label"] + history.metricNames }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "best": return (bestMetric.flatMap(history.best)).map { .number($0.value) } ?? .nil
    case "best_epoch": return (bestMetric.flatMap(history.best)).map { .number(Double($0.epoch)) } ?? .nil
    case "epochs": return .number(Double(history.records.count))
    case "last": return history.last.map { r in .list(history.metricNames.map { .number(r.metrics[$0] ?? .nan) }) } ?? .nil
    case "metrics": return .list(history.metricNames.map { .string($0) })
    case "label": return .string(history.label)
    default:
      guard history.metricNames.contains(name) else { return nil }
      return .list(history.series(name).map { .number($0.value) })
    }
  }
}

/// Accuracy-vs-ε curves.
public final class CurveObject: AegisObject {
  public let curve: RobustnessCurve
  public init(_ curve: RobustnessCurve) { self.curve = curve }
  public var typeName: String { "Curve" }
  public var summary: String {
    "Curve: \(curve.lines.count) model(s) × \(curve.lines.first?.epsilons.count ?? 0) eps values, n = \(curve.examples)"
  }
  public func describe() -> String { curve.table() + String(format: "\n(%.1fs)", curve.seconds) }
  public var memberNames: [String] { ["eps", "accuracy", "models", "flags"] }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "eps": return .list((curve.lines.first?.epsilons ?? []).map { .number($0) })
    case "accuracy":
      let lines = curve.lines.map { Value.list($0.accuracy.map { .number($0) }) }
      return lines.count == 1 ? lines[0] : .list(lines)
    case "models": return .list(curve.lines.map { .string($0.model) })
    case "flags": return .list(curve.flags.map { .string($0) })
    default: return nil
    }
  }
}

/// Clean and robust accuracy of one model.
public final class ReportObject: AegisObject {
  public let report: RobustnessReport
  public init(_ report: RobustnessReport) { self.report = report }
  public var typeName: String { "Report" }
  public var summary: String {
    String(format: "Report %@: clean %.2f%%, robust %.2f%% (n = %d)", report.model, report.cleanAccuracy * 100, report.robustAccuracy * 100, report.examples)
  }
  public func describe() -> String { report.description }
  public var memberNames: [String] { ["clean", "robust", "n", "flags"] }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "clean": return .number(report.cleanAccuracy)
    case "robust": return .number(report.robustAccuracy)
    case "n": return .number(Double(report.examples))
    case "flags": return .list(report.flags.map { .string($0) })
    default: return nil
    }
  }
}

/// The sanity-check verdicts.
public final class SanityObject: AegisObject {
  public let report: SanityReport
  public init(_ report: SanityReport) { self.report = report }
  public var typeName: String { "Sanity" }
  public var summary: String {
    if SanityChecks.isNearChance(report.clean, chance: report.chance) { return "Sanity \(report.model): model at chance, train it first" }
    return "Sanity \(report.model): \(report.passed ? "all checks passed" : "flags raised")"
  }
  public func describe() -> String { report.description }
  public var memberNames: [String] { ["passed"] }
  public func member(_ name: String) throws -> Value? { name == "passed" ? .bool(report.passed) : nil }
}

extension Value {
  /// The string inside, or an error naming `what`.
  func asString(_ what: String) throws -> String {
    guard case .string(let s) = self else { throw LangError("\(what) must be a string, got \(shortDescription)") }
    return s
  }
}
