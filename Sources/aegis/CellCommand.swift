// `aegis cell DIR ID`: runs one cell of a plan in this process (what every runner executes).

import AegisLang
import AegisPlan
import ArgumentParser
import Foundation

/// `aegis cell DIR ID`.
struct CellCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cell", abstract: "Run one cell of a plan (a no-op when it is done).",
    discussion: "Exit codes: 0 done, 70 failed (errors/ID.json), 75 running elsewhere, 130 interrupted.")

  @ArgumentParser.Argument(help: "The plan directory.")
  var directory: String

  @ArgumentParser.Argument(help: "The cell id (see `aegis grid status DIR`).")
  var id: String

  func run() throws {
    SignalHandling.install()
    AegisVersion.current = AegisCommand.version
    let status = PlanCellExecution.run(
      directory: directory, id: id, makeInterpreter: ScriptRunner.makeInterpreter,
      execute: { interpreter, source, file in
        let runner = ScriptRunner(interpreter: interpreter)
        return SignalHandling.runCommand { runner.interpreter.run(source, file: file) }
      },
      say: { print($0) })
    fflush(stdout)
    if status != 0 { throw ExitCode(status) }
  }
}
