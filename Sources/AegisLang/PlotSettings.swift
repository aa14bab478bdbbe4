// Where plots go when a `plot` call names no file: inline text in the terminal (the default),
// a window when a display exists, or files chosen by the notebook runner, which also collects
// every image a cell produced.

import AegisPlot
import Foundation

/// Session-wide plotting defaults.
public enum PlotSettings {
  /// When set, plots without `to:` are written to the path this returns (notebooks: one SVG per plot).
  nonisolated(unsafe) public static var defaultFile: (() -> String)?
  /// Images written since the last `takeProduced()`.
  nonisolated(unsafe) private static var produced: [String] = []
  /// Width × height of inline text plots.
  nonisolated(unsafe) public static var terminalSize = (width: 79, height: 24)

  /// The target for a plot call: `to:` if given, else the notebook's file, else text/window.
  static func target(_ path: String?) throws -> PlotTarget {
    if let path = path ?? defaultFile?() {
      let lower = path.lowercased()
      if lower.hasSuffix(".png") { return .png(path: path) }
      if lower.hasSuffix(".svg") { return .svg(path: path) }
      throw LangError("plot files must end in .png or .svg, got \"\(path)\"")
    }
    let automatic = PlotTarget.automatic()
    if case .terminal = automatic { return .terminal(width: terminalSize.width, height: terminalSize.height) }
    return automatic
  }

  /// File targets resized to the grid's suggested canvas, so captions have room.
  static func sized(_ target: PlotTarget, for grid: ImageGrid) -> PlotTarget {
    let size = grid.suggestedSize
    switch target {
    case .png(let path, _, _): return .png(path: path, width: size.width, height: size.height)
    case .svg(let path, _, _): return .svg(path: path, width: size.width, height: size.height)
    default: return target
    }
  }

  static func record(_ path: String) { produced.append(path) }

  /// The image files produced since the last call (for the notebook runner).
  public static func takeProduced() -> [String] {
    defer { produced = [] }
    return produced
  }
}
