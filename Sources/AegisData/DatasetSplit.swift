// DatasetSplit: which half of a standard benchmark to load.

/// The standard train or test split of a benchmark data set.
public enum DatasetSplit: String, CaseIterable, CustomStringConvertible {
  case train
  case test

  public var description: String { rawValue }
}
