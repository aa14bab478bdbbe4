// The checked arguments a builtin's `run` closure receives, with typed accessors. Binding has
// already verified kinds, so accessors mostly convert (list → tensor, number → Int) and name
// the builtin and parameter in any remaining error.

import AegisTensor

/// Arguments bound to a builtin's parameters, defaults filled in.
public struct BoundArguments {
  /// The builtin being called.
  public let builtin: Builtin
  /// Where the call is (nil when called from Swift).
  public let location: SourceLocation?
  /// Values by parameter name; every parameter has an entry (`.nil` for absent optionals).
  public private(set) var values: [String: Value]

  /// Creates bound arguments (normally done by the interpreter).
  public init(builtin: Builtin, location: SourceLocation?, values: [String: Value]) {
    self.builtin = builtin
    self.location = location
    self.values = values
  }

  /// The value for `name`, `.nil` when absent.
  public subscript(name: String) -> Value { values[name] ?? .nil }

  /// Whether `name` was given a non-nil value (or has a non-nil default).
  public func has(_ name: String) -> Bool { !self[name].isNil }

  /// An error prefixed with the builtin's name, carrying its usage line.
  public func error(_ message: String, hint: String? = nil) -> LangError {
    LangError("\(builtin.name): \(message)", at: location, hint: hint, usage: builtin.usage)
  }

  private func label(_ name: String) -> String { "\(builtin.name): \(name)" }

  /// A number argument.
  public func number(_ name: String) throws -> Double { try self[name].asNumber(label(name)) }
  /// A whole-number argument.
  public func int(_ name: String) throws -> Int { try self[name].asInt(label(name)) }
  /// A string argument (also `.name` and `.choice`).
  public func string(_ name: String) throws -> String {
    guard case .string(let s) = self[name] else { throw error("\(name) must be a string, got \(self[name].shortDescription)") }
    return s
  }
  /// A bool argument.
  public func bool(_ name: String) throws -> Bool {
    guard case .bool(let b) = self[name] else { throw error("\(name) must be a bool, got \(self[name].shortDescription)") }
    return b
  }
  /// A list argument (ranges expanded).
  public func list(_ name: String) throws -> [Value] { try self[name].asList(label(name)) }
  /// A tensor argument (numbers and nested lists converted).
  public func tensor(_ name: String) throws -> Tensor { try self[name].asTensor(label(name)) }
  /// A shape argument: `3` or `[2, 3]`.
  public func shape(_ name: String) throws -> [Int] { try self[name].asShape(label(name)) }

  /// An object argument of a given Swift class, e.g. `try args.object("model", as: Model.self)`.
  public func object<T>(_ name: String, as type: T.Type) throws -> T {
    guard case .object(let o) = self[name], let typed = o as? T else {
      throw error("\(name) must be \(String(describing: type)), got \(self[name].shortDescription)")
    }
    return typed
  }

  /// The number for `name`, or nil when absent.
  public func optionalNumber(_ name: String) throws -> Double? { has(name) ? try number(name) : nil }
  /// The whole number for `name`, or nil when absent.
  public func optionalInt(_ name: String) throws -> Int? { has(name) ? try int(name) : nil }
  /// The string for `name`, or nil when absent.
  public func optionalString(_ name: String) throws -> String? { has(name) ? try string(name) : nil }
  /// The tensor for `name`, or nil when absent.
  public func optionalTensor(_ name: String) throws -> Tensor? { has(name) ? try tensor(name) : nil }
  /// The object for `name`, or nil when absent.
  public func optionalObject<T>(_ name: String, as type: T.Type) throws -> T? {
    has(name) ? try object(name, as: type) : nil
  }
}
