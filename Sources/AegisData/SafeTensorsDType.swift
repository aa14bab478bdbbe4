// SafeTensorsDType: the element types of the safetensors format that Aegis can read, their
// sizes, and their conversion from little-endian bytes to Float.

/// A safetensors element type readable by Aegis (all are converted to Float on load).
public enum SafeTensorsDType: String, CaseIterable {
  case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
  case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

  /// The names accepted, for error messages.
  public static var supportedNames: String { allCases.map(\.rawValue).joined(separator: ", ") }

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .f64, .i64: return 8
    case .f32, .i32: return 4
    case .f16, .bf16, .i16: return 2
    case .i8, .u8, .bool: return 1
    }
  }

  /// Converts `count` little-endian elements starting at `bytes` to Float.
  func decode(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
    if self == .f32 { return Self.decodeF32(bytes, count: count) }
    return [Float](unsafeUninitializedCapacity: count) { out, initialized in
      for i in 0..<count { out[i] = element(bytes, at: i) }
      initialized = count
    }
  }

  /// One element as Float.
  private func element(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Float {
    let offset = i * byteSize
    switch self {
    case .f64: return Float(Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
    case .f32: return Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    case .f16: return Self.halfToFloat(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    case .bf16: return Float(bitPattern: UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) << 16)
    case .i64: return Float(Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
    case .i32: return Float(Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
    case .i16: return Float(Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
    case .i8: return Float(Int8(bitPattern: bytes[offset]))
    case .u8: return Float(bytes[offset])
    case .bool: return bytes[offset] != 0 ? 1 : 0
    }
  }

  /// F32 in bulk: a plain copy on little-endian machines.
  private static func decodeF32(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { out, initialized in
      #if _endian(little)
      if count > 0, let src = bytes.baseAddress, let dst = out.baseAddress {
        UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
      }
      #else
      for i in 0..<count {
        out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
      }
      #endif
      initialized = count
    }
  }

  /// IEEE 754 half precision to single precision (subnormals, infinities and NaN included).
  static func halfToFloat(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
    if exponent == 0 {
      let magnitude = Float(mantissa) * 0x1p-24
      return sign != 0 ? -magnitude : magnitude
    }
    return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
  }
}
