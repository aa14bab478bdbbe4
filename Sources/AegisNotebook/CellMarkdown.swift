// The Markdown pieces of one rendered cell, shared by the Markdown and HTML renderers: the code
// (unless `echo: false`), one block with the printed output and the value of the last
// expression, one block with the error, plot links, and a status line saying whether the
// output is cached or recomputed and why.

import Foundation

/// Markdown for the parts of a rendered cell.
enum CellMarkdown {
  /// The code fence, or nil with `echo: false` (or when the cell is empty).
  static func code(_ cell: Cell) -> String? {
    guard cell.options.echo, !cell.code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
    return CodeFence.wrap(cell.code, info: "aegis")
  }

  /// The output block (printed text, then the value), or nil when there is none.
  static func output(_ output: CellOutput?) -> String? {
    output?.shownText.map { CodeFence.wrap($0, info: "output") }
  }

  /// The error block, or nil.
  static func error(_ output: CellOutput?) -> String? {
    output?.error.map { CodeFence.wrap($0, info: "error") }
  }

  /// `![cell 3, plot 1](NAME_files/cell-3-1.svg)` for each plot.
  static func plotLinks(_ result: CellResult, folder: String) -> [String] {
    (result.output?.plots ?? []).enumerated().map { k, name in
      "![\(altText(result.cell, k))](\(folder)/\(name))"
    }
  }

  /// "cell 3, plot 1".
  static func altText(_ cell: Cell, _ index: Int) -> String { "cell \(cell.number), plot \(index + 1)" }

  /// `<p class="cell-status">cell 3 · line 42 · cached</p>`.
  static func status(_ result: CellResult) -> String {
    "<p class=\"cell-status\">cell \(result.cell.number) · line \(result.cell.fenceLine) · \(XHTML.escape(result.status.description))</p>"
  }

  /// Prose with leading and trailing blank lines removed (nil when nothing is left).
  static func prose(_ text: String) -> String? {
    var lines = NotebookParser.splitLines(text)
    while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeFirst() }
    while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
    return lines.isEmpty ? nil : lines.joined(separator: "\n")
  }
}
