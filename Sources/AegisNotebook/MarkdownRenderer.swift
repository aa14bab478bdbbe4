// Renders a run as Markdown (`NAME.out.md`): the prose as written; for each cell its code,
// output and error blocks, plot image links into `NAME_files/`, and a status line; then the
// provenance stamp. Cell option lines (`#|`) are not shown.

/// Renders notebook runs as Markdown.
public enum MarkdownRenderer {
  /// The `.out.md` text of `run`.
  public static func render(_ run: NotebookRun) -> String {
    var parts: [String] = []
    var results = run.cells.makeIterator()
    for block in run.notebook.blocks {
      switch block {
      case .prose(let text):
        if let prose = CellMarkdown.prose(text) { parts.append(prose) }
      case .cell:
        if let result = results.next() { parts.append(cell(result, folder: run.paths.filesLink)) }
      }
    }
    parts.append(ProvenanceMarkdown.render(run))
    return parts.joined(separator: "\n\n") + "\n"
  }

  /// One cell: code, output, error, plots, status.
  static func cell(_ result: CellResult, folder: String) -> String {
    let pieces = [CellMarkdown.code(result.cell), CellMarkdown.output(result.output), CellMarkdown.error(result.output)]
      .compactMap { $0 } + CellMarkdown.plotLinks(result, folder: folder) + [CellMarkdown.status(result)]
    return pieces.joined(separator: "\n\n")
  }
}
