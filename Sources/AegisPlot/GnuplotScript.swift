// GnuplotScript: wraps a PlotBody with the terminal/output setup of a PlotTarget.

/// Assembles complete gnuplot scripts.
enum GnuplotScript {
  /// Datablock name used for inline data.
  static let datablock = "$AEGIS"

  /// A self-contained script with the data inline (terminal and window targets).
  static func inline(_ body: PlotBody, target: PlotTarget) -> String {
    var lines = ["\(datablock) << EOD", body.data + "EOD"]
    lines += terminal(target)
    lines += body.commands(datablock)
    return lines.joined(separator: "\n") + "\n"
  }

  /// A script that reads `files.data` and writes `files.image`, resolving both relative to
  /// the script's own directory so `gnuplot path/to/NAME.gp` works from anywhere.
  static func file(_ body: PlotBody, target: PlotTarget, files: PlotFiles, title: String)
    -> String
  {
    var lines = [
      "# Aegis figure: \(GnuplotText.singleLine(title))",
      "# Redraw with: gnuplot \(files.script.lastPathComponent)",
      "# (data and output paths are relative to this script's directory)",
      "_aegis_dir = ''",
      "if (exists('ARG0')) { do for [_aegis_i = strlen(ARG0):1:-1] { "
        + "if (_aegis_dir eq '' && ARG0[_aegis_i:_aegis_i] eq '/') { "
        + "_aegis_dir = ARG0[1:_aegis_i] } } }",
      "if (_aegis_dir ne '') { cd _aegis_dir }",
    ]
    lines += terminal(target)
    lines.append("set output \(GnuplotText.quoted(files.image.lastPathComponent))")
    lines += body.commands(GnuplotText.quoted(files.data.lastPathComponent))
    lines.append("unset output")
    return lines.joined(separator: "\n") + "\n"
  }

  /// `set terminal` for the target (nothing for `.window`: gnuplot's default), plain text mode.
  static func terminal(_ target: PlotTarget) -> [String] {
    let setup: [String]
    switch target {
    case .terminal(let w, let h):
      setup = ["set terminal dumb nofeed size \(w),\(h)"]
    case .png(_, let w, let h):
      setup = [
        "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo size \(w),\(h) } "
          + "else { set terminal png size \(w),\(h) }"
      ]
    case .svg(_, let w, let h):
      setup = ["set terminal svg size \(w),\(h)"]
    case .window:
      setup = []
    }
    return setup + ["set termoption noenhanced"]
  }
}
