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
  return .object(DatasetObject(try FashionMNIST.load(split: try split(args), directory: dir, limit: try args.optionalInt("limit"))))
}

private let mnistBuiltin = Builtin(
  name: "mnist", category: "data", summary: "Load MNIST digits from a folder of IDX files.",
  parameters: [Parameter("dir", .string, doc: "folder with train-images-idx3-ubyte(.gz) etc."), splitParameter, limitParameter],
  returns: "Dataset", example: "digits = mnist(\"/data/mnist\", \"test\")", exampleNeedsFiles: true
) { args, _ in
  .object(DatasetObject(try MNIST.load(split: try split(args), directory: try args.string("dir"), limit: try args.optionalInt("limit"))))
}

private let cifar10Builtin = Builtin(
  name: "cifar10", category: "data", summary: "Load CIFAR-10 (binary version: data_batch_1..5.bin, test_batch.bin).",
  parameters: [Parameter("dir", .string, doc: "folder with the .bin files (or cifar-10-batches-bin inside it)"), splitParameter, limitParameter],
  returns: "Dataset", example: "cifar = cifar10(\"/data/cifar-10-batches-bin\", \"test\", limit: 1000)", exampleNeedsFiles: true
) { args, _ in
  .object(DatasetObject(try CIFAR10.load(split: try split(args), directory: try args.string("dir"), limit: try args.optionalInt("limit"))))
}

private let splitBuiltin = Builtin(
  name: "split", category: "data", summary: "Split a dataset into [train, validation] parts, shuffled with a seed.",
  parameters: [Parameter("data", .object("Dataset"), doc: "the dataset"),
               Parameter("validation", .number, default: .number(0.1), doc: "fraction held out for validation"),
               Parameter("seed", .int, default: .number(0), doc: "shuffling seed")],
  returns: "list of two Datasets", example: "parts = split(train, validation: 0.1)\ntr = parts[0]\nval = parts[1]", exampleNeedsFiles: true
) { args, _ in
  let data = try args.object("data", as: DatasetObject.self).dataset
  let parts = try data.split(validationFraction: try args.number("validation"), seed: UInt64(try args.int("seed")))
  return .list([.object(DatasetObject(parts.train)), .object(DatasetObject(parts.validation))])
}

private let takeBuiltin = Builtin(
  name: "take", category: "data", summary: "The first N examples of a dataset (or N random ones with `seed:`).",
  parameters: [Parameter("data", .object("Dataset"), doc: "the dataset"), Parameter("n", .int, doc: "how many"),
               Parameter("seed", .optional(.int), default: .nil, doc: "pick at random with this seed")],
  returns: "Dataset", example: "small = take(train, 100)", exampleNeedsFiles: true
) { args, _ in
  var data = try args.object("data", as: DatasetObject.self).dataset
  if let seed = try args.optionalInt("seed") { data = data.shuffled(seed: UInt64(seed)) }
  return .object(DatasetObject(try data.limited(to: try args.int("n"))))
}
