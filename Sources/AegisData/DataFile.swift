// DataFile: reads a whole file into memory, transparently un-gzipping it when it starts with the
// gzip magic bytes, so loaders accept both `train-images-idx3-ubyte.gz` and the plain file.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reading with gzip detection (by content, not by file name).
public enum DataFile {
  /// The file's bytes, decompressed when the file is gzip data.
  public static func readDecompressed(path: String) throws -> [UInt8] {
    let raw = try readBytes(path: path)
    return Gunzip.isGzip(raw) ? try Gunzip.decompress(raw, path: path) : raw
  }

  /// The file's raw bytes.
  public static func readBytes(path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw openError(path: path) }
    defer { close(fd) }
    let size = try fileSize(fd: fd, path: path)
    var bytes = [UInt8](repeating: 0, count: size)
    let got = try bytes.withUnsafeMutableBytes { try readFully(fd: fd, into: $0, path: path) }
    guard got == size else {
      throw DataError.unreadableFile(path: path, reason: "the file shrank while it was read (\(got) of \(size) bytes)")
    }
    return bytes
  }

  /// Whether `path` names an existing directory.
  public static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// Whether `path` names an existing regular file (or a link to one).
  public static func isFile(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  /// `directory/name`, without doubling a trailing slash.
  static func join(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
  }

  /// The text of the current `errno`.
  static func errnoText() -> String { String(cString: strerror(errno)) }

  private static func openError(path: String) -> DataError {
    if errno == ENOENT {
      return .missingFile(path: path, hint: "Check the path, or pass the right directory.")
    }
    return .unreadableFile(path: path, reason: errnoText())
  }

  private static func fileSize(fd: Int32, path: String) throws -> Int {
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw DataError.unreadableFile(path: path, reason: errnoText()) }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
      throw DataError.unreadableFile(path: path, reason: "it is not a regular file (a directory?)")
    }
    return Int(info.st_size)
  }

  private static func readFully(fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var done = 0
    while done < buffer.count {
      let n = read(fd, base + done, buffer.count - done)
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw DataError.unreadableFile(path: path, reason: errnoText()) }
      if n == 0 { break }
      done += n
    }
    return done
  }
}
