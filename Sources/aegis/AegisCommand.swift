// The command line (swift-argument-parser). `aegis` alone, `aegis FILE`, `-e` and `-i` go to the
// default subcommand (StartCommand); `run`, `bench` and `docs` are subcommands of their own.

import ArgumentParser

/// `aegis`: the root command.
struct AegisCommand: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "aegis",
    abstract: "A scripting REPL for adversarial robustness and self-supervised pretraining.",
    usage: """
      aegis                          start the REPL (piped input runs as a script)
      aegis FILE [ARGS...]           run a script; ARGS become the list `args`
      aegis -e CODE [-i] [ARGS...]   run CODE (-i: then stay in the REPL)
      aegis -i FILE [ARGS...]        run a script, then stay in the REPL
      aegis <subcommand>
      """,
    discussion: "Exit codes: 0 ok, 64 usage, 65 syntax error, 70 runtime error, 130 interrupted.",
    version: version,
    subcommands: subcommands,
    defaultSubcommand: StartCommand.self
  )

  /// Every subcommand, in help order. New ones (e.g. `notebook`, from AegisNotebook) are one
  /// file with a `ParsableCommand` plus one entry here.
  static var subcommands: [ParsableCommand.Type] {
    [StartCommand.self, RunCommand.self, BenchCommand.self, DocsCommand.self, NotebookCommand.self,
     KernelCommand.self, CellCommand.self, GridCommand.self]
  }
}
