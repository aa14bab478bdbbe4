// File builtins for models and tensors: `save`/`load` of models (safetensors checkpoints with
// their recipe), of one tensor or a dict of named tensors (safetensors), and of NumPy .npy
// files; `tensor_dict` builds the dict; `dataset(images, labels)` turns tensors (adversarial
// examples, a loaded .npy) back into a Dataset that every evaluation and attack accepts.

import AegisData
import AegisNN
import AegisTensor
import Foundation

/// Registers the io family's model and tensor files.
public func registerIOBuiltins(into registry: BuiltinRegistry) {
  registry.register([saveBuiltin, loadBuiltin, tensorDictBuiltin, datasetBuiltin])
}

/// Named tensors in order: what a safetensors file holds. `d.name` is one tensor, `d.names`
/// the names, `d[i]` the i-th tensor.
public final class TensorsObject: AegisObject, AegisIndexable {
  public let names: [String]
  public let tensors: [String: Tensor]
  public init(names: [String], tensors: [String: Tensor]) {
    self.names = names
    self.tensors = tensors
  }
  public var typeName: String { "Tensors" }
  public var summary: String {
    "Tensors: " + names.prefix(6).map { "\($0) \(tensors[$0]?.shape ?? [])" }.joined(separator: ", ") + (names.count > 6 ? ", …" : "")
  }
  public var memberNames: [String] { ["names", "count"] + names.filter { $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } } }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "names": return .list(names.map { .string($0) })
    case "count": return .number(Double(names.count))
    default: return tensors[name].map { .tensor($0) }
    }
  }
  public func element(at indices: [IndexValue]) throws -> Value {
    guard indices.count == 1, case .element(let i) = try indices[0].resolve(size: names.count) else {
      throw LangError("a Tensors value takes one index, e.g. d[0]; or a name, d.adv")
    }
    return .tensor(tensors[names[i]] ?? Tensor.zeros([0]))
  }
}

/// The file kind, by extension.
private enum TensorFileKind {
  case npy, safetensors

  init(_ path: String, _ args: BoundArguments) throws {
    let lower = path.lowercased()
    if lower.hasSuffix(".npy") { self = .npy } else if lower.hasSuffix(".safetensors") { self = .safetensors } else {
      throw args.error("\(Value.quote(path)): use a .safetensors or .npy file name")
    }
  }
}

/// Writes a tensor, a list of tensors with `names`, or a Tensors value to `path`.
func writeTensors(_ value: Value, names: [String]?, to path: String, _ args: BoundArguments) throws {
  let kind = try TensorFileKind(path, args)
  var entries: [(name: String, tensor: Tensor)]
  switch value {
  case .tensor(let t): entries = [(names?.first ?? "tensor", t)]
  case .object(let d as TensorsObject): entries = d.names.compactMap { n in d.tensors[n].map { (n, $0) } }
  case .list(let items):
    let tensors = try items.map { try $0.asTensor("\(args.builtin.name): each value") }
    guard let names, names.count == tensors.count else {
      throw args.error("a list of \(tensors.count) tensors needs names: with one name each", hint: "e.g. names: [\"adv\", \"grad\"]")
    }
    entries = Array(zip(names, tensors))
  default:
    throw args.error("cannot write \(value.shortDescription) to a tensor file; give a tensor, a list of tensors with names:, or tensor_dict(…)")
  }
  entries = entries.map { ($0.name, $0.tensor.detached()) }
  switch kind {
  case .npy:
    guard entries.count == 1 else { throw args.error(".npy holds one array; use a .safetensors file for \(entries.count) tensors") }
    try NPYFile.write(entries[0].tensor, to: path)
  case .safetensors:
    try SafeTensorsFile.write(entries, metadata: ["aegis.kind": "tensors"], to: path)
  }
}

private let saveBuiltin = Builtin(
  name: "save", category: "io",
  summary: "Save a model (weights, BN statistics, recipe) or tensors to a .safetensors (or .npy) file, atomically.",
  details: "A model becomes a checkpoint that `load` rebuilds. A tensor, a list of tensors with `names:`, or a `tensor_dict` becomes plain named tensors that numpy (`safetensors.numpy.load_file`) and PyTorch (`safetensors.torch.load_file`) read; a single tensor may also go to a .npy file.",
  parameters: [Parameter("value", .any, doc: "a Model, a tensor, a list of tensors, or a Tensors dict"),
               Parameter("path", .string, doc: "file to write (.safetensors; .npy for one tensor)"),
               Parameter("names", .optional(.list), default: .nil, doc: "names of the tensors in a list (default \"tensor\" for one)")],
  returns: "nil", example: "save cnn() \"/tmp/net.safetensors\"\nsave(rand([2, 3]), \"/tmp/x.safetensors\")"
) { args, interp in
  let path = try args.string("path")
  if case .object(let m as ModelObject) = args["value"] {
    try Checkpoint.save(m.model, to: path)
  } else {
    let names = try args.has("names") ? args.list("names").map { try $0.asString("each name") } : nil
    try writeTensors(args["value"], names: names, to: path, args)
  }
  interp.output("saved \(path)")
  return .nil
}

private let loadBuiltin = Builtin(
  name: "load", category: "io", summary: "Load a model saved by `save`, tensors from a .safetensors file, or an array from a .npy file.",
  details: "A checkpoint gives a Model (or loads its weights `into:` an existing model; a file that does not fit is an error and nothing is loaded; to copy only a backbone use `transfer`). Other safetensors files give their one tensor, or a Tensors dict (`d.names`, `d.adv`, `d[0]`) when they hold several. A .npy file gives a tensor; float64 and integer arrays are converted to float32 with a note, Fortran-order and object arrays are errors.",
  parameters: [Parameter("path", .string, doc: "a .safetensors or .npy file"),
               Parameter("into", .optional(.object("Model")), default: .nil, doc: "load the weights into this model instead")],
  returns: "Model, tensor or Tensors", example: "save cnn() \"/tmp/net.safetensors\"\nnet = load(\"/tmp/net.safetensors\")"
) { args, interp in
  let path = try args.string("path")
  if let target = try args.optionalObject("into", as: ModelObject.self) {
    try Checkpoint.load(path, into: target.model)
    return .object(target)
  }
  if path.lowercased().hasSuffix(".npy") {
    let (tensor, note) = try NPYFile.read(path: path)
    if let note { interp.output("note: \(note)") }
    return .tensor(tensor)
  }
  let file = try SafeTensorsFile.read(path: path)
  if file.metadata["aegis.config"] != nil { return .object(ModelObject(try Checkpoint.load(path))) }
  if file.names.count == 1, let only = file.tensors[file.names[0]] { return .tensor(only) }
  return .object(TensorsObject(names: file.names, tensors: file.tensors))
}

private let tensorDictBuiltin = Builtin(
  name: "tensor_dict", category: "io", summary: "Named tensors (a dict) to save together: tensor_dict([\"adv\", \"grad\"], [adv, g]).",
  parameters: [Parameter("names", .list, doc: "one name per tensor"), Parameter("tensors", .list, doc: "the tensors")],
  returns: "Tensors", example: "d = tensor_dict([\"a\", \"b\"], [ones(2), zeros([2, 2])])\nd.b"
) { args, _ in
  let names = try args.list("names").map { try $0.asString("each name") }
  let tensors = try args.list("tensors").map { try $0.asTensor("tensor_dict: each tensor") }
  guard names.count == tensors.count else { throw args.error("\(names.count) names for \(tensors.count) tensors; give one name each") }
  guard Set(names).count == names.count, !names.contains("") else { throw args.error("names must be non-empty and distinct") }
  return .object(TensorsObject(names: names, tensors: Dictionary(uniqueKeysWithValues: zip(names, tensors.map { $0.detached() }))))
}

private let datasetBuiltin = Builtin(
  name: "dataset", category: "data", summary: "A Dataset from images [N, C, H, W] in [0,1] and one label per image (e.g. adversarial examples).",
  details: "The result works everywhere a loaded dataset does: `evaluate`, `attack`, `accuracy`, `show_images`, `train`. `classes:` gives the class names (a list) or their number; by default they are taken from `like:` or numbered 0…max label.",
  parameters: [Parameter("images", .tensor, doc: "images [N, C, H, W] (or [N, H, W], one channel) in [0, 1]"),
               Parameter("labels", .oneOf([.list, .tensor]), doc: "one class index per image"),
               Parameter("classes", .optional(.oneOf([.list, .int])), default: .nil, doc: "class names, or how many classes"),
               Parameter("like", .optional(.object("Dataset")), default: .nil, doc: "take the class names from this dataset"),
               Parameter("name", .string, default: .string("custom"), doc: "the dataset's name")],
  returns: "Dataset", example: "d = dataset(rand([4, 1, 28, 28]), [0, 1, 2, 3], classes: 10)\nd.count"
) { args, _ in
  var images = try args.tensor("images").detached()
  if images.rank == 3 { images = images.reshaped([images.shape[0], 1, images.shape[1], images.shape[2]]) }
  guard images.rank == 4 else { throw args.error("images must be [N, C, H, W] (or [N, H, W]), got shape \(images.shape)") }
  if let bad = images.storage.first(where: { !($0 >= 0 && $0 <= 1) }) {
    throw args.error("image values must be in [0, 1] (found \(Value.format(Double(bad))))", hint: "rescale, e.g. images / 255, or clamp(images, 0, 1)")
  }
  let labelValues: [Value] = try { if case .tensor(let t) = args["labels"] { return t.storage.map { .number(Double($0)) } }; return try args.list("labels") }()
  let labels = try labelValues.map { try $0.asInt("dataset: each label") }
  let classNames = try datasetClassNames(args, labels: labels)
  do {
    return .object(DatasetObject(try Dataset(name: try args.string("name"), images: images, labels: labels, classNames: classNames)))
  } catch let e as DataError { throw args.error(e.description) }
}

private func datasetClassNames(_ args: BoundArguments, labels: [Int]) throws -> [String] {
  switch args["classes"] {
  case .list: return try args.list("classes").map { $0.description }
  case .number: return (0..<(try args.int("classes"))).map(String.init)
  default:
    if let like = try args.optionalObject("like", as: DatasetObject.self) { return like.dataset.classNames }
    return (0...(max(labels.max() ?? 0, 0))).map(String.init)
  }
}
