// Gunzip: decompresses gzip data held in memory through zlib's inflate, reporting corrupt and
// truncated streams as errors that name the file.

import CZlib

/// In-memory gzip decompression (multi-member streams included).
public enum Gunzip {
  /// Whether `bytes` starts with the gzip magic bytes 0x1f 0x8b.
  public static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// Decompresses gzip `bytes`; `path` is only used in error messages.
  public static func decompress(_ bytes: [UInt8], path: String) throws -> [UInt8] {
    guard bytes.count < Int(UInt32.max) else {
      throw DataError.unreadableFile(path: path, reason: "gzip files of 4 GiB or more are not supported; decompress it first")
    }
    var stream = z_stream()
    let status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    guard status == Z_OK else { throw DataError.unreadableFile(path: path, reason: "zlib could not start (code \(status))") }
    defer { inflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: initialCapacity(bytes))
    var produced = 0
    try bytes.withUnsafeBufferPointer { input in
      stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
      stream.avail_in = UInt32(input.count)
      try inflateAll(&stream, into: &output, produced: &produced, path: path)
    }
    output.removeLast(output.count - produced)
    return output
  }

  /// Runs inflate until the input is used up, growing `output` as needed.
  private static func inflateAll(_ stream: inout z_stream, into output: inout [UInt8], produced: inout Int, path: String) throws {
    while true {
      if produced == output.count { output.append(contentsOf: repeatElement(0, count: max(output.count, 1 << 16))) }
      let status = inflateStep(&stream, output: &output, produced: &produced)
      switch status {
      case Z_STREAM_END:
        guard nextMemberFollows(stream) else { return }
        inflateReset(&stream)
      case Z_OK:
        continue
      case Z_BUF_ERROR where stream.avail_in == 0:
        throw DataError.corruptFile(path: path, problem: "the gzip data ends before the compressed stream does (the file is truncated)")
      default:
        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
        throw DataError.corruptFile(path: path, problem: "gzip data cannot be decompressed (\(message))")
      }
    }
  }

  /// One inflate call writing after `produced`.
  private static func inflateStep(_ stream: inout z_stream, output: inout [UInt8], produced: inout Int) -> Int32 {
    output.withUnsafeMutableBufferPointer { out -> Int32 in
      let room = min(out.count - produced, Int(UInt32.max))
      stream.next_out = out.baseAddress.map { $0 + produced }
      stream.avail_out = UInt32(room)
      let status = inflate(&stream, Z_NO_FLUSH)
      produced += room - Int(stream.avail_out)
      return status
    }
  }

  /// After one gzip member ends: whether another member starts right after it.
  private static func nextMemberFollows(_ stream: z_stream) -> Bool {
    guard stream.avail_in >= 2, let next = stream.next_in else { return false }
    return next[0] == 0x1F && next[1] == 0x8B
  }

  /// A first guess at the output size: the gzip trailer's ISIZE field (size mod 2^32).
  private static func initialCapacity(_ bytes: [UInt8]) -> Int {
    guard bytes.count >= 18 else { return 1 << 16 }
    let n = bytes.count
    let isize = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
    let plausible = isize > 0 && isize <= bytes.count * 1100
    return plausible ? isize + 1 : max(1 << 16, bytes.count * 4)
  }
}
