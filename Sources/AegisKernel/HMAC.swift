// HMAC-SHA256 (RFC 2104) over the notebook module's SHA-256: Jupyter signs every message with
// the connection file's key, and this is the only keyed hash the kernel needs.

import AegisNotebook

/// HMAC-SHA256 with a fixed key.
struct HMAC {
  private let innerPad: [UInt8]
  private let outerPad: [UInt8]

  init(key: [UInt8]) {
    let blockSize = 64
    var block = key.count > blockSize ? SHA256.digest(key) : key
    block += [UInt8](repeating: 0, count: blockSize - block.count)
    innerPad = block.map { $0 ^ 0x36 }
    outerPad = block.map { $0 ^ 0x5c }
  }

  /// The 32-byte authentication code of the concatenated `parts`.
  func code(_ parts: [[UInt8]]) -> [UInt8] {
    SHA256.digest(outerPad + SHA256.digest(innerPad + parts.joined()))
  }

  /// The code as 64 lowercase hex digits (how Jupyter writes signatures).
  func hex(_ parts: [[UInt8]]) -> String {
    code(parts).map { byte in
      let s = String(byte, radix: 16)
      return s.count == 1 ? "0" + s : s
    }.joined()
  }
}
