// PlotTarget: where a figure goes — text, an image file, or an interactive window.

import Foundation

/// Where the Gnuplot driver draws.
public enum PlotTarget: Equatable, Sendable {
  /// ASCII art (`set terminal dumb`), returned as `PlotOutput.text`; size in characters.
  case terminal(width: Int = 80, height: Int = 25)
  /// A PNG file (pngcairo when available, else libgd png); size in pixels.
  /// `NAME.dat` and `NAME.gp` are written next to it.
  case png(path: String, width: Int = 800, height: Int = 600)
  /// An SVG file; size in pixels. `NAME.dat` and `NAME.gp` are written next to it.
  case svg(path: String, width: Int = 800, height: Int = 600)
  /// gnuplot's default interactive terminal (needs `$DISPLAY`); the window outlives the call.
  case window

  /// `.window` when `$DISPLAY` is set, otherwise an 80×25 `.terminal`.
  public static func automatic(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> PlotTarget {
    let display = environment["DISPLAY"] ?? ""
    return display.isEmpty ? .terminal() : .window
  }

  /// The image path for file targets, `nil` otherwise.
  var path: String? {
    switch self {
    case .png(let path, _, _), .svg(let path, _, _): return path
    case .terminal, .window: return nil
    }
  }
}
