// IDXReader: parses the IDX format of MNIST and Fashion-MNIST (gzip-compressed or plain):
// a big-endian magic number 0x000008DD (unsigned bytes, DD dimensions), one big-endian UInt32
// per dimension, then the bytes row-major. Every size is checked before it is used.

/// An IDX array of unsigned bytes: its dimensions and its elements, row-major.
public struct IDXArray: Equatable {
  /// Dimensions, outermost (the example count) first.
  public let dimensions: [Int]
  /// The elements, row-major; `bytes.count` is the product of `dimensions`.
  public let bytes: [UInt8]
}

/// Reader for IDX files of unsigned bytes.
public enum IDXReader {
  /// Magic number of an image file: unsigned bytes, 3 dimensions `[N, rows, cols]`.
  public static let imagesMagic: UInt32 = 0x0000_0803
  /// Magic number of a label file: unsigned bytes, 1 dimension `[N]`.
  public static let labelsMagic: UInt32 = 0x0000_0801

  /// Reads an image file; keeps only the first `limit` images when `limit` is given.
  public static func readImages(path: String, limit: Int? = nil) throws -> IDXArray {
    try read(path: path, magic: imagesMagic, limit: limit)
  }

  /// Reads a label file; keeps only the first `limit` labels when `limit` is given.
  public static func readLabels(path: String, limit: Int? = nil) throws -> IDXArray {
    try read(path: path, magic: labelsMagic, limit: limit)
  }

  /// Reads `path` (gzip or plain) and parses it, requiring the magic number `magic`.
  public static func read(path: String, magic: UInt32, limit: Int? = nil) throws -> IDXArray {
    try parse(DataFile.readDecompressed(path: path), magic: magic, path: path, limit: limit)
  }

  /// Parses IDX bytes already in memory; `path` is only used in error messages.
  public static func parse(_ bytes: [UInt8], magic: UInt32, path: String, limit: Int? = nil) throws -> IDXArray {
    if let limit, limit < 0 { throw DataError.invalidArgument("limit must be 0 or more, got \(limit)") }
    guard bytes.count >= 4 else { throw DataError.truncatedFile(path: path, expectedBytes: 4, actualBytes: bytes.count) }
    let found = bigEndianUInt32(bytes, at: 0)
    guard found == magic else { throw DataError.badMagic(path: path, found: found, expected: describe(magic)) }
    let dims = try dimensions(bytes, rank: Int(magic & 0xFF), path: path)
    let headerSize = 4 + 4 * dims.count
    let needed = try dataSize(dims, path: path) + headerSize
    guard bytes.count >= needed else {
      throw DataError.truncatedFile(path: path, expectedBytes: needed, actualBytes: bytes.count)
    }
    guard bytes.count == needed else {
      throw DataError.corruptFile(path: path, problem: "it has \(bytes.count - needed) bytes after the \(needed) its header describes")
    }
    return slice(bytes, dims: dims, headerSize: headerSize, limit: limit)
  }

  /// Reads the dimension fields after the magic number.
  private static func dimensions(_ bytes: [UInt8], rank: Int, path: String) throws -> [Int] {
    let headerSize = 4 + 4 * rank
    guard bytes.count >= headerSize else {
      throw DataError.truncatedFile(path: path, expectedBytes: headerSize, actualBytes: bytes.count)
    }
    let dims = (0..<rank).map { Int(bigEndianUInt32(bytes, at: 4 + 4 * $0)) }
    if rank > 1, dims.dropFirst().contains(0) {
      throw DataError.corruptFile(path: path, problem: "its header gives an empty item size \(dims)")
    }
    return dims
  }

  /// Product of the dimensions, rejecting sizes that overflow.
  private static func dataSize(_ dims: [Int], path: String) throws -> Int {
    var total = 1
    for d in dims {
      let (product, overflow) = total.multipliedReportingOverflow(by: d)
      guard !overflow, product < Int(Int32.max) * 64 else {
        throw DataError.corruptFile(path: path, problem: "its header gives impossible dimensions \(dims)")
      }
      total = product
    }
    return total
  }

  /// The first `limit` items (all of them without a limit).
  private static func slice(_ bytes: [UInt8], dims: [Int], headerSize: Int, limit: Int?) -> IDXArray {
    var kept = dims
    if let limit, !dims.isEmpty { kept[0] = min(dims[0], limit) }
    let count = kept.reduce(1, *)
    return IDXArray(dimensions: kept, bytes: Array(bytes[headerSize..<(headerSize + count)]))
  }

  private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
  }

  private static func describe(_ magic: UInt32) -> String {
    let kind = magic == imagesMagic ? "an IDX image file" : magic == labelsMagic ? "an IDX label file" : "an IDX file"
    let digits = String(magic, radix: 16)
    let hex = "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    return "\(hex) (\(kind): unsigned bytes, \(magic & 0xFF) dimensions)"
  }
}
