// Errors of plans, with the fix in the message.

/// A plan problem (missing directory, unknown cell, unmet dependency …).
public struct PlanError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
