// NPYFile: NumPy's .npy format, so tensors reach numpy and PyTorch (`numpy.load`,
// `torch.from_numpy`). Writes version 1.0, float32, little-endian, C order, atomically. Reads
// what numpy writes: versions 1–3, float32 and float64 (converted to float32, with a note), the
// common integer and bool types; Fortran order, object arrays and big-endian data are errors
// that say how to convert the file in numpy.

import AegisTensor
import Foundation

/// Reading and writing `.npy` files.
public enum NPYFile {
  /// The 6-byte magic string every .npy file starts with.
  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Writes `tensor` as a version 1.0 float32 C-order array, atomically.
  public static func write(_ tensor: Tensor, to path: String) throws {
    let shape = tensor.shape.map(String.init)
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.joined(separator: ", ")))"
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
    // The whole preamble (magic, version, length, header, newline) is padded to 64 bytes.
    let unpadded = magic.count + 2 + 2 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var preamble = magic + [1, 0]
    preamble += [UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]
    preamble += Array(header.utf8)
    try AtomicFileWriter.write(to: path) { sink in
      try sink.write(preamble)
      var values = tensor.storage.map { $0.bitPattern.littleEndian }
      try values.withUnsafeMutableBytes { try sink.write(UnsafeRawBufferPointer($0)) }
    }
  }

  /// The tensor in `path`, and a note when its values were converted (e.g. float64 → float32).
  public static func read(path: String) throws -> (tensor: Tensor, note: String?) {
    let bytes = try DataFile.readBytes(path: path)
    let (header, dataStart) = try parsePreamble(bytes, path: path)
    let fields = try NPYHeader(parsing: header, path: path)
    let count = fields.shape.reduce(1, *)
    guard count <= bytes.count else { throw DataError.corruptFile(path: path, problem: "shape \(fields.shape) is larger than the file") }
    let needed = count * fields.dtype.byteSize
    guard bytes.count - dataStart >= needed else {
      throw DataError.truncatedFile(path: path, expectedBytes: dataStart + needed, actualBytes: bytes.count)
    }
    let values = bytes.withUnsafeBytes { raw in
      fields.dtype.decode(UnsafeRawBufferPointer(rebasing: raw[dataStart..<(dataStart + needed)]), count: count)
    }
    let note = fields.dtype == .float32 ? nil : "\(path): \(fields.dtype.rawValue) values converted to float32"
    return (Tensor(shape: fields.shape, storage: values), note)
  }

  /// The header text and where the data starts, after checking the magic and version.
  private static func parsePreamble(_ bytes: [UInt8], path: String) throws -> (String, Int) {
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw DataError.invalidHeader(path: path, problem: "not a NumPy .npy file (it does not start with \\x93NUMPY)")
    }
    let major = bytes[6]
    let (length, start): (Int, Int)
    switch major {
    case 1: (length, start) = (Int(bytes[8]) | Int(bytes[9]) << 8, 10)
    case 2, 3:
      guard bytes.count >= 12 else { throw DataError.truncatedFile(path: path, expectedBytes: 12, actualBytes: bytes.count) }
      (length, start) = ((0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }, 12)
    default:
      throw DataError.invalidHeader(path: path, problem: ".npy version \(major) is not supported (versions 1–3 are)")
    }
    guard start + length <= bytes.count else {
      throw DataError.truncatedFile(path: path, expectedBytes: start + length, actualBytes: bytes.count)
    }
    return (String(decoding: bytes[start..<(start + length)], as: UTF8.self), start + length)
  }
}

/// The fields of a .npy header: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader {
  var dtype: NPYDType
  var shape: [Int]

  init(parsing text: String, path: String) throws {
    func field(_ key: String) -> Substring? {
      guard let r = text.range(of: "'\(key)':") else { return nil }
      return text[r.upperBound...].drop { $0 == " " }
    }
    guard let descrField = field("descr"), descrField.first == "'", let end = descrField.dropFirst().firstIndex(of: "'") else {
      throw DataError.invalidHeader(path: path, problem: "the header has no simple 'descr' (structured or object arrays are not supported)")
    }
    let descr = String(descrField[descrField.index(after: descrField.startIndex)..<end])
    guard let dtype = NPYDType(descr: descr) else {
      let hint = descr.hasPrefix(">") ? "big-endian data: convert it with a.astype('<f4')" :
        descr.contains("O") ? "object arrays cannot be read; save a numeric array, e.g. np.asarray(a, dtype=np.float32)" :
        "convert it in numpy with a.astype(np.float32)"
      throw DataError.invalidHeader(path: path, problem: "dtype '\(descr)' is not supported; \(hint)")
    }
    guard let order = field("fortran_order") else { throw DataError.invalidHeader(path: path, problem: "the header has no 'fortran_order'") }
    guard order.hasPrefix("False") else {
      throw DataError.invalidHeader(path: path, problem: "the array is in Fortran order; save it in C order with np.save(path, np.ascontiguousarray(a))")
    }
    guard let shapeField = field("shape"), shapeField.first == "(", let close = shapeField.firstIndex(of: ")") else {
      throw DataError.invalidHeader(path: path, problem: "the header has no 'shape' tuple")
    }
    let parts = shapeField[shapeField.index(after: shapeField.startIndex)..<close].split(separator: ",")
      .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let dims = parts.compactMap { Int($0) }
    guard dims.count == parts.count, dims.allSatisfy({ $0 >= 0 }) else {
      throw DataError.invalidHeader(path: path, problem: "cannot read the shape \(shapeField[...close])")
    }
    self.dtype = dtype
    self.shape = dims
  }
}

/// The element types read from .npy files.
enum NPYDType: String {
  case float32, float64, float16, int64, int32, int16, int8, uint8, bool

  init?(descr: String) {
    let table: [String: NPYDType] = ["<f4": .float32, "<f8": .float64, "<f2": .float16, "<i8": .int64, "<i4": .int32,
                                     "<i2": .int16, "|i1": .int8, "|u1": .uint8, "|b1": .bool]
    guard let t = table[descr] else { return nil }
    self = t
  }

  var byteSize: Int {
    switch self {
    case .float64, .int64: return 8
    case .float32, .int32: return 4
    case .float16, .int16: return 2
    case .int8, .uint8, .bool: return 1
    }
  }

  /// `count` little-endian values from `raw`, as Float.
  func decode(_ raw: UnsafeRawBufferPointer, count: Int) -> [Float] {
    (0..<count).map { i in
      let at = i * byteSize
      switch self {
      case .float32: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
      case .float64: return Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))))
      case .float16: return Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))))
      case .int64: return Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
      case .int32: return Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
      case .int16: return Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int16.self)))
      case .int8: return Float(raw.load(fromByteOffset: at, as: Int8.self))
      case .uint8, .bool: return Float(raw[at])
      }
    }
  }
}
