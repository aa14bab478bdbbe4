// `format(value, spec)`: Python's format mini-language, the subset scripts need to print
// results: [[fill]align][sign][0][width][,][.precision][type] with types f, e, g, %, d, s.
// `format(0.8123, ".1%")` is "81.2%", `format(3.14159, "8.3f")` is "   3.142".
//
// String interpolation ("acc {x}") is deliberately not part of the grammar: strings already
// carry braces (JSON, gnuplot, LaTeX labels in plots), and `"acc " + format(x, ".1%")` reads
// as plainly with one rule less to learn.

import Foundation

/// Registers `format`.
public func registerFormatBuiltins(into registry: BuiltinRegistry) {
  registry.register(formatBuiltin)
}

private let formatBuiltin = Builtin(
  name: "format", category: "workspace", summary: "A value as text by a Python-style spec: format(0.8123, \".1%\") is \"81.2%\".",
  details: "spec = [[fill]align][sign][0][width][,][.precision][type]. align: < left, > right, ^ center, = after the sign; sign: + or space; `,` groups thousands; type: f fixed, e exponent, g general, % percent, d integer, s string (default: like `str`). Numbers align right and text left unless told.",
  parameters: [Parameter("value", .any, doc: "a number (or one-element tensor), string or bool"),
               Parameter("spec", .string, default: .string(""), doc: "e.g. \".1%\", \".3f\", \">8\", \"05d\", \",\"")],
  returns: "string", example: "format(0.8123, \".1%\")\nformat(3.14159, \"8.3f\")\nformat(\"eps\", \"^9\")"
) { args, _ in
  let spec: FormatSpec
  do { spec = try FormatSpec(try args.string("spec")) } catch let e as FormatSpec.Problem { throw args.error(e.message, hint: "e.g. \".1%\", \".3f\", \">10\" or \"05d\"") }
  do { return .string(try spec.apply(to: args["value"])) } catch let e as FormatSpec.Problem { throw args.error(e.message) }
}

/// A parsed format spec.
struct FormatSpec {
  struct Problem: Error { var message: String }

  var fill: Character = " "
  var align: Character?
  var sign: Character = "-"
  var width = 0
  var grouping = false
  var precision: Int?
  var type: Character?

  init(_ text: String) throws {
    var s = Substring(text)
    let aligns: Set<Character> = ["<", ">", "^", "="]
    if s.count >= 2, aligns.contains(s[s.index(after: s.startIndex)]) {
      fill = s.removeFirst()
      align = s.removeFirst()
    } else if let c = s.first, aligns.contains(c) {
      align = s.removeFirst()
    }
    if let c = s.first, "+- ".contains(c) { sign = s.removeFirst() }
    if s.first == "0" {
      s.removeFirst()
      if align == nil { fill = "0"; align = "=" }
    }
    width = Int(String(s.prefix { $0.isNumber })) ?? 0
    s = s.drop { $0.isNumber }
    if s.first == "," { grouping = true; s.removeFirst() }
    if s.first == "." {
      s.removeFirst()
      guard let p = Int(String(s.prefix { $0.isNumber })) else { throw Problem(message: "expected digits after `.` in the spec \(Value.quote(text))") }
      precision = p
      s = s.drop { $0.isNumber }
    }
    if let c = s.first, "fFeEgG%ds".contains(c) { type = s.removeFirst() }
    guard s.isEmpty else { throw Problem(message: "cannot read the spec \(Value.quote(text)) at \(Value.quote(String(s)))") }
    guard width <= 1000, (precision ?? 0) <= 100 else { throw Problem(message: "width (at most 1000) or precision (at most 100) is too large") }
  }

  /// The formatted value, padded to the width.
  func apply(to value: Value) throws -> String {
    switch value {
    case .number, .tensor:
      let x = try value.asNumber("format: value")
      guard type != "s" else { return pad(Value.format(x), numeric: false) }
      return try number(x)
    case .string(let s): return try text(s)
    case .bool(let b): return try text(b ? "true" : "false")
    default: return try text(value.description)
    }
  }

  private func text(_ s: String) throws -> String {
    guard type == nil || type == "s" else { throw Problem(message: "the type `\(type!)` formats numbers, got a string") }
    return pad(precision.map { String(s.prefix($0)) } ?? s, numeric: false)
  }

  private func number(_ x: Double) throws -> String {
    var body: String
    let magnitude = Swift.abs(x)
    switch type {
    case "f", "F": body = String(format: "%.\(precision ?? 6)f", magnitude)
    case "e", "E": body = String(format: "%.\(precision ?? 6)\(type!)", magnitude)
    case "g", "G": body = String(format: "%.\(precision ?? 6)\(type!)", magnitude)
    case "%": body = String(format: "%.\(precision ?? 6)f", magnitude * 100)
    case "d":
      guard x == x.rounded(), magnitude < 9e15 else { throw Problem(message: "`d` needs a whole number, got \(Value.format(x))") }
      body = String(Int(magnitude))
    default: body = precision.map { String(format: "%.\($0)g", magnitude) } ?? Value.format(magnitude)
    }
    if !x.isFinite { body = x.isNaN ? "nan" : "inf" }
    if grouping { body = Self.grouped(body) }
    if type == "%" && x.isFinite { body += "%" }
    let signText = (x < 0 || (x == 0 && x.sign == .minus && type != "d")) ? "-" : (sign == "+" ? "+" : (sign == " " ? " " : ""))
    if align == "=" {
      let room = Swift.max(0, width - signText.count - body.count)
      return signText + String(repeating: fill, count: room) + body
    }
    return pad(signText + body, numeric: true)
  }

  /// Inserts thousands separators into the integer part of `digits`.
  static func grouped(_ digits: String) -> String {
    let integer = digits.prefix { $0.isNumber }
    guard integer.count > 3 else { return digits }
    var out: [Character] = []
    for (i, c) in integer.reversed().enumerated() {
      if i > 0 && i % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return String(out.reversed()) + digits.dropFirst(integer.count)
  }

  private func pad(_ s: String, numeric: Bool) -> String {
    let room = width - s.count
    guard room > 0 else { return s }
    switch align ?? (numeric ? ">" : "<") {
    case "<": return s + String(repeating: fill, count: room)
    case "^": return String(repeating: fill, count: room / 2) + s + String(repeating: fill, count: room - room / 2)
    default: return String(repeating: fill, count: room) + s
    }
  }
}
