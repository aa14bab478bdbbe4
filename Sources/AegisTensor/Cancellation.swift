// Cooperative cancellation: the REPL's Ctrl-C handler sets a flag; long loops (training,
// evaluation, attacks) check it between batches and stop cleanly, keeping the session.

import Synchronization

/// Thrown by `Cancellation.check()` after the user asked to stop.
public struct CancelledError: Error, CustomStringConvertible {
  public init() {}
  public var description: String { "interrupted" }
}

/// A process-wide "please stop" flag, safe to set from a signal handler's thread.
public enum Cancellation {
  private static let flag = Atomic<Bool>(false)

  /// Asks running work to stop at its next check.
  public static func request() { flag.store(true, ordering: .relaxed) }
  /// Clears the request (the REPL does this before each command).
  public static func reset() { flag.store(false, ordering: .relaxed) }
  /// Whether a stop was requested.
  public static var isRequested: Bool { flag.load(ordering: .relaxed) }
  /// Throws `CancelledError` when a stop was requested.
  public static func check() throws { if isRequested { throw CancelledError() } }
}
