// Cell options, Quarto style: `#| key: value` comment lines at the top of a cell.
//
//   #| echo: false        hide the code (the output is still shown)
//   #| eval: false        show the code, do not run it
//   #| error: true        an error is expected: show it and go on
//   #| fig: "robustness"  file name for the cell's plots (robustness.svg, robustness-2.svg, …)
//   #| param              a parameter cell: `--set name=value` overrides its assignments
//   #| cache: false       always run this cell (its output is never taken from the cache)
//
// A flag written without a value (`#| param`) means true.

import AegisLang
import Foundation

/// The options of a code cell.
public struct CellOptions: Equatable, Sendable {
  /// Show the code (`echo: false` hides it).
  public var echo = true
  /// Run the cell (`eval: false` only shows it).
  public var eval = true
  /// An error is expected: it is shown and the run goes on.
  public var error = false
  /// Base name of the cell's plot files (without extension), when set.
  public var fig: String?
  /// Whether `--set` may override the variables this cell assigns.
  public var param = false
  /// Whether the cell's output may come from the cache.
  public var cache = true

  /// The defaults: echo, eval and cache on; everything else off.
  public init() {}

  /// Every option name, in documentation order.
  public static let names = ["echo", "eval", "error", "fig", "param", "cache"]

  /// Whether a line is an option line (`#|` after optional indentation).
  static func isOptionLine(_ line: String) -> Bool {
    line.drop { $0 == " " || $0 == "\t" }.hasPrefix("#|")
  }

  /// Parses the leading `#|` lines of a cell; `firstLine` is the file line of `lines[0]`.
  /// Returns the options and the number of option lines.
  static func parse(_ lines: [String], firstLine: Int, file: String) throws -> (CellOptions, Int) {
    var options = CellOptions()
    var count = 0
    for line in lines {
      guard isOptionLine(line) else { break }
      try options.apply(line, at: "\(file):\(firstLine + count)")
      count += 1
    }
    return (options, count)
  }

  /// Applies one `#| key: value` line.
  mutating func apply(_ line: String, at location: String) throws {
    let body = line.drop { $0 == " " || $0 == "\t" }.dropFirst(2)
    let parts = body.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
    guard let key = parts.first, !key.isEmpty else {
      throw NotebookError("\(location): empty cell option; write `#| name: value` (options: \(Self.names.joined(separator: ", ")))")
    }
    let value = parts.count > 1 ? parts[1] : nil
    switch key {
    case "echo": echo = try Self.flag(value, key, location)
    case "eval": eval = try Self.flag(value, key, location)
    case "error": error = try Self.flag(value, key, location)
    case "param": param = try Self.flag(value, key, location)
    case "cache": cache = try Self.flag(value, key, location)
    case "fig": fig = try Self.figureName(value, location)
    default:
      let hint = EditDistance.suggestion(for: key, among: Self.names).map { "; did you mean `\($0)`?" } ?? ""
      throw NotebookError("\(location): unknown cell option `\(key)`\(hint) (options: \(Self.names.joined(separator: ", ")))")
    }
  }

  private static func flag(_ value: String?, _ key: String, _ location: String) throws -> Bool {
    switch value.map(unquoted)?.lowercased() {
    case nil, "", "true", "yes": return true
    case "false", "no": return false
    case let other?: throw NotebookError("\(location): option `\(key)` takes true or false, got `\(other)`")
    }
  }

  /// A plot base name: letters, digits, `-`, `_` and `.`; a trailing `.svg`/`.png` is kept
  /// (it chooses the format).
  private static func figureName(_ value: String?, _ location: String) throws -> String {
    let name = unquoted(value ?? "")
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_."))
    guard !name.isEmpty, !name.hasPrefix("."), name.unicodeScalars.allSatisfy(allowed.contains) else {
      throw NotebookError("\(location): `fig` needs a file name made of letters, digits, `-`, `_` and `.`, e.g. #| fig: \"robustness\"")
    }
    return name
  }

  private static func unquoted(_ s: String) -> String {
    if s.count >= 2, let f = s.first, f == s.last, f == "\"" || f == "'" { return String(s.dropFirst().dropLast()) }
    return s
  }

  /// The options that change what running the cell does, as text for cache keys (`echo` and
  /// `cache` are left out: changing them never changes the output).
  var executionKey: String {
    "eval=\(eval);error=\(error);param=\(param);fig=\(fig ?? "")"
  }

  /// The non-default options as `#|` syntax without the prefix, for `--list-cells`.
  public var summary: String {
    var parts: [String] = []
    if param { parts.append("param") }
    if !echo { parts.append("echo: false") }
    if !eval { parts.append("eval: false") }
    if error { parts.append("error: true") }
    if let fig { parts.append("fig: \"\(fig)\"") }
    if !cache { parts.append("cache: false") }
    return parts.joined(separator: ", ")
  }
}
