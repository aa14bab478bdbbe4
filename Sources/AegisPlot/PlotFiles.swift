// PlotFiles: the image, data and script paths of a file target (NAME.png, NAME.dat, NAME.gp).

import Foundation

/// The three files a file plot writes side by side.
struct PlotFiles {
  let image: URL
  let data: URL
  let script: URL

  /// Derives `NAME.dat` / `NAME.gp` from the image path `NAME.ext` (relative to the cwd).
  init(imagePath: String) throws {
    guard !imagePath.isEmpty else {
      throw PlotError.invalidData("image path is empty: give a file name such as 'fig.png'")
    }
    image = URL(fileURLWithPath: imagePath).standardizedFileURL
    let ext = image.pathExtension.lowercased()
    guard ext != "dat", ext != "gp" else {
      throw PlotError.invalidData(
        "image path '\(imagePath)' ends in .\(ext), which is reserved for the data and script "
          + "files written next to the image: use .png or .svg")
    }
    let base = ext.isEmpty ? image : image.deletingPathExtension()
    data = base.appendingPathExtension("dat")
    script = base.appendingPathExtension("gp")
  }

  var directory: URL { image.deletingLastPathComponent() }

  /// Creates the directory and writes the data file and the script.
  func write(data text: String, script source: String) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try Data(text.utf8).write(to: data)
      try Data(source.utf8).write(to: script)
    } catch {
      throw PlotError.io(
        "cannot write plot files in \(directory.path): \(error.localizedDescription); "
          + "check that the directory is writable")
    }
  }
}
