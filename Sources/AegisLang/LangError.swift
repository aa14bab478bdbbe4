// Errors as data: every user mistake (syntax, runtime, interruption) becomes a `LangError` with
// a location, a message and optional hint/usage lines. Rendering to text lives in Diagnostic.swift.

import AegisTensor

/// A syntax or runtime error in user code. Builtins throw it (usually without a location; the
/// interpreter fills in the call's location).
public struct LangError: Error, Equatable, CustomStringConvertible {
  /// Which phase produced the error.
  public enum Kind: String, Equatable, Sendable {
    case syntax, runtime, interrupted
  }

  /// Which phase produced the error.
  public var kind: Kind
  /// One-line message, without location or "error:" prefix.
  public var message: String
  /// Where it happened, when known.
  public var location: SourceLocation?
  /// A suggestion, e.g. "did you mean `pgd`?".
  public var hint: String?
  /// The usage line of the builtin or function being called, when the call was malformed.
  public var usage: String?
  /// Call frames the error passed through, innermost first ("in `f`, called at x.aegis:3:1").
  public var trace: [String] = []

  /// Creates an error. Builtins usually pass only a message (and maybe a hint).
  public init(_ message: String, kind: Kind = .runtime, at location: SourceLocation? = nil,
              hint: String? = nil, usage: String? = nil) {
    self.kind = kind
    self.message = message
    self.location = location
    self.hint = hint
    self.usage = usage
  }

  /// `file:line:col: error: message` (one line; see `Diagnostic` for the full rendering).
  public var description: String {
    let prefix = location.map { "\($0): " } ?? ""
    return "\(prefix)error: \(message)"
  }

  /// A copy located at `location` unless it already has a location.
  func located(at location: SourceLocation) -> LangError {
    var copy = self
    if copy.location == nil { copy.location = location }
    return copy
  }
}

extension LangError {
  /// Converts any error thrown while running user code into a `LangError` located at `location`.
  /// Tensor shape errors, cancellations and other modules' errors all become messages.
  static func wrap(_ error: Error, at location: SourceLocation) -> LangError {
    if let e = error as? LangError { return e.located(at: location) }
    if error is CancelledError { return LangError("interrupted", kind: .interrupted, at: location) }
    return LangError(String(describing: error), at: location)
  }
}

