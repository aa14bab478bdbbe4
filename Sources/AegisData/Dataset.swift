// Dataset: a labelled image data set held in memory as one [N, C, H, W] float tensor in [0, 1],
// with subsets, shuffling, train/validation splits and fast mini-batch extraction.

import AegisTensor

/// A mini-batch: images `[B, C, H, W]` and their labels.
public typealias DatasetBatch = (images: Tensor, labels: [Int])

/// Labelled images in memory. Immutable: every operation returns a new data set.
public final class Dataset: CustomStringConvertible {
  /// A short name, e.g. `fashion-mnist/train`.
  public let name: String
  /// All images, `[N, C, H, W]`, float32 in `[0, 1]`.
  public let images: Tensor
  /// One label per image, each in `0..<numClasses`.
  public let labels: [Int]
  /// Human-readable class names; label `k` is `classNames[k]`.
  public let classNames: [String]

  /// Creates a data set, checking that shapes, label count and label range agree.
  public init(name: String, images: Tensor, labels: [Int], classNames: [String]) throws {
    guard images.rank == 4 else {
      throw DataError.invalidArgument("dataset '\(name)': images must have shape [N, C, H, W], got \(images.shape)")
    }
    guard images.shape[0] == labels.count else {
      throw DataError.invalidArgument("dataset '\(name)': \(images.shape[0]) images but \(labels.count) labels; give one label per image")
    }
    if let bad = labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
      throw DataError.invalidArgument("dataset '\(name)': label \(bad) is outside 0..<\(classNames.count) (one per class name)")
    }
    self.name = name
    self.images = images
    self.labels = labels
    self.classNames = classNames
  }

  /// Creates a data set from parts already known to agree.
  init(trusted name: String, images: Tensor, labels: [Int], classNames: [String]) {
    self.name = name
    self.images = images
    self.labels = labels
    self.classNames = classNames
  }

  /// Number of examples.
  public var count: Int { labels.count }
  /// Shape of one image, `[C, H, W]`.
  public var imageShape: [Int] { Array(images.shape.dropFirst()) }
  /// Number of classes.
  public var numClasses: Int { classNames.count }
  /// Number of floats in one image, `C * H * W`.
  public var exampleSize: Int { imageShape.reduce(1, *) }

  public var description: String {
    "\(name): \(count) images of shape \(imageShape), \(numClasses) classes"
  }

  /// How many examples each class has, indexed by label.
  public func classCounts() -> [Int] {
    var counts = [Int](repeating: 0, count: numClasses)
    for label in labels { counts[label] += 1 }
    return counts
  }

  /// The examples at `indices`, in that order (repeats allowed).
  public func subset(_ indices: [Int]) throws -> Dataset {
    try checkIndices(indices)
    return gatherDataset(indices)
  }

  /// The first `n` examples (all of them when `n >= count`).
  public func limited(to n: Int) throws -> Dataset {
    guard n >= 0 else { throw DataError.invalidArgument("limited(to:) needs 0 or more examples, got \(n)") }
    if n >= count { return self }
    let part = batchUnchecked(0..<n)
    return Dataset(trusted: name, images: part.images, labels: part.labels, classNames: classNames)
  }

  /// All examples in an order given by `seed`.
  public func shuffled(seed: UInt64) -> Dataset {
    var rng = RandomGenerator(seed: seed)
    return gatherDataset(rng.permutation(count))
  }

  /// A random split: `validationFraction` of the examples (rounded) go to `validation`.
  public func split(validationFraction: Double, seed: UInt64) throws -> (train: Dataset, validation: Dataset) {
    guard validationFraction.isFinite, (0...1).contains(validationFraction) else {
      throw DataError.invalidArgument("validationFraction must be between 0 and 1, got \(validationFraction)")
    }
    var rng = RandomGenerator(seed: seed)
    let order = rng.permutation(count)
    let validationCount = Int((Double(count) * validationFraction).rounded())
    let validation = gatherDataset(Array(order[..<validationCount]))
    let train = gatherDataset(Array(order[validationCount...]))
    return (train, validation)
  }

  /// The examples at positions `indices` as one batch.
  public func batch(at indices: Range<Int>) throws -> DatasetBatch {
    guard indices.lowerBound >= 0, indices.upperBound <= count else {
      throw DataError.invalidArgument("batch range \(indices) is outside 0..<\(count) in dataset '\(name)'")
    }
    return batchUnchecked(indices)
  }

  /// The examples at `indices`, in that order, as one batch.
  public func batch(at indices: [Int]) throws -> DatasetBatch {
    try checkIndices(indices)
    return batchUnchecked(indices)
  }

  /// Mini-batches covering every example once (the last one may be smaller).
  ///
  /// With `shuffle`, the order comes from `seed`; `augmentation`, when given, is applied to each
  /// batch with a generator derived from `seed`. Iterating the sequence twice gives the same batches.
  public func batches(size: Int, shuffle: Bool = true, seed: UInt64 = 0, augmentation: Augmentation? = nil) throws -> BatchSequence {
    guard size > 0 else { throw DataError.invalidArgument("batch size must be 1 or more, got \(size)") }
    return BatchSequence(dataset: self, batchSize: size, shuffle: shuffle, seed: seed, augmentation: augmentation)
  }

  // MARK: - Internals

  private func checkIndices(_ indices: [Int]) throws {
    if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
      throw DataError.invalidArgument("index \(bad) is outside 0..<\(count) in dataset '\(name)'")
    }
  }

  private func gatherDataset(_ indices: [Int]) -> Dataset {
    let part = batchUnchecked(indices)
    return Dataset(trusted: name, images: part.images, labels: part.labels, classNames: classNames)
  }

  /// A contiguous block of examples: one copy.
  func batchUnchecked(_ range: Range<Int>) -> DatasetBatch {
    let size = exampleSize
    let values = Array(images.storage[(range.lowerBound * size)..<(range.upperBound * size)])
    return (Tensor(shape: [range.count] + imageShape, storage: values), Array(labels[range]))
  }

  /// Examples at arbitrary positions: one row copy per example.
  func batchUnchecked(_ indices: [Int]) -> DatasetBatch {
    let size = exampleSize
    let values = [Float](unsafeUninitializedCapacity: indices.count * size) { out, initialized in
      images.storage.withUnsafeBufferPointer { source in
        guard let dst = out.baseAddress, let src = source.baseAddress else { return }
        for (row, index) in indices.enumerated() {
          (dst + row * size).initialize(from: src + index * size, count: size)
        }
      }
      initialized = indices.count * size
    }
    return (Tensor(shape: [indices.count] + imageShape, storage: values), indices.map { labels[$0] })
  }
}
