// The default subcommand: the REPL, a script file, `-e` code or piped stdin, and `-i` to stay
// interactive afterwards with the script's workspace (as `th -i`, `python -i`).

import ArgumentParser
import Foundation

/// `aegis [-e CODE] [-i] [FILE [ARGS...]]`.
struct StartCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "start",
    abstract: "Start the REPL, or run a script, code or piped input (the default).")

  @Option(name: [.customShort("e"), .customLong("eval")], help: ArgumentHelp("Run CODE (arguments go to `args`).", valueName: "code"))
  var code: String?

  @Flag(name: [.customShort("i"), .customLong("interactive")], help: "Stay in the REPL after running FILE or -e CODE.")
  var interactive = false

  @Argument(parsing: .captureForPassthrough, help: "A script, then its arguments (the list `args`).")
  var script: [String] = []

  func validate() throws {
    if let first = script.first, first.hasPrefix("-"), first != "-" {
      throw ValidationError("unknown option '\(first)'")
    }
  }

  func run() throws {
    SignalHandling.install()
    let runner = ScriptRunner(interpreter: ScriptRunner.makeInterpreter())
    var status = try runNonInteractive(runner)
    if interactive || status == nil { status = REPL(interpreter: runner.interpreter).run() }
    if let status, status != 0 { throw ExitCode(status) }
  }

  /// Runs `-e` code, the script file or piped stdin; nil when there is nothing to run (REPL).
  private func runNonInteractive(_ runner: ScriptRunner) throws -> Int32? {
    if let code {
      runner.bind(arguments: script)
      return runner.run(code, file: "-e")
    }
    if let file = script.first {
      runner.bind(arguments: Array(script.dropFirst()))
      let status = runner.runFile(file)
      if status == 64 { throw ExitCode(status) }  // unreadable: nothing to stay interactive with
      return status
    }
    guard !interactive, !Terminal.stdinIsTTY else { return nil }
    return runner.runStandardInput()
  }
}
