// PixelConversion: turns 8-bit pixel bytes into float32 values in [0, 1], in one tight loop.

/// Byte-to-float conversion of 8-bit images.
enum PixelConversion {
  /// `bytes[i] / 255` for every byte.
  static func unitFloats<C: Collection>(_ bytes: C) -> [Float] where C.Element == UInt8 {
    let table = lookupTable
    return [Float](unsafeUninitializedCapacity: bytes.count) { out, initialized in
      var i = 0
      for b in bytes {
        out[i] = table[Int(b)]
        i += 1
      }
      initialized = i
    }
  }

  /// Copies `bytes / 255` into `out` starting at `offset`.
  static func write(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<Float>, at offset: Int) {
    let table = lookupTable
    for i in 0..<bytes.count { out[offset + i] = table[Int(bytes[i])] }
  }

  /// The 256 possible pixel values, so conversion is a table look-up.
  private static let lookupTable: [Float] = (0..<256).map { Float($0) / 255 }
}
