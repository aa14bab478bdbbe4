// Cached error messages carry `notebook.md:LINE:COL` locations. When prose above a cell grows
// or shrinks, the cell's code is unchanged (so its output is still valid) but its lines moved:
// this shifts each location by the move of the cell it points into.

import Foundation

/// Moves `name:LINE:COL` locations from an old cell layout to the current one.
enum LineRemapper {
  /// `text` with every `name:LINE:` location in the code of cell j moved from `old[j]` to
  /// `new[j]` (the first code lines of the cells, in order).
  static func remap(_ text: String, name: String, old: [Int], new: [Int]) -> String {
    guard old != new, !old.isEmpty,
          let regex = try? NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: name) + ":([0-9]+):") else {
      return text
    }
    let ns = text as NSString
    var result = ""
    var cursor = 0
    for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
      let lineRange = match.range(at: 1)
      guard let line = Int(ns.substring(with: lineRange)) else { continue }
      result += ns.substring(with: NSRange(location: cursor, length: lineRange.location - cursor))
      result += String(moved(line, old: old, new: new))
      cursor = lineRange.location + lineRange.length
    }
    return result + ns.substring(from: cursor)
  }

  /// `line` moved with the cell whose code contains it.
  static func moved(_ line: Int, old: [Int], new: [Int]) -> Int {
    guard let j = old.lastIndex(where: { $0 <= line }), j < new.count else { return line }
    return line - old[j] + new[j]
  }
}
