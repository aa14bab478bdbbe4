// Errors of the self-supervised pipeline (pretext tasks, pretraining, fine-tuning, grids).
// Every message says what was wrong and how to fix it, so a bad REPL line prints advice.

/// A setting or input the self-supervised pipeline cannot use, with the fix in the message.
public struct SSLError: Error, CustomStringConvertible, Equatable {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
