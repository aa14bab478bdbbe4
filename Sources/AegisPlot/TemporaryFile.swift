// TemporaryFile: a scratch file for capturing a child process's output.

import Foundation

/// A uniquely named file in the temporary directory, open for writing.
struct TemporaryFile {
  let url: URL
  let handle: FileHandle

  init(suffix: String) throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("aegis-plot-\(UUID().uuidString)\(suffix)")
    guard FileManager.default.createFile(atPath: url.path, contents: nil),
      let handle = FileHandle(forWritingAtPath: url.path)
    else {
      throw PlotError.io(
        "cannot create a temporary file in \(url.deletingLastPathComponent().path): "
          + "check that TMPDIR is writable")
    }
    self.handle = handle
  }

  /// Everything written to the file so far, decoded as UTF-8 (invalid bytes replaced).
  func contents() -> String {
    let data = (try? Data(contentsOf: url)) ?? Data()
    return String(decoding: data, as: UTF8.self)
  }

  /// Closes the handle and deletes the file.
  func remove() {
    try? handle.close()
    try? FileManager.default.removeItem(at: url)
  }
}
