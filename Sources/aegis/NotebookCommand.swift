// `aegis notebook FILE.md …`: runs a Markdown notebook and renders it (AegisNotebook does the
// work; this only passes the arguments through and installs Ctrl-C handling).

import AegisNotebook
import ArgumentParser

/// `aegis notebook`.
struct NotebookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "notebook", abstract: "Run a Markdown notebook and render FILE.out.md and FILE.html.",
    discussion: NotebookCommandLine.usage)

  @Argument(parsing: .captureForPassthrough, help: "FILE.md [--set name=value]… [--no-cache] [--list-cells] [--from N] [--out DIR]")
  var arguments: [String] = []

  func run() throws {
    SignalHandling.install()  // busy by default: Ctrl-C cancels the running cell
    let code = NotebookCommandLine.run(arguments: arguments)
    if code != 0 { throw ExitCode(code) }
  }
}
