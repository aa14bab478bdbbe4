// MNIST: loads LeCun's handwritten digits (28×28 grayscale, 10 classes) from IDX files in a
// directory the caller names (no system package installs it).

/// The MNIST handwritten-digit data set.
public enum MNIST {
  /// Class names in label order: the digits.
  public static let classNames = (0...9).map(String.init)

  /// Loads a split as `[N, 1, 28, 28]` images in `[0, 1]` from `directory`; `limit` keeps the first examples.
  ///
  /// Reads `train-images-idx3-ubyte(.gz)` / `train-labels-idx1-ubyte(.gz)` or the `t10k-` files.
  public static func load(split: DatasetSplit = .train, directory: String, limit: Int? = nil) throws -> Dataset {
    let hint = "Download the MNIST files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
      + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz into one folder and pass it as directory:."
    let loader = IDXDatasetLoader(name: "mnist", classNames: classNames, missingHint: hint)
    return try loader.load(split: split, directory: directory, limit: limit)
  }
}
