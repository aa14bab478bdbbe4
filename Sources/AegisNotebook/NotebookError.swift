// Errors of the notebook tool itself (not of the code in a cell): unreadable files, malformed
// cells or options, bad command-line arguments. Each carries the sysexits-style exit code the
// command line returns.

/// A problem with a notebook file, its options or the command line.
public struct NotebookError: Error, Equatable, CustomStringConvertible {
  /// What went wrong (may span several lines, e.g. rendered syntax errors).
  public var message: String
  /// Exit code for the command line: 64 usage, 65 malformed input, 66 unreadable, 73 unwritable.
  public var exitCode: Int32

  /// Creates an error.
  public init(_ message: String, exitCode: Int32 = 65) {
    self.message = message
    self.exitCode = exitCode
  }

  /// A usage error (exit code 64).
  static func usage(_ message: String) -> NotebookError { NotebookError(message, exitCode: 64) }

  /// The message.
  public var description: String { message }
}
