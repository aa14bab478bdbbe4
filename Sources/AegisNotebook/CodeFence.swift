// Fenced code blocks, CommonMark style: an opening fence of three or more backticks or tildes
// (indented by at most three spaces) with an info string; the closing fence uses the same
// character, at least as many of them, and nothing else. Also picks a fence long enough to
// wrap text that itself contains backticks.

import Foundation

/// An opening code fence.
struct CodeFence: Equatable {
  /// "`" or "~".
  var character: Character
  /// Number of fence characters (≥ 3).
  var count: Int
  /// Spaces before the fence (0…3); removed from the content lines too.
  var indent: Int
  /// The text after the fence, trimmed.
  var info: String

  /// The language: the first word of the info string, without Quarto's braces (`{aegis}`).
  var language: String {
    let word = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
    return word.trimmingCharacters(in: CharacterSet(charactersIn: "{}")).lowercased()
  }

  /// The opening fence on `line`, if the line is one.
  static func opening(_ line: String) -> CodeFence? {
    let indent = line.prefix { $0 == " " }.count
    guard indent <= 3 else { return nil }
    let rest = line.dropFirst(indent)
    guard let c = rest.first, c == "`" || c == "~" else { return nil }
    let count = rest.prefix { $0 == c }.count
    guard count >= 3 else { return nil }
    let info = rest.dropFirst(count).trimmingCharacters(in: .whitespaces)
    if c == "`" && info.contains("`") { return nil }
    return CodeFence(character: c, count: count, indent: indent, info: info)
  }

  /// Whether `line` closes this fence.
  func isClosed(by line: String) -> Bool {
    let indent = line.prefix { $0 == " " }.count
    guard indent <= 3 else { return false }
    let rest = line.dropFirst(indent)
    let count = rest.prefix { $0 == character }.count
    return count >= self.count && rest.dropFirst(count).allSatisfy { $0 == " " || $0 == "\t" }
  }

  /// A content line with the fence's indentation removed (as far as it is there).
  func content(_ line: String) -> String {
    let spaces = min(indent, line.prefix { $0 == " " }.count)
    return String(line.dropFirst(spaces))
  }

  /// `text` wrapped in a backtick fence longer than any run of backticks inside it.
  static func wrap(_ text: String, info: String) -> String {
    var longest = 0, run = 0
    for c in text {
      run = c == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    return "\(fence)\(info)\n\(text)\n\(fence)"
  }
}
