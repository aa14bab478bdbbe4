// SafeTensorsFile: reads and writes the safetensors format (Hugging Face), Aegis's checkpoint
// format: an 8-byte little-endian header length N, N bytes of JSON describing each tensor's
// dtype, shape and byte range, then the raw little-endian tensor data. Writes are atomic.

import AegisTensor
import Foundation

/// Reading and writing `.safetensors` files.
public enum SafeTensorsFile {
  /// Writes `tensors` (as F32, in the given order) and `metadata` to `path`, atomically:
  /// the target is either left as it was or replaced by the complete new file.
  public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to path: String) throws {
    try checkNames(tensors.map(\.name), path: path)
    let header = SafeTensorsHeader.encode(names: tensors.map(\.name), shapes: tensors.map(\.tensor.shape), metadata: metadata)
    try AtomicFileWriter.write(to: path) { sink in
      var length = UInt64(header.count).littleEndian
      try withUnsafeBytes(of: &length) { try sink.write($0) }
      try sink.write(header)
      for (_, tensor) in tensors { try writeData(tensor.storage, to: sink) }
    }
  }

  /// Reads every tensor (converted to Float) and the metadata of `path`.
  ///
  /// `names` lists the tensors in the order of their data in the file, which is the order
  /// `write` was given them.
  public static func read(path: String) throws -> (tensors: [String: Tensor], names: [String], metadata: [String: String]) {
    let bytes = try DataFile.readBytes(path: path)
    let (header, dataStart) = try parseHeader(bytes, path: path)
    var tensors: [String: Tensor] = [:]
    bytes.withUnsafeBytes { raw in
      for entry in header.entries {
        let slice = UnsafeRawBufferPointer(rebasing: raw[(dataStart + entry.begin)..<(dataStart + entry.end)])
        let values = entry.dtype.decode(slice, count: entry.shape.reduce(1, *))
        tensors[entry.name] = Tensor(shape: entry.shape, storage: values)
      }
    }
    return (tensors, header.entries.map(\.name), header.metadata)
  }

  // MARK: - Internals

  /// Splits off and decodes the header; returns it with the offset where the data buffer starts.
  static func parseHeader(_ bytes: [UInt8], path: String) throws -> (SafeTensorsHeader, Int) {
    guard bytes.count >= 8 else { throw DataError.truncatedFile(path: path, expectedBytes: 8, actualBytes: bytes.count) }
    let length = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    guard length <= UInt64(bytes.count - 8) else {
      throw DataError.invalidHeader(path: path, problem: "the header length \(length) is beyond the file's \(bytes.count) bytes (is the file truncated?)")
    }
    let dataStart = 8 + Int(length)
    let json = Data(bytes[8..<dataStart])
    return (try SafeTensorsHeader.decode(json, bufferSize: bytes.count - dataStart, path: path), dataStart)
  }

  private static func checkNames(_ names: [String], path: String) throws {
    var seen = Set<String>()
    for name in names {
      guard !name.isEmpty, name != SafeTensorsHeader.metadataKey else {
        throw DataError.writeFailed(path: path, reason: "tensor name '\(name)' is not allowed; use a non-empty name other than \(SafeTensorsHeader.metadataKey)")
      }
      guard seen.insert(name).inserted else {
        throw DataError.writeFailed(path: path, reason: "tensor name '\(name)' appears twice; names must be unique")
      }
    }
  }

  /// Appends the values as little-endian F32.
  private static func writeData(_ values: [Float], to sink: AtomicFileWriter.Sink) throws {
    #if _endian(little)
    try values.withUnsafeBytes { try sink.write($0) }
    #else
    try values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { try sink.write($0) }
    #endif
  }
}
