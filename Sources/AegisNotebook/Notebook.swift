// A parsed notebook: the Markdown file as a sequence of prose blocks and `aegis` code cells,
// plus its lines (for diagnostics) and the name shown in messages (`notebook.md:LINE:COL`).

/// A Markdown notebook: prose and `aegis` code cells, in file order.
public struct Notebook: Sendable {
  /// One piece of the file.
  public enum Block: Sendable {
    /// Markdown text kept as written (may include fences of other languages).
    case prose(String)
    /// An ```` ```aegis ```` code cell.
    case cell(Cell)
  }

  /// The version written into provenance stamps and cache keys unless the caller passes its own.
  public static let aegisVersion = "0.1.0"

  /// The file name used in diagnostics and cache keys (the base name, so keys do not depend on
  /// the working directory).
  public var name: String
  /// Prose and cells in file order.
  public var blocks: [Block]
  /// The file's lines (1-based line `n` is `lines[n - 1]`).
  public var lines: [String]

  /// Creates a notebook from already parsed blocks.
  public init(name: String, blocks: [Block], lines: [String]) {
    self.name = name
    self.blocks = blocks
    self.lines = lines
  }

  /// The code cells, numbered from 1.
  public var cells: [Cell] {
    blocks.compactMap { if case .cell(let c) = $0 { return c } else { return nil } }
  }

  /// Line `n` of the file (1-based), if it exists.
  public func line(_ n: Int) -> String? {
    n >= 1 && n <= lines.count ? lines[n - 1] : nil
  }
}
