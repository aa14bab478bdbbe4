// `aegis cell DIR ID` in the library: a done cell is a no-op; otherwise the cell claims its lock,
// re-runs the plan's copy of the script with its arguments in "cell mode" — where the script's
// `grid(...)` call runs only this cell (PlanCellRunner) and then ends the script — and leaves
// either its checkpoint + result, or an error record next to its log. Never both, never half.

import AegisPlan
import Foundation

/// Which cell this process runs, while it runs it.
public enum PlanSession {
  nonisolated(unsafe) public static var cell: (plan: PlanDirectory, id: String)?
  /// Set by the grid builtin when the cell's result is written.
  nonisolated(unsafe) public static var finished = false
}

/// Runs one cell of a plan as this process.
public enum PlanCellExecution {
  /// Returns the exit code (CellExit); `execute` runs the script (the executable wraps it with
  /// its Ctrl-C handling); `say` prints.
  public static func run(directory: String, id: String, makeInterpreter: () -> Interpreter,
                         execute: (Interpreter, String, String) -> RunResult, say: (String) -> Void) -> Int32 {
    do {
      let plan = try PlanDirectory.open(absolute(directory))
      let cell = try plan.cell(id)
      if plan.isDone(id) { say("cell \(id): done already (\(plan.resultPath(id)))"); return CellExit.done }
      for dependency in cell.dependencies where !plan.isDone(dependency) {
        say("cell \(id): needs \(dependency), which is not done")
        return CellExit.failed
      }
      guard try CellLock.claim(plan.lockPath(id)) else {
        let owner = CellLock.liveOwner(plan.lockPath(id))
        say("cell \(id): running elsewhere (pid \(owner?.pid ?? 0) on \(owner?.host ?? "?"))")
        return CellExit.heldElsewhere
      }
      defer { CellLock.release(plan.lockPath(id)) }
      try? FileManager.default.removeItem(atPath: plan.errorPath(id))
      return try runScript(plan, cell, makeInterpreter: makeInterpreter, execute: execute, say: say)
    } catch {
      say("cell \(id): \(error)")
      return CellExit.failed
    }
  }

  static func runScript(_ plan: PlanDirectory, _ cell: PlanCell, makeInterpreter: () -> Interpreter,
                        execute: (Interpreter, String, String) -> RunResult, say: (String) -> Void) throws -> Int32 {
    let manifest = try plan.manifest()
    guard let source = FileManager.default.contents(atPath: plan.scriptPath) else { throw PlanError("cannot read \(plan.scriptPath)") }
    if FileManager.default.fileExists(atPath: manifest.workingDirectory) {
      _ = FileManager.default.changeCurrentDirectoryPath(manifest.workingDirectory)
    }
    say("== cell \(cell.id) (\(cell.kind.rawValue), seed \(cell.seed)) on \(ProcessInfo.processInfo.hostName), pid \(getpid())")
    let interpreter = makeInterpreter()
    interpreter.globals.define("args", .list(manifest.arguments.map { .string($0) }))
    PlanSession.cell = (plan, cell.id)
    PlanSession.finished = false
    let result = execute(interpreter, String(decoding: source, as: UTF8.self), manifest.script)
    PlanSession.cell = nil
    if PlanSession.finished && plan.isDone(cell.id) { return CellExit.done }
    if result.diagnostics.first?.kind == .interrupted { say("cell \(cell.id): interrupted"); return CellExit.interrupted }
    let message = result.diagnostics.first.map { interpreter.render([$0], color: false) }
      ?? "the script ended without reaching grid(...): a plan's script must call grid with the same arguments"
    say(message)
    try plan.write(PlanFailure(id: cell.id, message: message, log: "logs/\(cell.id).log"), to: plan.errorPath(cell.id))
    return CellExit.failed
  }

  static func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }
}
