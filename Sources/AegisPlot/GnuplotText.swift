// GnuplotText: turning user strings and numbers into safe gnuplot script and data-file text.

/// Quoting and number formatting shared by the script builders.
enum GnuplotText {
  /// A single-quoted gnuplot string literal. Inside single quotes gnuplot processes no
  /// backslash escapes; the only special character is `'`, written as `''`. Line breaks
  /// would end the command, so they become spaces.
  static func quoted(_ text: String) -> String {
    "'" + singleLine(text).replacingOccurrences(of: "'", with: "''") + "'"
  }

  /// `text` with line breaks (and tabs, the data-file separator) replaced by spaces.
  static func singleLine(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in text { out.append(ch.isNewline || ch == "\t" ? " " : ch) }
    return out
  }

  /// A number as gnuplot reads it; non-finite values become `NaN` (declared missing data).
  static func number(_ value: Double) -> String {
    value.isFinite ? "\(value)" : "NaN"
  }

  /// `[lo:hi]` range syntax.
  static func range(_ r: ClosedRange<Double>) -> String {
    "[\(number(r.lowerBound)):\(number(r.upperBound))]"
  }

  /// A `plot` command with one element per line.
  static func plot(_ elements: [String]) -> String {
    "plot " + elements.joined(separator: ", \\\n     ")
  }
}
