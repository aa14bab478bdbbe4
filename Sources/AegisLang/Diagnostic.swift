// Diagnostic rendering, clang style:
//
//   train.aegis:3:9: error: undefined name `pgx`
//   atk = pgx(eps: 0.1)
//         ^~~
//   hint: did you mean `pgd`?
//
// Optional lines follow: `usage:` for malformed calls and `note:` for each call frame the error
// passed through. Color (ANSI) only when the caller asks; the REPL decides by TTY.

/// Renders `LangError`s as text.
public enum Diagnostic {
  private static let red = "\u{1B}[1;31m", green = "\u{1B}[1;32m", cyan = "\u{1B}[36m"
  private static let bold = "\u{1B}[1m", reset = "\u{1B}[0m"

  /// One error with its source line (when known) and caret.
  public static func render(_ error: LangError, sourceLine: String?, color: Bool = false) -> String {
    func paint(_ s: String, _ code: String) -> String { color ? code + s + reset : s }
    let label = error.kind == .interrupted ? "interrupted" : "error"
    // An interruption with no detail reads "interrupted", not "interrupted: interrupted".
    let bare = error.kind == .interrupted && error.message == "interrupted"
    var header = paint(error.location.map { "\($0): " } ?? "", bold) + paint(bare ? label : label + ":", red)
    if !bare { header += " " + paint(error.message, bold) }
    var out = [header]
    if let location = error.location, let line = sourceLine {
      out.append(line)
      out.append(paint(caretLine(for: location, in: line), green))
    }
    if let hint = error.hint { out.append(paint("hint:", cyan) + " " + hint) }
    if let usage = error.usage { out.append(paint("usage:", cyan) + " " + usage) }
    for frame in error.trace { out.append(paint("note:", cyan) + " " + frame) }
    return out.joined(separator: "\n")
  }

  /// Each error rendered with its line from `sources`, separated by newlines.
  public static func render(_ errors: [LangError], sources: SourceStore, color: Bool = false) -> String {
    errors.map { render($0, sourceLine: sources.line(for: $0.location), color: color) }.joined(separator: "\n")
  }

  /// `    ^~~~` under the token: tabs are copied so the caret lines up in a terminal.
  static func caretLine(for location: SourceLocation, in line: String) -> String {
    let scalars = Array(line.unicodeScalars)
    let column = max(1, min(location.column, scalars.count + 1))
    var pad = ""
    for c in scalars.prefix(column - 1) { pad += c == "\t" ? "\t" : " " }
    let available = max(1, scalars.count - (column - 1))
    let length = max(1, min(location.length, available))
    return pad + "^" + String(repeating: "~", count: length - 1)
  }
}
