// Plots in the notebook: while the kernel runs, a `plot` or `show_images` without `to:` writes
// an SVG into a private folder (`PlotSettings.defaultFile`), and after the cell every image it
// produced becomes a `display_data` bundle: the SVG itself plus a PNG redrawn by gnuplot from
// the figure's `.gp` script (front ends that cannot show SVG fall back to it).

import AegisLang
import Foundation

/// Collects a cell's images as MIME bundles.
final class InlinePlots {
  let folder: URL
  private var count = 0

  init() {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-kernel-\(getpid())-\(UUID().uuidString.prefix(8))")
  }

  /// Sends plots without `to:` into `folder`.
  func install() {
    PlotSettings.defaultFile = { [unowned self] in
      count += 1
      try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      return folder.appendingPathComponent("plot-\(count).svg").path
    }
  }

  /// Restores the terminal default and deletes the folder.
  func uninstall() {
    PlotSettings.defaultFile = nil
    try? FileManager.default.removeItem(at: folder)
  }

  /// The bundles of the images produced since the last call.
  func take() -> [[String: Any]] {
    PlotSettings.takeProduced().compactMap(Self.bundle)
  }

  /// `image/svg+xml` and `image/png` for an SVG; `image/png` for a PNG.
  static func bundle(_ path: String) -> [String: Any]? {
    let url = URL(fileURLWithPath: path)
    guard let data = try? Data(contentsOf: url) else { return nil }
    if path.lowercased().hasSuffix(".png") { return ["image/png": data.base64EncodedString()] }
    var bundle: [String: Any] = ["image/svg+xml": String(decoding: data, as: UTF8.self), "text/plain": "<figure \(url.lastPathComponent)>"]
    if let png = redrawAsPNG(url) { bundle["image/png"] = png.base64EncodedString() }
    return bundle
  }

  /// Runs the figure's `NAME.gp` again with the PNG terminal; nil when that is not possible.
  static func redrawAsPNG(_ svg: URL) -> Data? {
    let base = svg.deletingPathExtension()
    guard let script = try? String(contentsOf: base.appendingPathExtension("gp"), encoding: .utf8) else { return nil }
    let png = base.appendingPathExtension("png")
    let lines = script.components(separatedBy: "\n").map { line -> String in
      if line.hasPrefix("set terminal svg") {
        return "set terminal pngcairo" + line.dropFirst("set terminal svg".count)
      }
      if line.hasPrefix("set output") { return "set output '\(png.lastPathComponent)'" }
      return line
    }
    let pngScript = base.appendingPathExtension("png.gp")
    guard (try? lines.joined(separator: "\n").write(to: pngScript, atomically: true, encoding: .utf8)) != nil else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gnuplot", pngScript.path]
    process.currentDirectoryURL = svg.deletingLastPathComponent()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return try? Data(contentsOf: png)
  }
}
