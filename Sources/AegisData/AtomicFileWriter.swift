// AtomicFileWriter: writes a file so that readers see either the old file or the complete new
// one, never a half-written file: data goes to a temporary file in the same directory, is
// fsync'ed, then renamed over the target; on any failure the temporary file is removed.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif

/// Crash-safe whole-file writes (temporary file, fsync, rename).
public enum AtomicFileWriter {
  /// A destination for bytes inside `write(to:_:)`.
  public struct Sink {
    let fd: Int32
    let path: String

    /// Appends `bytes` to the temporary file.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
      guard var next = bytes.baseAddress else { return }
      var left = bytes.count
      while left > 0 {
        let n = systemWrite(fd, next, left)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw DataError.writeFailed(path: path, reason: DataFile.errnoText()) }
        next += n
        left -= n
      }
    }

    /// Appends `bytes` to the temporary file.
    public func write(_ bytes: [UInt8]) throws {
      try bytes.withUnsafeBytes { try write($0) }
    }
  }

  /// Writes the bytes `body` produces to `path` atomically.
  public static func write(to path: String, _ body: (Sink) throws -> Void) throws {
    let temporary = temporaryPath(for: path)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw DataError.writeFailed(path: path, reason: DataFile.errnoText()) }
    do {
      try body(Sink(fd: fd, path: path))
      guard fsync(fd) == 0 else { throw DataError.writeFailed(path: path, reason: "fsync: " + DataFile.errnoText()) }
      guard close(fd) == 0 else { throw DataError.writeFailed(path: path, reason: "close: " + DataFile.errnoText()) }
    } catch {
      close(fd)
      unlink(temporary)
      throw error
    }
    try replace(path, with: temporary)
  }

  /// Renames `temporary` over `path`, then syncs the directory so the rename survives a crash.
  private static func replace(_ path: String, with temporary: String) throws {
    guard rename(temporary, path) == 0 else {
      let reason = DataFile.errnoText()
      unlink(temporary)
      throw DataError.writeFailed(path: path, reason: "rename: " + reason)
    }
    let dirFD = open(directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dirFD >= 0 {
      _ = fsync(dirFD)
      close(dirFD)
    }
  }

  /// A unique hidden name next to `path`, e.g. `dir/.model.safetensors.tmp-1234-5f3a`.
  static func temporaryPath(for path: String) -> String {
    var rng = SystemRandomNumberGenerator()
    let tag = String(rng.next() as UInt64, radix: 16)
    return DataFile.join(directory(of: path), ".\(fileName(of: path)).tmp-\(getpid())-\(tag)")
  }

  /// The folder part of `path` (`.` when there is none).
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let dir = String(path[..<slash])
    return dir.isEmpty ? "/" : dir
  }

  /// The last component of `path`.
  static func fileName(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
  }
}
