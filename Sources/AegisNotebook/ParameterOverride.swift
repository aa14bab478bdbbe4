// `--set name=value`: a parameter override. The value is an Aegis literal read with the Aegis
// parser (a number, a string in quotes, true/false/nil, or a list of literals), so CI can run a
// notebook at a tiny size: `--set n_train=200 --set eps='[0, 0.1]'`.

import AegisLang
import Foundation

/// One `--set name=value` override of a variable assigned in a `#| param` cell.
public struct ParameterOverride {
  /// The variable.
  public var name: String
  /// The value.
  public var value: Value

  /// Creates an override from a value.
  public init(name: String, value: Value) {
    self.name = name
    self.value = value
  }

  /// Parses `name=value` (the text after `--set`).
  public static func parse(_ argument: String) throws -> ParameterOverride {
    let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
    let name = parts.first?.trimmingCharacters(in: .whitespaces) ?? ""
    guard parts.count == 2, isIdentifier(name) else {
      throw NotebookError.usage("--set takes name=value, e.g. --set n_train=200, got `\(argument)`")
    }
    return ParameterOverride(name: name, value: try literal(parts[1], for: name))
  }

  /// `name = value` as Aegis source (strings quoted), for documents and cache keys.
  public var assignment: String { "\(name) = \(value.repr)" }

  /// Reads an Aegis literal with the Aegis parser.
  static func literal(_ text: String, for name: String) throws -> Value {
    let parsed = Parser.parse(text, file: "--set \(name)")
    let hint = "use a number, a string in quotes (--set \(name)='\"text\"'), true, false or a list like [1, 2]"
    guard parsed.errors.isEmpty, parsed.statements.count == 1,
          case .expression(let expr, _) = parsed.statements[0].kind, let value = value(of: expr) else {
      throw NotebookError.usage("--set \(name): `\(text)` is not a literal; \(hint)")
    }
    return value
  }

  private static func value(of expr: Expr) -> Value? {
    switch expr.kind {
    case .number(let x): return .number(x)
    case .string(let s): return .string(s)
    case .bool(let b): return .bool(b)
    case .nil: return .nil
    case .unary(.negate, let inner):
      if case .number(let x) = inner.kind { return .number(-x) }
      return nil
    case .list(let items):
      let values = items.compactMap(value(of:))
      return values.count == items.count ? .list(values) : nil
    default: return nil
    }
  }

  private static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else { return false }
    return s.unicodeScalars.allSatisfy { $0 == "_" || CharacterSet.alphanumerics.contains($0) }
  }
}

