// One `aegis` code cell: where it sits in the Markdown file, its options, the source that runs
// (option lines included, as comments, so line numbers match the file) and the code shown.

import Foundation

/// An ```` ```aegis ```` code cell of a notebook.
public struct Cell: Equatable, Sendable {
  /// 1-based number among the notebook's code cells.
  public var number: Int
  /// Line of the opening fence in the Markdown file.
  public var fenceLine: Int
  /// Line of the first line inside the fence (what `firstLine` of the interpreter gets).
  public var firstLine: Int
  /// Everything between the fences, option lines included: what the interpreter runs.
  public var source: String
  /// The options from the `#|` lines at the top of the cell.
  public var options: CellOptions
  /// The code without the leading option lines: what the rendered document shows.
  public var code: String
  /// Line of the first line of `code` (after the option lines).
  public var codeLine: Int

  /// Creates a cell.
  public init(number: Int, fenceLine: Int, firstLine: Int, source: String, options: CellOptions, code: String,
              codeLine: Int) {
    self.number = number
    self.fenceLine = fenceLine
    self.firstLine = firstLine
    self.source = source
    self.options = options
    self.code = code
    self.codeLine = codeLine
  }

  /// Number of lines inside the fences.
  public var lineCount: Int {
    source.isEmpty ? 0 : source.split(separator: "\n", omittingEmptySubsequences: false).count
  }

  /// The first line of code after the options (for listings), trimmed.
  public var preview: String {
    let first = code.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    return first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
  }
}
