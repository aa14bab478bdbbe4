// Errors the plotting layer can throw. Every message says what went wrong and how to fix it,
// so a bad plot call in the REPL prints advice instead of a stack trace.

/// A problem drawing a figure: missing gnuplot, bad input data, or a gnuplot failure.
public enum PlotError: Error, Equatable, CustomStringConvertible {
  /// No usable `gnuplot` executable; `detail` names what was tried, if anything specific.
  case gnuplotNotFound(detail: String?)
  /// gnuplot ran but exited with a non-zero status; `message` is what it printed on stderr.
  case gnuplotFailed(status: Int32, message: String, script: String?)
  /// The figure or image grid is inconsistent (e.g. x and y of different lengths).
  case invalidData(String)
  /// `.window` was requested but no display is available.
  case noDisplay
  /// A file could not be written or a process could not be started.
  case io(String)

  /// The fixed first sentence of `gnuplotNotFound`, stable for callers and tests.
  public static let notFoundMessage =
    "gnuplot not found: install it with `apt-get install gnuplot-nox` (or set AEGIS_GNUPLOT)"

  public var description: String {
    switch self {
    case .gnuplotNotFound(let detail):
      return detail.map { "\(PlotError.notFoundMessage) [\($0)]" } ?? PlotError.notFoundMessage
    case .gnuplotFailed(let status, let message, let script):
      let location = script.map { " (script: \($0))" } ?? ""
      return "gnuplot failed with exit status \(status)\(location): \(message)"
    case .invalidData(let message):
      return message
    case .noDisplay:
      return "cannot open a plot window: $DISPLAY is not set; "
        + "use .terminal(width:height:), .png(path:) or .svg(path:) instead"
    case .io(let message):
      return message
    }
  }
}
