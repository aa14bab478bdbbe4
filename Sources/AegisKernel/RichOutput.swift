// The MIME bundle of a cell's value: `text/plain` always (what the REPL prints), and
// `text/html` for objects (models, tables, reports), whose aligned text columns need a
// monospace block in JupyterLab's rich view.

import AegisLang
import AegisNotebook

/// Values as Jupyter MIME bundles.
enum RichOutput {
  static func bundle(_ value: Value, text: String) -> [String: Any] {
    guard case .object = value else { return ["text/plain": text] }
    return ["text/plain": text, "text/html": "<pre class=\"aegis-object\">\(XHTML.escape(text))</pre>"]
  }
}
