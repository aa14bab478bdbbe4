// Data builtins: Fashion-MNIST (the default, Debian's dataset-fashion-mnist), MNIST, CIFAR-10,
// splitting and subsetting.

import AegisData
import Foundation

/// Registers the data family.
public func registerDataBuiltins(into registry: BuiltinRegistry) {
  registry.register([fashionMNISTBuiltin, mnistBuiltin, cifar10Builtin, splitBuiltin, takeBuiltin])
}

private let splitParameter = Parameter("split", .choice(["train", "test"]), default: .string("train"), doc: "which part of the data set")
private let limitParameter = Parameter("limit", .optional(.int), default: .nil, doc: "keep only the first N images")

/// The call that rebuilds a dataset: `name(arg, …, key: value)` with the given arguments.
private func recipe(_ name: String, _ args: BoundArguments, _ keys: [String], positional: Int = 1) -> String {
  let parts = keys.enumerated().compactMap { i, key -> String? in
    let v = args[key]
    if v.isNil { return nil }
    return i < positional ? v.repr : "\(key): \(v.repr)"
  }
  return "\(name)(\(parts.joined(separator: ", ")))"
}

/// The recipe of `data` taken further by `step`, e.g. `take(<recipe>, 100)`, or nil.
private func derived(_ data: DatasetObject, _ step: (String) -> String) -> String? { data.recipe.map(step) }

private func split(_ args: BoundArguments) throws -> DatasetSplit {
  try args.string("split") == "test" ? .test : .train
}

private let fashionMNISTBuiltin = Builtin(
  name: "fashion_mnist", category: "data", summary: "Load Fashion-MNIST (28×28 grayscale, 10 classes) as images in [0,1].",
  details: "Reads the IDX files of Debian's `dataset-fashion-mnist` package from /usr/share/datasets/fashion-mnist, or from `dir:`, or from $AEGIS_FASHION_MNIST.",
  parameters: [splitParameter, limitParameter,
               Parameter("dir", .optional(.string), default: .nil, doc: "folder with the IDX files (default: the Debian package)")],
  returns: "Dataset", example: "train = fashion_mnist(\"train\", limit: 1000)", exampleNeedsFiles: true
) { args, _ in
  let dir = try args.optionalString("dir") ?? FashionMNIST.defaultDirectory
  return .object(DatasetObject(try FashionMNIST.load(split: try split(args), directory: dir, limit: try args.optionalInt("limit")),
                               recipe: recipe("fashion_mnist", args, ["split", "limit", "dir"])))
}

private let mnistBuiltin = Builtin(
  name: "mnist", category: "data", summary: "Load MNIST digits from a folder of IDX files.",
  parameters: [Parameter("dir", .string, doc: "folder with train-images-idx3-ubyte(.gz) etc."), splitParameter, limitParameter],
  returns: "Dataset", example: "digits = mnist(\"/data/mnist\", \"test\")", exampleNeedsFiles: true
) { args, _ in
  .object(DatasetObject(try MNIST.load(split: try split(args), directory: try args.string("dir"), limit: try args.optionalInt("limit")),
                        recipe: recipe("mnist", args, ["dir", "split", "limit"], positional: 2)))
}

private let cifar10Builtin = Builtin(
  name: "cifar10", category: "data", summary: "Load CIFAR-10 (binary version: data_batch_1..5.bin, test_batch.bin).",
  parameters: [Parameter("dir", .string, doc: "folder with the .bin files (or cifar-10-batches-bin inside it)"), splitParameter, limitParameter],
  returns: "Dataset", example: "cifar = cifar10(\"/data/cifar-10-batches-bin\", \"test\", limit: 1000)", exampleNeedsFiles: true
) { args, _ in
  .object(DatasetObject(try CIFAR10.load(split: try split(args), directory: try args.string("dir"), limit: try args.optionalInt("limit")),
                        recipe: recipe("cifar10", args, ["dir", "split", "limit"], positional: 2)))
}

private let splitBuiltin = Builtin(
  name: "split", category: "data", summary: "Split a dataset into [train, validation] parts, shuffled with a seed.",
  parameters: [Parameter("data", .object("Dataset"), doc: "the dataset"),
               Parameter("validation", .number, default: .number(0.1), doc: "fraction held out for validation"),
               Parameter("seed", .int, default: .number(0), doc: "shuffling seed")],
  returns: "list of two Datasets", example: "parts = split(train, validation: 0.1)\ntr = parts[0]\nval = parts[1]", exampleNeedsFiles: true
) { args, _ in
  let source = try args.object("data", as: DatasetObject.self)
  let parts = try source.dataset.split(validationFraction: try args.number("validation"), seed: UInt64(try args.int("seed")))
  let call = { (r: String) in "split(\(r), validation: \(args["validation"].repr), seed: \(args["seed"].repr))" }
  return .list([.object(DatasetObject(parts.train, recipe: derived(source) { call($0) + "[0]" })),
                .object(DatasetObject(parts.validation, recipe: derived(source) { call($0) + "[1]" }))])
}

private let takeBuiltin = Builtin(
  name: "take", category: "data", summary: "The first N examples of a dataset (or N random ones with `seed:`).",
  parameters: [Parameter("data", .object("Dataset"), doc: "the dataset"), Parameter("n", .int, doc: "how many"),
               Parameter("seed", .optional(.int), default: .nil, doc: "pick at random with this seed")],
  returns: "Dataset", example: "small = take(train, 100)", exampleNeedsFiles: true
) { args, _ in
  let source = try args.object("data", as: DatasetObject.self)
  var data = source.dataset
  if let seed = try args.optionalInt("seed") { data = data.shuffled(seed: UInt64(seed)) }
  let seedText = args.has("seed") ? ", seed: \(args["seed"].repr)" : ""
  return .object(DatasetObject(try data.limited(to: try args.int("n")),
                               recipe: derived(source) { "take(\($0), \(args["n"].repr)\(seedText))" }))
}
