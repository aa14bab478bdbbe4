// GnuplotProcess: runs gnuplot once on a script file and collects its exit status and output.

import Foundation

/// One finished gnuplot run.
struct GnuplotProcess {
  var status: Int32
  var stdout: String
  var stderr: String

  /// Runs `executable arguments...` with no stdin and waits for it to exit.
  ///
  /// stdout and stderr go to temporary files rather than pipes: a window terminal leaves a
  /// helper process holding them open after gnuplot exits, and files cannot fill up or hang.
  static func run(executable: URL, arguments: [String], environment: [String: String])
    throws -> GnuplotProcess
  {
    let out = try TemporaryFile(suffix: ".out")
    defer { out.remove() }
    let err = try TemporaryFile(suffix: ".err")
    defer { err.remove() }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out.handle
    process.standardError = err.handle
    do {
      try process.run()
    } catch {
      throw PlotError.io("cannot start \(executable.path): \(error.localizedDescription)")
    }
    process.waitUntilExit()
    return GnuplotProcess(
      status: process.terminationStatus, stdout: out.contents(), stderr: err.contents())
  }
}
