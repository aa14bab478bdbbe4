// Sends a cell's plots into the notebook's `NAME_files/` folder and collects them. While a
// notebook runs, `PlotSettings.defaultFile` names the next file (`cell-3-1.svg`, or the cell's
// `fig:` name); plots written elsewhere with `to:` are copied in, so the folder (and the cache)
// holds every image of the document.

import AegisLang
import Foundation

/// Names and collects the plot files of the cell that is running.
final class PlotCollector {
  /// The `NAME_files` folder.
  let folder: URL
  private var cell = 0
  private var figure: String?
  private var count = 0
  private var savedDefault: (() -> String)?

  /// A collector writing into `folder`.
  init(folder: URL) {
    self.folder = folder
  }

  /// Installs the default plot file for the duration of a run (call `uninstall` afterwards).
  func install() {
    savedDefault = PlotSettings.defaultFile
    _ = PlotSettings.takeProduced()
    PlotSettings.defaultFile = { [unowned self] in self.nextPath() }
  }

  /// Restores the previous plot settings.
  func uninstall() {
    PlotSettings.defaultFile = savedDefault
    _ = PlotSettings.takeProduced()
  }

  /// Starts collecting for `cell`.
  func begin(_ cell: Cell) {
    self.cell = cell.number
    figure = cell.options.fig
    count = 0
    _ = PlotSettings.takeProduced()
  }

  /// The plots produced since `begin`, as file names inside `folder`.
  func finish() -> [String] {
    var names: [String] = []
    for path in PlotSettings.takeProduced() {
      guard let name = collect(path), !names.contains(name) else { continue }
      names.append(name)
    }
    return names
  }

  /// The file for the next plot of the current cell.
  private func nextPath() -> String {
    count += 1
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(Self.fileName(cell: cell, figure: figure, index: count)).path
  }

  /// `cell-3-1.svg`; with `fig: "curve"`: `curve.svg`, `curve-2.svg`; `fig: "x.png"` makes PNGs.
  static func fileName(cell: Int, figure: String?, index: Int) -> String {
    guard let figure else { return "cell-\(cell)-\(index).svg" }
    let lower = figure.lowercased()
    let ext = lower.hasSuffix(".png") ? "png" : "svg"
    let base = lower.hasSuffix(".png") || lower.hasSuffix(".svg") ? String(figure.dropLast(4)) : figure
    return index == 1 ? "\(base).\(ext)" : "\(base)-\(index).\(ext)"
  }

  /// The name of `path` inside the folder, copying it in when it was written elsewhere.
  private func collect(_ path: String) -> String? {
    let source = URL(fileURLWithPath: path).standardizedFileURL
    let files = FileManager.default
    guard files.fileExists(atPath: source.path) else { return nil }
    let name = source.lastPathComponent
    let target = folder.appendingPathComponent(name).standardizedFileURL
    if source.path == target.path { return name }
    do {
      try files.createDirectory(at: folder, withIntermediateDirectories: true)
      try? files.removeItem(at: target)
      try files.copyItem(at: source, to: target)
      return name
    } catch {
      return nil
    }
  }
}
