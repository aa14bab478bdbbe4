// The interactive loop (th / Julia style): read a complete input (continuation prompt while the
// parser says it is incomplete), save it to history, run it with Ctrl-C wired to cancellation,
// auto-print its value, show errors with their caret, and print the wall time of slow commands.

import AegisLang
import Foundation

/// The read-eval-print loop.
final class REPL {
  static let prompt = "aegis> "
  static let continuationPrompt = "  ...> "
  /// Commands slower than this print their wall time.
  static let timingThreshold = 1.0
  static let exitWords: Set<String> = ["exit", "quit", "exit()", "quit()"]

  let interpreter: Interpreter
  private let editor = LineEditor()
  private var history: HistoryFile

  init(interpreter: Interpreter, historyPath: String? = HistoryFile.defaultPath()) {
    self.interpreter = interpreter
    history = HistoryFile(path: historyPath)
    Completer.interpreter = interpreter
  }

  /// Runs until `exit`, `quit` or Ctrl-D; returns the exit code (0).
  func run() -> Int32 {
    Terminal.out(Self.banner)
    SignalHandling.busy.store(false, ordering: .sequentiallyConsistent)
    while let input = readInput() {
      if Self.exitWords.contains(input.trimmingCharacters(in: .whitespaces)) { break }
      history.add(input)
      execute(input)
    }
    return 0
  }

  static var banner: String {
    """
    Aegis \(AegisCommand.version): adversarial robustness at the prompt.
      help          the language and its builtins
      help NAME     one builtin, keyword or variable
      apropos WORD  search names and descriptions
    Tab completes, Ctrl-R searches history, Ctrl-C stops a command, Ctrl-D or exit quits.

    """
  }

  // MARK: - Reading

  /// One complete input (possibly several lines), or nil at end of input. An empty line or
  /// Ctrl-C at the continuation prompt drops the unfinished input (it stays in history).
  func readInput() -> String? {
    var lines: [String] = []
    while true {
      Completer.previousLines = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
      let event = editor.readLine(prompt: lines.isEmpty ? Self.prompt : Self.continuationPrompt)
      switch event {
      case .endOfInput:
        return nil
      case .interrupted:
        history.add(lines.joined(separator: "\n"))
        lines = []
      case .line(let line) where !lines.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty:
        history.add(lines.joined(separator: "\n"))
        lines = []
      case .line(let line):
        lines.append(line)
        let source = lines.joined(separator: "\n")
        if !interpreter.isIncomplete(source) { return source }
      }
    }
  }

  // MARK: - Running

  /// Runs one input and prints its value, errors and (if slow) its wall time.
  func execute(_ input: String) {
    guard !input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
    if let size = Terminal.size() { PlotSettings.terminalSize = Self.plotSize(forTerminal: size) }
    let start = Terminal.now()
    let result = SignalHandling.runCommand { interpreter.runREPL(input) }
    let elapsed = Terminal.now() - start
    ProgressDisplay.finishLine?()
    if let value = result.value { Terminal.out(interpreter.display(value) + "\n") }
    ScriptRunner(interpreter: interpreter).report(result)
    if elapsed >= Self.timingThreshold { Terminal.out(Terminal.dim("(\(Self.duration(elapsed)))") + "\n") }
    fflush(stdout)
  }

  /// `3.2 s` below a minute, `m:ss` above.
  static func duration(_ seconds: Double) -> String {
    seconds < 60 ? String(format: "%.1f s", seconds) : ProgressDisplay.clock(seconds)
  }

  /// Inline plots: the window's width (at most 120 columns) and at most 24 lines.
  static func plotSize(forTerminal size: (columns: Int, lines: Int)) -> (width: Int, height: Int) {
    (width: max(40, min(size.columns - 1, 120)), height: max(12, min(size.lines - 1, 24)))
  }
}
