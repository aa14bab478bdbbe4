// CIFAR10: loads the binary version of CIFAR-10 (32×32 colour, 10 classes): records of one label
// byte then 3072 pixel bytes, the red, green and blue 32×32 planes one after the other.

import AegisTensor

/// The CIFAR-10 data set (binary version).
public enum CIFAR10 {
  /// Class names in label order.
  public static let classNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]
  /// Bytes per record: 1 label byte and 3 × 32 × 32 pixel bytes.
  public static let recordSize = 1 + imageSize
  /// Pixel bytes per image.
  public static let imageSize = 3 * 32 * 32
  /// The sub-folder the official archive extracts to.
  public static let archiveFolder = "cifar-10-batches-bin"

  /// The batch file names of a split, in reading order.
  public static func fileNames(for split: DatasetSplit) -> [String] {
    split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
  }

  /// Loads a split as `[N, 3, 32, 32]` images in `[0, 1]`; `limit` keeps the first examples.
  ///
  /// `directory` holds `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`, directly or in
  /// a `cifar-10-batches-bin` sub-folder.
  public static func load(split: DatasetSplit = .train, directory: String, limit: Int? = nil) throws -> Dataset {
    if let limit, limit < 0 { throw DataError.invalidArgument("limit must be 0 or more, got \(limit)") }
    guard DataFile.isDirectory(directory) else { throw DataError.missingDirectory(path: directory, hint: missingHint) }
    let paths = try batchPaths(split: split, directory: directory)
    var pixels: [Float] = []
    var labels: [Int] = []
    for path in paths where labels.count < (limit ?? Int.max) {
      try readBatch(path: path, wanted: (limit ?? Int.max) - labels.count, pixels: &pixels, labels: &labels)
    }
    let images = Tensor(shape: [labels.count, 3, 32, 32], storage: pixels)
    return Dataset(trusted: "cifar10/\(split)", images: images, labels: labels, classNames: classNames)
  }

  private static let missingHint = "Download the binary version of CIFAR-10 (cifar-10-binary.tar.gz), extract it, "
    + "and pass the folder holding data_batch_1.bin … data_batch_5.bin and test_batch.bin "
    + "(or its parent, with the cifar-10-batches-bin folder) as directory:."

  /// The split's files, checking they all exist before any is read.
  private static func batchPaths(split: DatasetSplit, directory: String) throws -> [String] {
    let names = fileNames(for: split)
    let nested = DataFile.join(directory, archiveFolder)
    let useNested = !DataFile.isFile(DataFile.join(directory, names[0])) && DataFile.isDirectory(nested)
    let folder = useNested ? nested : directory
    let paths = names.map { DataFile.join(folder, $0) }
    if let missing = paths.first(where: { !DataFile.isFile($0) }) {
      throw DataError.missingFile(path: missing, hint: missingHint)
    }
    return paths
  }

  /// Appends up to `wanted` records of one batch file.
  private static func readBatch(path: String, wanted: Int, pixels: inout [Float], labels: inout [Int]) throws {
    let bytes = try DataFile.readBytes(path: path)
    guard bytes.count % recordSize == 0 else {
      let expected = (bytes.count / recordSize + 1) * recordSize
      throw DataError.truncatedFile(path: path, expectedBytes: expected, actualBytes: bytes.count)
    }
    let n = min(bytes.count / recordSize, wanted)
    let start = pixels.count
    pixels.append(contentsOf: repeatElement(0, count: n * imageSize))
    try bytes.withUnsafeBufferPointer { src in
      try pixels.withUnsafeMutableBufferPointer { dst in
        for r in 0..<n {
          let record = UnsafeBufferPointer(rebasing: src[(r * recordSize)..<((r + 1) * recordSize)])
          labels.append(try label(record[0], record: r, path: path))
          PixelConversion.write(UnsafeBufferPointer(rebasing: record[1...]), into: dst, at: start + r * imageSize)
        }
      }
    }
  }

  private static func label(_ byte: UInt8, record: Int, path: String) throws -> Int {
    guard Int(byte) < classNames.count else {
      throw DataError.corruptFile(path: path, problem: "record \(record) has label \(byte), outside 0...9 "
        + "(is this the CIFAR-100 or the Python version? Aegis reads CIFAR-10's binary version)")
    }
    return Int(byte)
  }
}
