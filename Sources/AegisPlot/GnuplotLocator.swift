// GnuplotLocator: finds the gnuplot executable ($AEGIS_GNUPLOT, then $PATH).

import Foundation

/// Resolves which `gnuplot` binary to run.
enum GnuplotLocator {
  /// The environment variable that overrides the PATH search.
  static let overrideVariable = "AEGIS_GNUPLOT"

  /// `$AEGIS_GNUPLOT` if set (a path, or a name searched on `$PATH`), else `gnuplot` on `$PATH`.
  static func locate(environment: [String: String]) throws -> URL {
    let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    if let override = environment[overrideVariable], !override.isEmpty {
      if let url = resolve(override, searchPath: searchPath) { return url }
      throw PlotError.gnuplotNotFound(
        detail: "\(overrideVariable)=\(override) is not an executable file")
    }
    if let url = resolve("gnuplot", searchPath: searchPath) { return url }
    throw PlotError.gnuplotNotFound(detail: nil)
  }

  /// `name` itself when it contains a slash, otherwise the first match in `searchPath`.
  static func resolve(_ name: String, searchPath: String) -> URL? {
    if name.contains("/") { return isExecutable(name) ? URL(fileURLWithPath: name) : nil }
    for dir in searchPath.split(separator: ":") where !dir.isEmpty {
      let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
      if isExecutable(candidate.path) { return candidate }
    }
    return nil
  }

  private static func isExecutable(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    return exists && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: path)
  }
}
