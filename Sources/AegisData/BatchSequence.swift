// BatchSequence: one epoch of mini-batches over a Dataset, optionally shuffled and augmented,
// produced lazily (one batch in memory at a time) and reproducible from a seed.

import AegisTensor

/// One epoch of mini-batches. Every example appears exactly once; the last batch may be smaller.
public struct BatchSequence: Sequence {
  /// The data set the batches come from.
  public let dataset: Dataset
  /// Examples per batch (the last batch may have fewer).
  public let batchSize: Int
  /// Whether the example order is shuffled.
  public let shuffle: Bool
  /// Seed for the order and the augmentation.
  public let seed: UInt64
  /// Augmentation applied to each batch, if any.
  public let augmentation: Augmentation?

  /// Number of batches in the epoch.
  public var batchCount: Int { (dataset.count + batchSize - 1) / batchSize }
  public var underestimatedCount: Int { batchCount }

  public func makeIterator() -> Iterator {
    var rng = RandomGenerator(seed: seed)
    let order = shuffle ? rng.permutation(dataset.count) : nil
    return Iterator(sequence: self, order: order, rng: rng.fork())
  }

  /// Produces the batches of one epoch in order.
  public struct Iterator: IteratorProtocol {
    let sequence: BatchSequence
    let order: [Int]?
    var rng: RandomGenerator
    var position = 0

    public mutating func next() -> DatasetBatch? {
      let total = sequence.dataset.count
      guard position < total else { return nil }
      let end = Swift.min(position + sequence.batchSize, total)
      defer { position = end }
      let batch = order.map { sequence.dataset.batchUnchecked(Array($0[position..<end])) }
        ?? sequence.dataset.batchUnchecked(position..<end)
      guard let augmentation = sequence.augmentation else { return batch }
      return (augmentation.applyUnchecked(to: batch.images, rng: &rng), batch.labels)
    }
  }
}
