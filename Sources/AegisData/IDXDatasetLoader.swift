// IDXDatasetLoader: the shared loading logic of MNIST-style data sets (an images IDX file and a
// labels IDX file per split, gzip or plain): finds the files, checks they agree, builds a Dataset.

import AegisTensor

/// Loads an MNIST-format split from a directory.
struct IDXDatasetLoader {
  /// Data set name used in `Dataset.name`, e.g. `fashion-mnist`.
  let name: String
  /// Class names, label order.
  let classNames: [String]
  /// Advice printed when the directory or a file is missing.
  let missingHint: String

  /// File stems per split: the standard names, without `.gz`.
  static func stems(for split: DatasetSplit) -> (images: [String], labels: [String]) {
    let prefix = split == .train ? "train" : "t10k"
    return (["\(prefix)-images-idx3-ubyte", "\(prefix)-images.idx3-ubyte"],
            ["\(prefix)-labels-idx1-ubyte", "\(prefix)-labels.idx1-ubyte"])
  }

  /// Reads `split` from `directory`, keeping the first `limit` examples when given.
  func load(split: DatasetSplit, directory: String, limit: Int?) throws -> Dataset {
    if let limit, limit < 0 { throw DataError.invalidArgument("limit must be 0 or more, got \(limit)") }
    guard DataFile.isDirectory(directory) else { throw DataError.missingDirectory(path: directory, hint: missingHint) }
    let stems = Self.stems(for: split)
    let imagesPath = try findFile(in: directory, stems: stems.images)
    let labelsPath = try findFile(in: directory, stems: stems.labels)
    let images = try IDXReader.readImages(path: imagesPath)
    let labels = try IDXReader.readLabels(path: labelsPath)
    guard images.dimensions[0] == labels.dimensions[0] else {
      throw DataError.inconsistentFiles(first: imagesPath, second: labelsPath,
                                        problem: "\(images.dimensions[0]) images but \(labels.dimensions[0]) labels")
    }
    let n = min(images.dimensions[0], limit ?? Int.max)
    let labelValues = try checkedLabels(labels.bytes.prefix(n), path: labelsPath)
    let (rows, cols) = (images.dimensions[1], images.dimensions[2])
    let pixels = PixelConversion.unitFloats(images.bytes.prefix(n * rows * cols))
    let tensor = Tensor(shape: [n, 1, rows, cols], storage: pixels)
    return Dataset(trusted: "\(name)/\(split)", images: tensor, labels: labelValues, classNames: classNames)
  }

  /// The first existing candidate (`stem.gz` before `stem`), or a missing-file error naming the usual one.
  private func findFile(in directory: String, stems: [String]) throws -> String {
    let candidates = stems.flatMap { [DataFile.join(directory, $0 + ".gz"), DataFile.join(directory, $0)] }
    if let found = candidates.first(where: DataFile.isFile) { return found }
    throw DataError.missingFile(path: candidates[0], hint: missingHint)
  }

  private func checkedLabels(_ bytes: ArraySlice<UInt8>, path: String) throws -> [Int] {
    let labels = bytes.map(Int.init)
    if let position = labels.firstIndex(where: { $0 >= classNames.count }) {
      throw DataError.corruptFile(path: path, problem: "label \(labels[position]) at position \(position) is outside 0...\(classNames.count - 1)")
    }
    return labels
  }
}
