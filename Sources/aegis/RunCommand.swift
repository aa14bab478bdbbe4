// `aegis run FILE [ARGS...]`: the explicit form of `aegis FILE` (also for files named like a
// subcommand, e.g. `aegis run bench`).

import ArgumentParser

/// `aegis run FILE [ARGS...]`.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a script file.")

  @Argument(help: "The script.")
  var file: String

  @Argument(parsing: .captureForPassthrough, help: "Arguments for the script (the list `args`).")
  var arguments: [String] = []

  func run() throws {
    SignalHandling.install()
    let runner = ScriptRunner(interpreter: ScriptRunner.makeInterpreter())
    runner.bind(arguments: arguments)
    let status = runner.runFile(file)
    if status != 0 { throw ExitCode(status) }
  }
}
