// `--list-cells`: one line per code cell with its number, the line of its fence, its options
// and its first line of code, so `--from N` and error messages are easy to relate to the file.

/// The `--list-cells` table.
public enum CellListing {
  /// A table of `notebook`'s cells.
  public static func render(_ notebook: Notebook) -> String {
    let rows = notebook.cells.map { c in [String(c.number), String(c.fenceLine), c.options.summary, clipped(c.preview)] }
    guard !rows.isEmpty else { return "\(notebook.name): no ```aegis cells" }
    let header = ["cell", "line", "options", "code"]
    let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
    return ([header] + rows).map { row in
      row.indices.map { i in
        let pad = String(repeating: " ", count: widths[i] - row[i].count)
        return i < 2 ? pad + row[i] : row[i] + (i == row.count - 1 ? "" : pad)
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  private static func clipped(_ s: String) -> String { s.count > 48 ? String(s.prefix(47)) + "…" : s }
}
