// Tab completion: readline finds the word under the cursor, `Interpreter.completions` decides
// the candidates (keywords, builtins, workspace names, members after `.`, the named parameters
// of the call being typed, choice values and file paths inside strings), and this file turns
// them into readline's match array. Inside `"…"` the whole string so far is the word (readline
// quote handling), so `"data/tr` completes paths with their directories.

import AegisLang
import CReadline
import Foundation

/// The bridge from readline's C completion hook to the interpreter.
enum Completer {
  /// The interpreter whose workspace is completed (set by the REPL).
  nonisolated(unsafe) static var interpreter: Interpreter?
  /// Earlier lines of a multi-line input, so a call opened on a previous line still offers its
  /// parameters.
  nonisolated(unsafe) static var previousLines = ""

  /// Characters that end a word outside strings (`.` so `net.pa` completes members).
  private static let wordBreaks = strdup(" \t\n\"'([{,:;=+-*/^%<>!&|.])}")
  /// Inside a string only the quote breaks words: a path like `/data/x.png` is one word
  /// (readline would otherwise skip a break character right after the quote, e.g. `/`).
  fileprivate static let stringBreaks = strdup("\"")
  private static let quotes = strdup("\"")

  /// Installs the hook into readline.
  static func install() {
    rl_attempted_completion_function = complete
    rl_completer_word_break_characters = UnsafePointer(wordBreaks)
    rl_completer_quote_characters = UnsafePointer(quotes)
    rl_completion_word_break_hook = wordBreaksHere
    rl_sort_completion_matches = 0  // keep the interpreter's order: parameters first
  }

  /// The candidates for `prefix` with `context` (everything typed before it).
  static func candidates(prefix: String, context: String) -> [String] {
    interpreter?.completions(prefix: prefix, context: context) ?? []
  }

  /// The text of the current line before the cursor.
  static func beforeCursor(_ end: Int32 = rl_point) -> String {
    guard let line = rl_line_buffer, end > 0 else { return "" }
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(line).assumingMemoryBound(to: UInt8.self), count: Int(end))
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Whether `text` ends inside an open string literal (unescaped quotes, not in a `#` comment).
  static func isInsideString(_ text: String) -> Bool {
    var inside = false, escaped = false
    for c in text {
      if escaped {
        escaped = false
      } else if inside {
        if c == "\\" { escaped = true } else if c == "\"" { inside = false }
      } else if c == "\"" {
        inside = true
      } else if c == "#" {
        return false
      }
    }
    return inside
  }

  /// Longest common prefix of `words` (by characters).
  static func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first else { return "" }
    for word in words.dropFirst() {
      while !word.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
  }

  /// What readline appends after a unique match: a space after a `name:` label, nothing after a
  /// name (a `(` or `.` usually follows), and inside a string the closing quote unless the match
  /// is a directory.
  static func configureAppend(for matches: [String], insideString: Bool) {
    let space = Int32(UInt8(ascii: " "))
    rl_completion_append_character = matches.count == 1 && matches[0].hasSuffix(":") ? space : 0
    if insideString {
      rl_filename_completion_desired = 1  // lists show base names; directories keep their `/`
      rl_completion_suppress_quote = matches.count == 1 && matches[0].hasSuffix("/") ? 1 : 0
    }
  }
}

/// readline's `rl_completion_word_break_hook`: the break characters for the cursor position.
private func wordBreaksHere() -> UnsafeMutablePointer<CChar>? {
  Completer.isInsideString(Completer.beforeCursor()) ? Completer.stringBreaks : nil
}

/// readline's `rl_attempted_completion_function`: a malloc'ed, NULL-terminated array whose first
/// element replaces the word (the common prefix) and whose others are listed.
private func complete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
  -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
  rl_attempted_completion_over = 1  // never fall back to readline's own file names
  let prefix = text.map { String(cString: $0) } ?? ""
  let matches = Completer.candidates(prefix: prefix, context: Completer.previousLines + Completer.beforeCursor(start))
  guard !matches.isEmpty else { return nil }
  Completer.configureAppend(for: matches, insideString: rl_completion_quote_character != 0)
  let words = matches.count == 1 ? matches : [Completer.commonPrefix(matches)] + matches
  guard let array = calloc(words.count + 1, MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?
    .assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self) else { return nil }
  for (i, word) in words.enumerated() { array[i] = strdup(word) }
  return array
}
