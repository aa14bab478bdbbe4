// Renders a run as one self-contained XHTML page (`NAME.html`): every Markdown piece goes
// through Ink, plots are inlined as SVG markup (PNGs as data: URLs), the CSS sits in a <style>
// tag, and nothing is loaded from elsewhere (no scripts, no CDN, no remote fonts).

import Foundation
import Ink

/// Renders notebook runs as HTML.
public enum HTMLRenderer {
  /// The HTML page of `run`.
  public static func render(_ run: NotebookRun) -> String {
    let parser = MarkdownParser()
    var body: [String] = []
    var title: String?
    var results = run.cells.makeIterator()
    for block in run.notebook.blocks {
      switch block {
      case .prose(let text):
        guard let prose = CellMarkdown.prose(text) else { continue }
        let parsed = parser.parse(prose)
        title = title ?? parsed.metadata["title"] ?? parsed.title.map(XHTML.unescape)
        body.append(XHTML.fix(parsed.html))
      case .cell:
        if let result = results.next() { body.append(cell(result, run, parser)) }
      }
    }
    body.append(XHTML.fix(parser.html(from: ProvenanceMarkdown.render(run))))
    return page(title: title ?? run.paths.stem, version: run.provenance.version, body: body.joined(separator: "\n"))
  }

  /// `<section class="cell">` with code, output, error, plots and status.
  static func cell(_ result: CellResult, _ run: NotebookRun, _ parser: MarkdownParser) -> String {
    let markdown = [CellMarkdown.code(result.cell), CellMarkdown.output(result.output), CellMarkdown.error(result.output)]
      .compactMap { $0 }.joined(separator: "\n\n")
    var parts = ["<section class=\"cell\" id=\"cell-\(result.cell.number)\">"]
    if !markdown.isEmpty { parts.append(XHTML.fix(parser.html(from: markdown))) }
    for (k, name) in (result.output?.plots ?? []).enumerated() {
      let alt = CellMarkdown.altText(result.cell, k)
      let url = run.paths.files.appendingPathComponent(name)
      parts.append("<figure class=\"plot\">\(SVGInliner.markup(for: url, alt: alt, prefix: "c\(result.cell.number)p\(k + 1)"))</figure>")
    }
    parts.append(CellMarkdown.status(result))
    parts.append("</section>")
    return parts.joined(separator: "\n")
  }

  /// The page around `body`.
  static func page(title: String, version: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
    <head>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1"/>
    <meta name="generator" content="Aegis \(XHTML.escape(version))"/>
    <title>\(XHTML.escape(title))</title>
    <style>
    \(HTMLStyle.css)
    </style>
    </head>
    <body>
    <main>
    \(body)
    </main>
    </body>
    </html>

    """
  }
}
