// FashionMNIST: loads Zalando's Fashion-MNIST (28×28 grayscale clothing, 10 classes, 60000 train
// and 10000 test images) from its IDX files, by default from the Debian package's install folder.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Fashion-MNIST data set.
public enum FashionMNIST {
  /// Where `apt-get install dataset-fashion-mnist` puts the files.
  public static let installDirectory = "/usr/share/datasets/fashion-mnist"
  /// Environment variable that, when set, replaces `installDirectory` as the default.
  public static let environmentVariable = "AEGIS_FASHION_MNIST"
  /// Class names in label order.
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  /// The default directory: `$AEGIS_FASHION_MNIST` when set and not empty, else `installDirectory`.
  public static var defaultDirectory: String {
    if let value = getenv(environmentVariable), value.pointee != 0 { return String(cString: value) }
    return installDirectory
  }

  /// Loads a split as `[N, 1, 28, 28]` images in `[0, 1]`; `limit` keeps the first examples.
  ///
  /// Reads `train-images-idx3-ubyte.gz` / `train-labels-idx1-ubyte.gz` (train) or
  /// `t10k-images-idx3-ubyte.gz` / `t10k-labels-idx1-ubyte.gz` (test), or the same names without `.gz`.
  public static func load(split: DatasetSplit = .train, directory: String = defaultDirectory, limit: Int? = nil) throws -> Dataset {
    let hint = "Install it with `apt-get install dataset-fashion-mnist`, or pass directory: (or set "
      + "\(environmentVariable)) to a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
      + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz."
    let loader = IDXDatasetLoader(name: "fashion-mnist", classNames: classNames, missingHint: hint)
    return try loader.load(split: split, directory: directory, limit: limit)
  }
}
