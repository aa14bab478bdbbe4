// Left-aligned plain-text tables for `who`, parameter lists in `help`, and the like.

/// Formats rows into aligned columns.
public enum TextTable {
  /// Columns padded to the widest cell, separated by two spaces; trailing spaces trimmed.
  public static func render(header: [String]? = nil, rows: [[String]], indent: String = "") -> String {
    let all = (header.map { [$0] } ?? []) + rows
    let columns = all.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in all {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    let lines = all.map { row -> String in
      let cells = row.enumerated().map { i, cell in
        i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
      }
      return indent + cells.joined(separator: "  ")
    }
    return lines.map { $0.trimmingTrailingSpaces }.joined(separator: "\n")
  }
}

extension String {
  var trimmingTrailingSpaces: String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}

import Foundation
