// SafeTensorsHeader: the JSON header of a safetensors file, decoded and checked against the
// data buffer (dtype known, offsets inside the buffer, sizes matching shapes, no overlaps), and
// encoded (compact JSON in tensor order, space-padded to a multiple of 8 bytes) for writing.

import Foundation

/// A safetensors header: metadata and where each tensor's bytes are.
struct SafeTensorsHeader {
  /// One tensor's entry.
  struct Entry {
    var name: String
    var dtype: SafeTensorsDType
    var shape: [Int]
    /// Byte range inside the data buffer (after the header).
    var begin: Int
    var end: Int
  }

  /// Free-form string metadata (`__metadata__`).
  var metadata: [String: String]
  /// Entries in data-offset order (the order they were written in).
  var entries: [Entry]

  static let metadataKey = "__metadata__"

  // MARK: - Decoding

  /// Decodes and validates `json` for a data buffer of `bufferSize` bytes.
  static func decode(_ json: Data, bufferSize: Int, path: String) throws -> SafeTensorsHeader {
    let raw: RawHeader
    do {
      raw = try JSONDecoder().decode(RawHeader.self, from: json)
    } catch let error as DecodingError {
      throw DataError.invalidHeader(path: path, problem: describe(error))
    }
    var entries = try raw.entries.map { try validate(name: $0.key, raw: $0.value, bufferSize: bufferSize, path: path) }
    entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    try checkNoOverlap(entries, path: path)
    return SafeTensorsHeader(metadata: raw.metadata, entries: entries)
  }

  private static func validate(name: String, raw: RawEntry, bufferSize: Int, path: String) throws -> Entry {
    guard let dtype = SafeTensorsDType(rawValue: raw.dtype) else {
      throw DataError.unsupportedDType(path: path, tensor: name, dtype: raw.dtype)
    }
    guard raw.dataOffsets.count == 2 else {
      throw DataError.invalidHeader(path: path, problem: "tensor '\(name)' needs data_offsets [begin, end], got \(raw.dataOffsets)")
    }
    let (begin, end) = (raw.dataOffsets[0], raw.dataOffsets[1])
    guard begin >= 0, begin <= end, end <= bufferSize else {
      throw DataError.invalidHeader(path: path, problem: "tensor '\(name)' has data_offsets [\(begin), \(end)] outside the \(bufferSize)-byte data buffer")
    }
    let bytes = try byteCount(shape: raw.shape, dtype: dtype, name: name, path: path)
    guard end - begin == bytes else {
      throw DataError.invalidHeader(path: path, problem: "tensor '\(name)' of shape \(raw.shape) and dtype \(dtype.rawValue) needs \(bytes) bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
    }
    return Entry(name: name, dtype: dtype, shape: raw.shape, begin: begin, end: end)
  }

  /// Bytes a tensor of `shape` and `dtype` takes, rejecting negative or overflowing shapes.
  private static func byteCount(shape: [Int], dtype: SafeTensorsDType, name: String, path: String) throws -> Int {
    var total = dtype.byteSize
    for d in shape {
      let (product, overflow) = total.multipliedReportingOverflow(by: d)
      guard d >= 0, !overflow else {
        throw DataError.invalidHeader(path: path, problem: "tensor '\(name)' has an impossible shape \(shape)")
      }
      total = product
    }
    return total
  }

  private static func checkNoOverlap(_ sorted: [Entry], path: String) throws {
    var previous: Entry?
    for entry in sorted where entry.end > entry.begin {
      if let previous, entry.begin < previous.end {
        throw DataError.invalidHeader(path: path, problem: "the data of tensors '\(previous.name)' [\(previous.begin), \(previous.end)] and '\(entry.name)' [\(entry.begin), \(entry.end)] overlap")
      }
      previous = entry
    }
  }

  /// A short reason from a JSON decoding error.
  private static func describe(_ error: DecodingError) -> String {
    func at(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
      return keys.isEmpty ? "" : " at '\(keys)'"
    }
    switch error {
    case .dataCorrupted(let context) where context.codingPath.isEmpty:
      return "the header is not valid JSON (\(context.debugDescription))"
    case .dataCorrupted(let context):
      return "bad value\(at(context)): \(context.debugDescription)"
    case .keyNotFound(let key, let context):
      return "missing field '\(key.stringValue)'\(at(context))"
    case .typeMismatch(let type, let context):
      return "expected \(type)\(at(context))"
    case .valueNotFound(let type, let context):
      return "expected \(type)\(at(context)), found null"
    @unknown default:
      return "\(error)"
    }
  }

  // MARK: - Encoding

  /// The header bytes for `tensors` (F32, packed in order), padded with spaces to a multiple of 8.
  static func encode(names: [String], shapes: [[Int]], metadata: [String: String]) -> [UInt8] {
    var parts: [String] = []
    if !metadata.isEmpty {
      let fields = metadata.keys.sorted().map { "\(quote($0)):\(quote(metadata[$0] ?? ""))" }
      parts.append("\(quote(metadataKey)):{\(fields.joined(separator: ","))}")
    }
    var offset = 0
    for (name, shape) in zip(names, shapes) {
      let end = offset + shape.reduce(1, *) * SafeTensorsDType.f32.byteSize
      let dims = shape.map(String.init).joined(separator: ",")
      parts.append("\(quote(name)):{\"dtype\":\"F32\",\"shape\":[\(dims)],\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    var bytes = Array("{\(parts.joined(separator: ","))}".utf8)
    bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
    return bytes
  }

  /// `text` as a JSON string literal.
  static func quote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}

// MARK: - JSON shapes

/// The header as JSON gives it: `__metadata__` plus one object per tensor.
private struct RawHeader: Decodable {
  var metadata: [String: String] = [:]
  var entries: [String: RawEntry] = [:]

  init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: AnyKey.self)
    for key in container.allKeys {
      if key.stringValue == SafeTensorsHeader.metadataKey {
        if try container.decodeNil(forKey: key) { continue }
        metadata = try container.decode([String: String].self, forKey: key)
      } else {
        entries[key.stringValue] = try container.decode(RawEntry.self, forKey: key)
      }
    }
  }
}

/// One tensor's JSON object.
private struct RawEntry: Decodable {
  var dtype: String
  var shape: [Int]
  var dataOffsets: [Int]

  enum CodingKeys: String, CodingKey {
    case dtype, shape
    case dataOffsets = "data_offsets"
  }
}

/// A coding key for arbitrary object keys.
private struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { return nil }
}
