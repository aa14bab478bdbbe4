// Running non-interactive source: a file, `-e` code or piped stdin. All of it goes through
// `Interpreter.run`, which parses everything first: a script with syntax errors reports every
// one of them and runs nothing. Errors go to stderr as `file:line:col`, source line, caret.

import AegisLang
import Foundation

/// Runs scripts in one interpreter (shared with the REPL after `-i`).
struct ScriptRunner {
  let interpreter: Interpreter

  /// A fresh interpreter with terminal-aware progress and plot size.
  static func makeInterpreter() -> Interpreter {
    ProgressBar.installIfTerminal()
    if let size = Terminal.size() { PlotSettings.terminalSize = REPL.plotSize(forTerminal: size) }
    return Interpreter()
  }

  /// Binds the script's command-line arguments to the list variable `args`.
  func bind(arguments: [String]) {
    interpreter.globals.define("args", .list(arguments.map { .string($0) }))
  }

  /// Runs the file at `path` (`-` = stdin); returns the exit code (0, 65, 70, 130; 64 if unreadable).
  func runFile(_ path: String) -> Int32 {
    if path == "-" { return runStandardInput() }
    guard let data = FileManager.default.contents(atPath: path) else {
      Terminal.err("aegis: cannot read \(path): \(Self.reason(path))")
      return 64
    }
    return run(String(decoding: data, as: UTF8.self), file: path)
  }

  /// Runs `source` as a script named `file`; a Ctrl-C stops it (exit 130).
  func run(_ source: String, file: String) -> Int32 {
    let result = SignalHandling.runCommand { interpreter.run(source, file: file) }
    fflush(stdout)
    report(result)
    return result.exitCode
  }

  /// Runs all of standard input as the script `<stdin>`.
  func runStandardInput() -> Int32 {
    let input = FileHandle.standardInput.readDataToEndOfFile()
    return run(String(decoding: input, as: UTF8.self), file: "<stdin>")
  }

  /// Prints a run's diagnostics (all syntax errors, or the one runtime error) to stderr.
  func report(_ result: RunResult) {
    ProgressDisplay.finishLine?()
    guard let first = result.diagnostics.first else { return }
    // The terminal echoed `^C` without a newline: write the message over it.
    if first.kind == .interrupted, Terminal.stdinIsTTY, isatty(STDERR_FILENO) == 1 {
      fflush(stdout)
      fputs("\r\u{1B}[K", stderr)
    }
    Terminal.err(interpreter.render(result.diagnostics, color: Terminal.stderrColor))
  }

  /// Why a path cannot be read, in words.
  static func reason(_ path: String) -> String {
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
    return isDirectory.boolValue ? "is a directory" : "permission denied"
  }
}
