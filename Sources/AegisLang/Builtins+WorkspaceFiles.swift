// `save_workspace(dir)` / `load_workspace(dir)`: every workspace variable in one directory, so a
// long session survives a restart. Layout (version 1):
//   workspace.json        the variables in order: numbers, strings, bools, nil, ranges and lists
//                         inline; everything else a reference to a file below
//   tensors.safetensors   the tensors (also those inside lists), by reference key
//   models/K.safetensors  model checkpoints with their recipe (a model's history is kept too)
//   data/K.safetensors    datasets without a recipe (built from tensors, sliced): their images
// Datasets loaded from files are stored by their recipe (`fashion_mnist("test", limit: 1000)`).
// The directory is written next to the target under a temporary name and renamed into place,
// so a crash leaves the old workspace or the new one, never half of one. Functions, attacks and
// other values are listed as skipped (keep `def`s in a script or notebook).

import AegisData
import AegisNN
import AegisTensor
import Foundation

/// Registers save_workspace and load_workspace.
public func registerWorkspaceFileBuiltins(into registry: BuiltinRegistry) {
  registry.register([saveWorkspaceBuiltin, loadWorkspaceBuiltin])
}

/// Encodes values into JSON plus side files.
private final class WorkspaceWriter {
  let directory: String
  var tensors: [(name: String, tensor: Tensor)] = []
  var skipped: [String] = []
  private var files = 0

  init(directory: String) { self.directory = directory }

  private func nextKey() -> String { files += 1; return "v\(files)" }

  func encode(_ value: Value, name: String) throws -> Any? {
    switch value {
    case .number(let x): return x.isFinite ? ["number": x] : ["number_text": Value.format(x)]
    case .string(let s): return ["string": s]
    case .bool(let b): return ["bool": b]
    case .nil: return ["nil": true]
    case .range(let r): return ["range": [r.start, r.end, r.step]]
    case .list(let items): return ["list": try items.enumerated().map { try encode($1, name: "\(name)[\($0)]") ?? ["nil": true] }]
    case .tensor(let t):
      let key = nextKey()
      tensors.append((key, t.detached()))
      return ["tensor": key]
    case .object(let m as ModelObject): return try model(m)
    case .object(let d as DatasetObject): return try dataset(d)
    case .object(let h as HistoryObject): return ["history": Self.history(h.history)]
    default:
      skipped.append("\(name) (\(value.typeName))")
      return nil
    }
  }

  private func model(_ m: ModelObject) throws -> Any {
    let key = nextKey()
    try Checkpoint.save(m.model, to: "\(directory)/models/\(key).safetensors")
    var entry: [String: Any] = ["model": key]
    if let h = m.history { entry["history"] = Self.history(h) }
    return entry
  }

  private func dataset(_ d: DatasetObject) throws -> Any {
    if let recipe = d.recipe { return ["dataset_recipe": recipe] }
    let key = nextKey()
    let labels = Tensor(shape: [d.dataset.count], storage: d.dataset.labels.map(Float.init))
    try SafeTensorsFile.write([("images", d.dataset.images), ("labels", labels)], to: "\(directory)/data/\(key).safetensors")
    return ["dataset": key, "name": d.dataset.name, "classes": d.dataset.classNames]
  }

  static func history(_ h: History) -> Any {
    ["label": h.label, "settings": h.settings, "metrics": h.metricNames,
     "epochs": h.records.map { r in ["epoch": r.epoch, "values": h.metricNames.map { r.metrics[$0] ?? Double.nan }.map { $0.isFinite ? $0 : -1e300 }] as [String: Any] }]
  }
}

/// Decodes what `WorkspaceWriter` wrote.
private struct WorkspaceReader {
  let directory: String
  let tensors: [String: Tensor]
  let interpreter: Interpreter

  func decode(_ json: Any, name: String) throws -> Value {
    guard let entry = json as? [String: Any] else { throw LangError("load_workspace: \(name) is damaged in workspace.json") }
    if let x = entry["number"] as? Double { return .number(x) }
    if let t = entry["number_text"] as? String { return .number(t == "nan" ? .nan : (t.hasPrefix("-") ? -.infinity : .infinity)) }
    if let s = entry["string"] as? String { return .string(s) }
    if let b = entry["bool"] as? Bool { return .bool(b) }
    if entry["nil"] != nil { return .nil }
    if let r = entry["range"] as? [Int], r.count == 3 { return .range(RangeValue(start: r[0], end: r[1], step: r[2])) }
    if let items = entry["list"] as? [Any] { return .list(try items.enumerated().map { try decode($1, name: "\(name)[\($0)]") }) }
    if let key = entry["tensor"] as? String {
      guard let t = tensors[key] else { throw LangError("load_workspace: the tensor of \(name) is missing from tensors.safetensors") }
      return .tensor(t)
    }
    if let key = entry["model"] as? String {
      let object = ModelObject(try Checkpoint.load("\(directory)/models/\(key).safetensors"))
      object.history = (entry["history"]).flatMap(Self.history)
      return .object(object)
    }
    if let recipe = entry["dataset_recipe"] as? String {
      let value = try rebuild(recipe, name: name)
      guard case .object(let d as DatasetObject) = value else {
        throw LangError("load_workspace: cannot rebuild \(name) with \(recipe): it did not give a Dataset")
      }
      d.recipe = recipe
      return value
    }
    if let key = entry["dataset"] as? String, let classes = entry["classes"] as? [String] {
      let file = try SafeTensorsFile.read(path: "\(directory)/data/\(key).safetensors")
      guard let images = file.tensors["images"], let labels = file.tensors["labels"] else {
        throw LangError("load_workspace: the data of \(name) is damaged")
      }
      return .object(DatasetObject(try Dataset(name: entry["name"] as? String ?? name, images: images,
                                               labels: labels.storage.map { Int($0) }, classNames: classes)))
    }
    if let h = entry["history"].flatMap(Self.history) { return .object(HistoryObject(h)) }
    throw LangError("load_workspace: \(name) has an unknown kind in workspace.json")
  }

  /// Evaluates a recipe expression in the running interpreter (not `run`, which would reset
  /// the counters of the script that called load_workspace).
  private func rebuild(_ recipe: String, name: String) throws -> Value {
    let parsed = interpreter.parse(recipe, file: "<workspace \(name)>")
    guard parsed.errors.isEmpty, parsed.statements.count == 1, case .expression(let expr, _) = parsed.statements[0].kind else {
      throw LangError("load_workspace: the recipe of \(name) does not parse: \(recipe)")
    }
    do { return try interpreter.evaluate(expr, in: interpreter.globals) } catch let e as LangError {
      throw LangError("load_workspace: cannot rebuild \(name) with \(recipe): \(e.message)")
    }
  }

  static func history(_ json: Any) -> History? {
    guard let d = json as? [String: Any], let metrics = d["metrics"] as? [String], let epochs = d["epochs"] as? [[String: Any]] else { return nil }
    let h = History(label: d["label"] as? String ?? "history")
    h.settings = d["settings"] as? [String: String] ?? [:]
    for e in epochs {
      let values = e["values"] as? [Double] ?? []
      var m: [String: Double] = [:]
      for (k, v) in zip(metrics, values) where v != -1e300 { m[k] = v }
      h.append(EpochRecord(epoch: e["epoch"] as? Int ?? 0, metrics: m))
    }
    return h
  }
}

/// Replaces `path` with the directory `fresh` in two renames, removing the old one afterwards.
private func replaceDirectory(_ path: String, with fresh: String) throws {
  let fm = FileManager.default
  let old = path + ".old-\(UUID().uuidString.prefix(8))"
  let hadOld = fm.fileExists(atPath: path)
  if hadOld { try fm.moveItem(atPath: path, toPath: old) }
  do { try fm.moveItem(atPath: fresh, toPath: path) } catch {
    if hadOld { try? fm.moveItem(atPath: old, toPath: path) }
    throw error
  }
  if hadOld { try? fm.removeItem(atPath: old) }
}

private let saveWorkspaceBuiltin = Builtin(
  name: "save_workspace", category: "io",
  summary: "Save every workspace variable (models, tensors, numbers, strings, lists, datasets, histories) into one directory, atomically.",
  details: "Models keep their weights, BN statistics, recipe and history; datasets loaded from files are stored by their recipe (e.g. fashion_mnist(\"test\", limit: 1000)), others by their images. Functions, attacks and tasks are listed as skipped: keep `def`s in a script. `load_workspace` restores everything.",
  parameters: [Parameter("path", .string, doc: "the directory to write (replaced as a whole)")],
  returns: "nil", example: "x = ones(3)\nsave_workspace \"/tmp/session.aegis-ws\""
) { args, interp in
  let path = try args.string("path").replacingOccurrences(of: "/+$", with: "", options: .regularExpression)
  guard !path.isEmpty else { throw args.error("give a directory name, e.g. \"session.aegis-ws\"") }
  let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
  let staging = "\(parent)/.\(URL(fileURLWithPath: path).lastPathComponent).tmp-\(UUID().uuidString.prefix(8))"
  let fm = FileManager.default
  do {
    for sub in ["models", "data"] { try fm.createDirectory(atPath: "\(staging)/\(sub)", withIntermediateDirectories: true) }
    let writer = WorkspaceWriter(directory: staging)
    var variables: [[String: Any]] = []
    for (name, value) in interp.workspace {
      if let encoded = try writer.encode(value, name: name) { variables.append(["name": name, "value": encoded]) }
    }
    try SafeTensorsFile.write(writer.tensors, metadata: ["aegis.kind": "workspace tensors"], to: "\(staging)/tensors.safetensors")
    let json = try JSONSerialization.data(withJSONObject: ["version": 1, "seed": interp.seedValue, "variables": variables], options: [.prettyPrinted, .sortedKeys])
    try json.write(to: URL(fileURLWithPath: "\(staging)/workspace.json"), options: .atomic)
    try replaceDirectory(path, with: staging)
    interp.output("saved \(variables.count) variable\(variables.count == 1 ? "" : "s") to \(path)"
                  + (writer.skipped.isEmpty ? "" : "; skipped \(writer.skipped.joined(separator: ", "))"))
  } catch {
    try? fm.removeItem(atPath: staging)
    if let e = error as? LangError { throw e }
    throw args.error("cannot write \(path): \(error)")
  }
  return .nil
}

private let loadWorkspaceBuiltin = Builtin(
  name: "load_workspace", category: "io", summary: "Restore the variables saved by `save_workspace` (existing variables of the same names are replaced).",
  parameters: [Parameter("path", .string, doc: "a directory written by save_workspace")],
  returns: "nil", example: "x = ones(3)\nsave_workspace \"/tmp/session.aegis-ws\"\nload_workspace \"/tmp/session.aegis-ws\""
) { args, interp in
  let path = try args.string("path")
  guard let data = FileManager.default.contents(atPath: "\(path)/workspace.json") else {
    throw args.error("\(path) has no workspace.json; is it a directory written by save_workspace?")
  }
  guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], root["version"] as? Int == 1,
        let variables = root["variables"] as? [[String: Any]] else {
    throw args.error("\(path)/workspace.json is damaged or from a newer Aegis (version \(String(describing: (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["version"])))")
  }
  let tensors = try SafeTensorsFile.read(path: "\(path)/tensors.safetensors").tensors
  let reader = WorkspaceReader(directory: path, tensors: tensors, interpreter: interp)
  var restored: [(String, Value)] = []
  for v in variables {
    guard let name = v["name"] as? String, let value = v["value"] else { throw args.error("workspace.json has an entry without a name") }
    restored.append((name, try reader.decode(value, name: name)))
  }
  // All or nothing: the workspace changes only once every variable was read.
  for (name, value) in restored { interp.globals.define(name, value) }
  interp.output("loaded \(restored.count) variable\(restored.count == 1 ? "" : "s") from \(path)")
  return .nil
}
