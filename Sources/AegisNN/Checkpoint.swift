// Model checkpoints in the safetensors format: weights, buffers, optional optimizer state, and
// the model recipe in the metadata so a file rebuilds its model alone. Loading is all-or-nothing;
// transferring a backbone reports what was loaded, what was skipped and why.

import AegisData
import AegisTensor

/// A checkpoint problem the user can fix.
public struct CheckpointError: Error, CustomStringConvertible {
  public let message: String
  public var description: String { message }
}

/// What a backbone transfer did, name by name (never silent, unlike `strict=False`).
public struct TransferReport: CustomStringConvertible {
  public var loaded: [String] = []
  public var skipped: [(name: String, reason: String)] = []
  public var description: String {
    var lines = ["transferred \(loaded.count) tensors into the backbone"]
    if !skipped.isEmpty {
      lines.append("skipped \(skipped.count):")
      for s in skipped.prefix(12) { lines.append("  \(s.name): \(s.reason)") }
      if skipped.count > 12 { lines.append("  … and \(skipped.count - 12) more") }
    }
    return lines.joined(separator: "\n")
  }
}

public enum Checkpoint {
  static let configKey = "aegis.config", outputsKey = "aegis.head_outputs", labelKey = "aegis.label"

  /// Writes the model (and optimizer state) atomically to `path`.
  public static func save(_ model: Model, to path: String, optimizer: Optimizer? = nil, metadata: [String: String] = [:]) throws {
    var tensors = model.stateDict()
    if let optimizer { tensors += optimizer.state.map { ("optimizer.\($0.name)", $0.tensor) } }
    var meta = metadata
    meta[configKey] = model.config.json()
    meta[outputsKey] = String(model.numOutputs)
    meta[labelKey] = model.label
    try SafeTensorsFile.write(tensors, metadata: meta, to: path)
  }

  /// Rebuilds the model stored at `path` (written by `save`).
  public static func load(_ path: String) throws -> Model {
    let file = try SafeTensorsFile.read(path: path)
    guard let json = file.metadata[configKey], let config = try? ModelConfig.fromJSON(json) else {
      throw CheckpointError(message: "\(path): no Aegis model recipe in the metadata; build the model first and load weights into it with load(path, into: model)")
    }
    let model = try ModelBuilder.build(config)
    if let outputs = file.metadata[outputsKey].flatMap(Int.init), outputs != model.numOutputs {
      model.replaceHead(model.makeHead(outputs: outputs, seed: 0))
    }
    try loadState(file.tensors, into: model, source: path)
    model.label = file.metadata[labelKey] ?? model.label
    return model
  }

  /// Loads every tensor of the model from `path`; fails without touching the model on any mismatch.
  public static func load(_ path: String, into model: Model) throws {
    try loadState(try SafeTensorsFile.read(path: path).tensors, into: model, source: path)
  }

  /// Loads every tensor of the model from `tensors` (named as in `stateDict`), all or nothing.
  public static func load(_ tensors: [String: Tensor], into model: Model, source: String) throws {
    try loadState(tensors, into: model, source: source)
  }

  static func loadState(_ tensors: [String: Tensor], into model: Model, source: String) throws {
    let state = model.stateDict()
    var problems: [String] = []
    for (name, t) in state {
      guard let s = tensors[name] else { problems.append("missing \(name)"); continue }
      if s.shape != t.shape { problems.append("\(name) has shape \(s.shape), the model needs \(t.shape)") }
    }
    let expected = Set(state.map(\.name))
    let extra = tensors.keys.filter { !expected.contains($0) && !$0.hasPrefix("optimizer.") }.sorted()
    if !extra.isEmpty { problems.append("unexpected tensors: \(extra.prefix(5).joined(separator: ", "))\(extra.count > 5 ? ", …" : "")") }
    guard problems.isEmpty else {
      throw CheckpointError(message: "\(source) does not fit this model (nothing was loaded): \(problems.prefix(5).joined(separator: "; "))\(problems.count > 5 ? "; …" : ""). To copy only the backbone use transfer(…)")
    }
    for (name, t) in state { t.storage = tensors[name]!.storage }
  }

  /// Optimizer state saved with the model, keyed as the optimizer expects.
  public static func optimizerState(_ path: String) throws -> [String: Tensor] {
    let file = try SafeTensorsFile.read(path: path)
    var state: [String: Tensor] = [:]
    for (k, v) in file.tensors where k.hasPrefix("optimizer.") { state[String(k.dropFirst("optimizer.".count))] = v }
    return state
  }

  /// Copies the backbone (θp) of `source` into `target`'s backbone, reporting every tensor.
  public static func transferBackbone(from source: Model, into target: Model) -> TransferReport {
    transfer(Dictionary(source.stateDict().map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }), into: target)
  }

  /// Copies matching backbone tensors from a checkpoint file.
  public static func transferBackbone(fromFile path: String, into target: Model) throws -> TransferReport {
    transfer(try SafeTensorsFile.read(path: path).tensors, into: target)
  }

  static func transfer(_ tensors: [String: Tensor], into target: Model) -> TransferReport {
    var report = TransferReport()
    let backboneNames = Set(target.backbone.stateDict().map(\.name))
    for (name, t) in target.stateDict() {
      guard backboneNames.contains(name) || name.hasPrefix("normalize.") else { continue }
      guard let s = tensors[name] else { report.skipped.append((name, "not in the source")); continue }
      guard s.shape == t.shape else { report.skipped.append((name, "shape \(s.shape) ≠ \(t.shape)")); continue }
      t.storage = s.storage
      report.loaded.append(name)
    }
    let targetNames = Set(target.stateDict().map(\.name))
    for name in tensors.keys.sorted() where !targetNames.contains(name) || !backboneNames.contains(name) {
      if name.hasPrefix("optimizer.") || name.hasPrefix("normalize.") { continue }
      report.skipped.append((name, targetNames.contains(name) ? "head (re-initialized for the new task)" : "not in the target model"))
    }
    return report
  }
}
