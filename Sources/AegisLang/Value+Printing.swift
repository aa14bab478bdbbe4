// How values print: `description` for `print` (strings raw), `repr` for the REPL and inside lists
// (strings quoted), `shortDescription` for messages ("string \"a\"", "tensor [2, 3]").

import AegisTensor

extension Value: CustomStringConvertible {
  /// What `print` shows: strings without quotes, tensors and objects in full.
  public var description: String {
    switch self {
    case .string(let s): return s
    case .tensor(let t): return Value.format(t)
    case .object(let o): return o.describe()
    default: return repr
    }
  }

  /// What the REPL auto-prints: like `description` but strings are quoted.
  public var repr: String {
    switch self {
    case .number(let x): return Value.format(x)
    case .string(let s): return Value.quote(s)
    case .bool(let b): return b ? "true" : "false"
    case .nil: return "nil"
    case .list(let items): return "[" + items.map(\.elementRepr).joined(separator: ", ") + "]"
    case .range(let r): return r.description
    case .tensor(let t): return Value.format(t)
    case .function(let f): return "<function \(f.declaration.signature)>"
    case .builtin(let b): return "<builtin \(b.signature)>"
    case .object(let o): return o.describe()
    }
  }

  /// A one-line form for list elements and `who`: tensors and objects summarized.
  public var elementRepr: String {
    switch self {
    case .tensor(let t): return t.rank == 0 ? Value.format(t) : "Tensor \(t.shape)"
    case .object(let o): return o.summary
    default: return repr
    }
  }

  /// Type and value for error messages: `string "a"`, `number 3`, `tensor [2, 3]`.
  public var shortDescription: String {
    switch self {
    case .nil: return "nil"
    case .tensor(let t): return "tensor \(t.shape)"
    case .object(let o): return o.typeName
    case .function(let f): return "function \(f.declaration.name)"
    case .builtin(let b): return "builtin \(b.name)"
    case .list(let items) where items.count > 8: return "list of \(items.count) values"
    default:
      let text = elementRepr
      return "\(typeName) " + (text.count > 40 ? String(text.prefix(37)) + "…" : text)
    }
  }

  /// Numbers print without a trailing `.0`: 3, 0.1, 1e-05, 1e+20.
  public static func format(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), Swift.abs(x) < 1e16 {
      return x == 0 ? "0" : String(Int64(x))
    }
    return "\(x)"
  }

  /// Tensors print with `Tensor.formatted()`; a 0-d tensor (a reduction, a single element)
  /// prints on one line as `tensor(2.5)` so `sum(t)` reads like a number.
  public static func format(_ t: Tensor) -> String {
    guard t.rank == 0, let v = t.storage.first else { return t.formatted() }
    if v.isFinite && v == v.rounded() && Swift.abs(v) < 1e7 { return "tensor(\(Int(v)))" }
    return "tensor(\(v))"
  }

  /// A string literal as the scanner would read it back.
  public static func quote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\0": out += "\\0"
      default: out.unicodeScalars.append(c)
      }
    }
    return out + "\""
  }
}
