// Splits a Markdown notebook into prose and `aegis` code cells. Fences of other languages stay
// in the prose (an ```aegis fence inside a ````markdown block is text, not a cell); a longer
// fence may wrap code that contains ``` lines. Options are read from each cell's `#|` lines.

import Foundation

/// Parses Markdown notebooks.
public enum NotebookParser {
  /// The info-string languages that mark a code cell.
  public static let languages: Set<String> = ["aegis"]

  /// Parses `text`; `name` is the file name shown in messages. Throws on an unclosed cell
  /// fence or a malformed option line.
  public static func parse(_ text: String, name: String) throws -> Notebook {
    let lines = splitLines(text)
    var blocks: [Notebook.Block] = []
    var prose: [String] = []
    var open: (fence: CodeFence, line: Int)?
    var body: [String] = []
    var isCell = false

    for (i, line) in lines.enumerated() {
      if let current = open {
        if current.fence.isClosed(by: line) {
          if isCell {
            blocks.append(.cell(try makeCell(body, fenceLine: current.line, number: blocks.cellCount + 1, name: name)))
          } else {
            prose.append(line)
          }
          open = nil
        } else if isCell {
          body.append(current.fence.content(line))
        } else {
          prose.append(line)
        }
        continue
      }
      guard let fence = CodeFence.opening(line) else {
        prose.append(line)
        continue
      }
      open = (fence, i + 1)
      isCell = languages.contains(fence.language)
      if isCell {
        if !prose.isEmpty { blocks.append(.prose(prose.joined(separator: "\n"))) }
        prose = []
        body = []
      } else {
        prose.append(line)
      }
    }
    if let current = open, isCell {
      throw NotebookError("\(name):\(current.line): the code fence of cell \(blocks.cellCount + 1) is never closed (add a line `\(String(repeating: current.fence.character, count: current.fence.count))`)")
    }
    if !prose.isEmpty { blocks.append(.prose(prose.joined(separator: "\n"))) }
    return Notebook(name: name, blocks: blocks, lines: lines)
  }

  /// Lines without their terminators (`\n` or `\r\n`); a final newline does not add a line.
  static func splitLines(_ text: String) -> [String] {
    // "\r\n" is a single Character in Swift, so it is a separator of its own.
    var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }.map(String.init)
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  private static func makeCell(_ body: [String], fenceLine: Int, number: Int, name: String) throws -> Cell {
    let (options, optionLines) = try CellOptions.parse(body, firstLine: fenceLine + 1, file: name)
    return Cell(number: number, fenceLine: fenceLine, firstLine: fenceLine + 1,
                source: body.joined(separator: "\n"), options: options,
                code: body.dropFirst(optionLines).joined(separator: "\n"), codeLine: fenceLine + 1 + optionLines)
  }
}

private extension Array where Element == Notebook.Block {
  var cellCount: Int { filter { if case .cell = $0 { return true } else { return false } }.count }
}
