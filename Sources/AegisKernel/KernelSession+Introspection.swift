// complete, inspect and is_complete: the REPL's completion (`Interpreter.completions`), the
// `help NAME` pages and `Parser.isIncomplete`, with Jupyter's cursor positions (counted in
// Unicode code points).

import AegisLang
import Foundation

extension KernelSession {
  /// Candidates for the word before the cursor.
  func complete(code: String, cursor: Int?) -> [String: Any] {
    let scalars = Array(code.unicodeScalars)
    let end = min(max(cursor ?? scalars.count, 0), scalars.count)
    let before = String(String.UnicodeScalarView(scalars[..<end]))
    let prefix = wordBefore(before)
    let context = String(before.unicodeScalars.dropLast(prefix.unicodeScalars.count))
    let matches = interpreter.completions(prefix: prefix, context: context)
    return ["status": "ok", "matches": matches, "cursor_start": end - prefix.unicodeScalars.count,
            "cursor_end": end, "metadata": [String: Any]()]
  }

  /// The word being typed: inside an open string everything after the quote (a path), else the
  /// trailing identifier characters.
  func wordBefore(_ text: String) -> String {
    if interpreter.isInsideString(text), let quote = text.lastIndex(of: "\"") { return String(text[text.index(after: quote)...]) }
    let word = text.unicodeScalars.reversed().prefix { Self.isWordCharacter($0) }
    return String(String.UnicodeScalarView(word.reversed()))
  }

  static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
    c == "_" || CharacterSet.alphanumerics.contains(c)
  }

  /// The help page of the name under (or just before) the cursor.
  func inspect(code: String, cursor: Int?) -> [String: Any] {
    let name = Self.name(in: code, at: cursor)
    guard let page = helpPage(name) else {
      return ["status": "ok", "found": false, "data": [String: Any](), "metadata": [String: Any]()]
    }
    return ["status": "ok", "found": true, "data": ["text/plain": page], "metadata": [String: Any]()]
  }

  /// A builtin's page, a keyword's explanation or a variable's value.
  func helpPage(_ name: String) -> String? {
    guard !name.isEmpty else { return nil }
    if let builtin = interpreter.registry[name] { return HelpText.page(for: builtin) }
    if let keyword = HelpText.keywords[name] { return "\(name): \(keyword)" }
    if let value = interpreter.globals.lookup(name) { return "\(name) = \(interpreter.display(value))" }
    return nil
  }

  /// The identifier that contains or ends at the cursor.
  static func name(in code: String, at cursor: Int?) -> String {
    let scalars = Array(code.unicodeScalars)
    var start = min(max(cursor ?? scalars.count, 0), scalars.count), end = start
    while start > 0, isWordCharacter(scalars[start - 1]) { start -= 1 }
    while end < scalars.count, isWordCharacter(scalars[end]) { end += 1 }
    return String(String.UnicodeScalarView(scalars[start..<end]))
  }

  /// `incomplete` while a bracket, block or string is open, `invalid` on a syntax error.
  func isComplete(_ code: String) -> [String: Any] {
    if interpreter.isIncomplete(code) { return ["status": "incomplete", "indent": "  "] }
    return ["status": interpreter.parse(code).errors.isEmpty ? "complete" : "invalid"]
  }

  // MARK: - history

  /// `tail`, `range` and `search` (glob pattern, `unique`, `n`) over this session's inputs.
  func historyReply(_ content: [String: Any]) -> [String: Any] {
    let output = content["output"] as? Bool ?? false
    var entries = history
    switch content["hist_access_type"] as? String {
    case "range":
      let start = content["start"] as? Int ?? 0, stop = content["stop"] as? Int
      entries = entries.filter { entry in entry.line >= start && (stop.map { entry.line < $0 } ?? true) }
    case "search":
      let pattern = Self.globExpression(content["pattern"] as? String ?? "*")
      entries = entries.filter { $0.input.range(of: pattern, options: .regularExpression) != nil }
      if content["unique"] as? Bool ?? false {
        var seen = Set<String>()
        entries = entries.reversed().filter { seen.insert($0.input).inserted }.reversed()
      }
      if let n = content["n"] as? Int { entries = Array(entries.suffix(n)) }
    default:
      entries = Array(entries.suffix(content["n"] as? Int ?? 10))
    }
    let rows: [[Any]] = entries.map { entry in
      [1, entry.line, output ? [entry.input, entry.output as Any? ?? NSNull()] as [Any] : entry.input as Any]
    }
    return ["status": "ok", "history": rows]
  }

  /// A glob (`*`, `?`) as an anchored regular expression.
  static func globExpression(_ glob: String) -> String {
    var expression = "^"
    for c in glob {
      switch c {
      case "*": expression += ".*"
      case "?": expression += "."
      default: expression += NSRegularExpression.escapedPattern(for: String(c))
      }
    }
    return expression + "$"
  }
}
