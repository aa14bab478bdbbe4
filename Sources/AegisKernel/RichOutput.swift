// The MIME bundle of a cell's value: `text/plain` always (what the REPL prints), and
// `text/html` for objects (models, tables, reports), whose aligned text columns need a
// monospace block in JupyterLab's rich view.

import AegisLang

/// Values as Jupyter MIME bundles.
enum RichOutput {
  static func bundle(_ value: Value, text: String) -> [String: Any] {
    guard case .object = value else { return ["text/plain": text] }
    return ["text/plain": text, "text/html": "<pre class=\"aegis-object\">\(escape(text))</pre>"]
  }

  /// Escapes the HTML special characters.
  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }
}
