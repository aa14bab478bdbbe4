// The one workspace a notebook runs in: an interpreter whose printed output is captured per
// cell (and optionally echoed live), plus the plot collector. Runs one cell and turns the
// interpreter's result into a `CellOutput`.

import AegisLang
import Foundation

/// Runs cells, one after another, in a single interpreter.
final class NotebookSession {
  let interpreter: Interpreter
  let plots: PlotCollector
  private let name: String
  private var printed: [String] = []
  /// Receives printed lines as they appear (live console output), when set.
  var echo: ((String) -> Void)?

  /// A session for the notebook called `name`, writing plots into `plots.folder`.
  init(name: String, registry: BuiltinRegistry, plots: PlotCollector) {
    self.name = name
    self.plots = plots
    interpreter = Interpreter(registry: registry)
    interpreter.output = { [unowned self] text in
      self.printed.append(text)
      self.echo?(text)
    }
  }

  /// Runs `cell`; applies the `overrides` it is responsible for after it ran successfully.
  func run(_ cell: Cell, overrides: [ParameterOverride]) -> (output: CellOutput, result: RunResult) {
    printed = []
    plots.begin(cell)
    let clock = ContinuousClock()
    let start = clock.now
    let result = interpreter.run(cell.source, file: name, firstLine: cell.firstLine)
    let elapsed = start.duration(to: clock.now)
    if result.succeeded {
      for o in overrides {
        interpreter.globals.define(o.name, o.value)
        printed.append("\(o.assignment)   # --set")
        echo?("\(o.assignment)   # --set")
      }
    }
    let output = CellOutput(
      text: printed.joined(separator: "\n"),
      value: result.value.map(interpreter.display),
      error: result.succeeded ? nil : interpreter.render(result.diagnostics),
      plots: plots.finish(),
      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
      seed: interpreter.seedValue)
    return (output, result)
  }

  /// Variables a cell assigns at top level (`name = …`), for checking `--set` names.
  func assignedNames(_ cell: Cell) -> Set<String> {
    let parsed = interpreter.parse(cell.source, file: name, firstLine: cell.firstLine)
    return Set(parsed.statements.compactMap { statement in
      if case .assign(let target, _) = statement.kind { return target.identifierName }
      return nil
    })
  }

  /// Syntax errors of the cells that will run and do not expect errors, rendered.
  func syntaxErrors(_ cells: [Cell], notebook: Notebook) -> [String] {
    cells.filter { $0.options.eval && !$0.options.error }.flatMap { cell in
      interpreter.parse(cell.source, file: name, firstLine: cell.firstLine).errors.map { error in
        "cell \(cell.number): " + Diagnostic.render(error, sourceLine: error.location.flatMap { notebook.line($0.line) })
      }
    }
  }
}
