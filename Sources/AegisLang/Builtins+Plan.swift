// Plans from the language: `grid(..., plan: "dir")` writes a plan (and, inside `aegis cell`,
// runs just that cell), `run_plan(p, workers: 2)` runs it with worker processes, `collect(dir)`
// reads the finished cells back as the grid's Table (marked partial while cells are missing).

import AegisData
import AegisNN
import AegisPlan
import AegisSSL
import AegisTensor
import Foundation

/// Registers the plan family.
public func registerPlanBuiltins(into registry: BuiltinRegistry) {
  registry.register([planBuiltin, runPlanBuiltin, collectBuiltin])
}

/// A plan directory value.
public final class PlanObject: AegisObject {
  public let plan: PlanDirectory
  public init(_ plan: PlanDirectory) { self.plan = plan }
  public var typeName: String { "Plan" }
  public var summary: String {
    guard let snapshot = try? PlanSnapshot(plan) else { return "Plan \(plan.path)" }
    return "Plan \(plan.path): \(snapshot.cells.count) cells (\(snapshot.summary))"
  }
  public func describe() -> String {
    summary + "\nrun it: run_plan(p, workers: 2), or `aegis grid run \(plan.path) --workers 2`, or `aegis grid submit \(plan.path) --slurm`"
  }
  public var memberNames: [String] { ["dir", "cells", "done"] }
  public func member(_ name: String) throws -> Value? {
    switch name {
    case "dir": return .string(plan.path)
    case "cells": return .number(Double((try? plan.manifest().cells.count) ?? 0))
    case "done": return .number(Double((try? PlanSnapshot(plan).count(.done)) ?? 0))
    default: return nil
    }
  }
}

/// The plan side of `grid`: nil when the grid should run as usual.
func gridPlan(_ grid: PaperGrid, train: Dataset, test: Dataset, _ args: BoundArguments, _ interp: Interpreter) throws -> Value? {
  if let session = PlanSession.cell {
    let (plan, id) = (session.plan, session.id)
    do {
      var runner = try PlanCellRunner(grid: grid, plan: plan, train: train, test: test)
      runner.log = interp.output
      let result = try runner.run(id, progress: ProgressDisplay.callback(label: id, output: interp.output))
      ProgressDisplay.finishLine?()
      if let row = result.cell {
        interp.output(String(format: "cell %@: SA %.2f%%  RA %.2f%%", id, row.standardAccuracy * 100, row.robustAccuracy * 100))
      }
      interp.output("cell \(id): done in \(formatDuration(result.seconds))")
    } catch is CancelledError {
      throw LangError("interrupted", kind: .interrupted)
    } catch is TrainingInterrupted {
      // Ctrl-C mid-training: not a failure, the cell just runs again later.
      throw LangError("interrupted", kind: .interrupted)
    } catch let e as PlanError { throw args.error(e.description) } catch let e as SSLError { throw args.error(e.description) }
    PlanSession.finished = true
    // Ends the script: nothing after grid(...) belongs to the cell.
    throw LangError("cell finished", kind: .interrupted)
  }
  guard let dir = try args.optionalString("plan") else { return nil }
  let file = args.location?.file ?? "<repl>"
  guard let source = FileManager.default.contents(atPath: file) else {
    throw args.error("plan: a plan re-runs its script in every cell, so write it from a script file (aegis run FILE), not from \(file)")
  }
  let arguments = scriptArguments(interp)
  let plan = try planError(args) {
    try PlanWriter.write(grid: grid, train: train, test: test, to: dir, scriptPath: file,
                         scriptSource: String(decoding: source, as: UTF8.self), arguments: arguments)
  }
  let object = PlanObject(plan)
  interp.output("grid: wrote \(grid.planCells().count) cells to \(dir)")
  return .object(object)
}

private func planError<T>(_ args: BoundArguments, _ body: () throws -> T) throws -> T {
  do { return try body() } catch let e as PlanError { throw args.error(e.description) } catch let e as SSLError { throw args.error(e.description) }
}

private func planDirectory(_ value: Value, _ args: BoundArguments) throws -> PlanDirectory {
  if case .object(let p as PlanObject) = value { return p.plan }
  guard case .string(let path) = value else { throw args.error("give a Plan (from grid(..., plan: dir)) or a plan directory path") }
  return try planError(args) { try PlanDirectory.open(path) }
}

private let runPlanBuiltin = Builtin(
  name: "run_plan", category: "ssl",
  summary: "Run a plan's unfinished cells with worker processes (resumable); returns the collected Table.",
  details: "Each cell runs as `aegis cell DIR ID` (needs the aegis binary: this process, or $AEGIS_BINARY), after its dependencies. Cells already done are skipped, so calling it again after Ctrl-C or a crash only runs what is missing. Same as `aegis grid run DIR --workers N`.",
  parameters: [Parameter("plan", .any, doc: "a Plan or a plan directory"),
               Parameter("workers", .int, default: .number(1), doc: "cells run at once")],
  returns: "Table", example: "t = run_plan(p, workers: 2)", paperReference: nil, exampleNeedsFiles: true
) { args, interp in
  let plan = try planDirectory(args["plan"], args)
  let runner = try planError(args) { try LocalPlanRunner(plan: plan, executable: try PlanExecutable.locate(), workers: try args.int("workers")) }
  runner.onEvent = { event in if let line = event.line { interp.output(line) } }
  let summary = try planError(args) { try runner.run() }
  if summary.interrupted { throw LangError("interrupted (finished cells are kept; run_plan again resumes)", kind: .interrupted) }
  if let s = summary.snapshot { interp.output("plan: \(s.summary)") }
  return .object(GridTableObject(try planError(args) { try plan.collect() }))
}

private let collectBuiltin = Builtin(
  name: "collect", category: "ssl",
  summary: "The Table of a plan's finished cells (the same Table grid returns; marked partial while cells are missing).",
  details: "For a general plan (from `plan`) it is the list of [arguments, value] of the finished runs, in plan order.",
  parameters: [Parameter("plan", .any, doc: "a Plan or a plan directory")],
  returns: "Table, or a list for a general plan", example: "t = collect(\"out/plan\")", paperReference: nil, exampleNeedsFiles: true
) { args, _ in
  let plan = try planDirectory(args["plan"], args)
  let cells = try planError(args) { try plan.cells() }
  guard cells.first?.kind == .run else { return .object(GridTableObject(try planError(args) { try plan.collect() })) }
  return .list(try cells.compactMap { cell -> Value? in
    guard let r = try planError(args, { try plan.result(cell.id) }) else { return nil }
    return .list([.list(runArguments(cell)), r.value.map { .number($0) } ?? .string(r.text ?? "")])
  })
}

private let planBuiltin = Builtin(
  name: "plan", category: "ssl",
  summary: "A general plan: one cell per entry of `runs`, each a call of `fn` with that entry's arguments; nothing runs yet.",
  details: "Writes the cells to `dir` (like grid(..., plan:)). Inside `aegis cell DIR ID` the call runs just that cell's `fn(args...)` and records what it returns (a number, or its printed form), then ends the script. Run with run_plan or `aegis grid run/submit`; read with collect(dir). Everything `fn` uses must be defined before the plan call, and every random thing in it should take a seed from its arguments.",
  parameters: [Parameter("dir", .string, doc: "the plan directory"),
               Parameter("runs", .list, doc: "one entry per run: the list of fn's arguments (a non-list is its only argument)"),
               Parameter("fn", .callable, doc: "the function each cell calls")],
  returns: "Plan", example: "p = plan(\"out/sweep\", [[0, 0.1], [1, 0.1]], train_one)", paperReference: nil, exampleNeedsFiles: true
) { args, interp in
  let runs = try args.list("runs").map { v -> [Value] in if case .list(let items) = v { return items } else { return [v] } }
  guard !runs.isEmpty else { throw args.error("plan: give at least one run") }
  let function = args["fn"]
  if let session = PlanSession.cell {
    let (plan, id) = (session.plan, session.id)
    let manifest = try planError(args) { try plan.manifest() }
    guard let index = manifest.cells.firstIndex(of: id), index < runs.count else {
      throw args.error("plan: cell \(id) is not one of this script's \(runs.count) runs (did the script change? write the plan again)")
    }
    let start = Date()
    let value = try interp.call(function, arguments: runs[index])
    var result = PlanResult(id: id, kind: .run, cell: nil, seconds: Date().timeIntervalSince(start), checkpoint: nil)
    if case .number(let n) = value { result.value = n } else { result.text = value.shortDescription }
    try planError(args) { try plan.write(result, to: plan.resultPath(id)) }
    interp.output("cell \(id): \(value.shortDescription) in \(formatDuration(result.seconds))")
    PlanSession.finished = true
    throw LangError("cell finished", kind: .interrupted)
  }
  let cells = runs.enumerated().map { i, run -> PlanCell in
    var settings = ["function": function.shortDescription]
    for (k, a) in run.enumerated() { settings["arg\(k)"] = a.shortDescription }
    return PlanCell(id: String(format: "run-%03d", i), kind: .run, stage: 0, row: "run", task: "", pretraining: "",
                    finetuning: nil, seed: 0, dependencies: [], settings: settings)
  }
  let file = args.location?.file ?? "<repl>"
  guard let source = FileManager.default.contents(atPath: file) else {
    throw args.error("plan: a plan re-runs its script in every cell, so write it from a script file (aegis run FILE), not from \(file)")
  }
  let plan = try planError(args) {
    try PlanWriter.write(cells: cells, settings: ["function": function.shortDescription, "runs": String(runs.count)], to: try args.string("dir"),
                         scriptPath: file, scriptSource: String(decoding: source, as: UTF8.self), arguments: scriptArguments(interp))
  }
  interp.output("plan: wrote \(runs.count) cells to \(plan.path)")
  return .object(PlanObject(plan))
}

/// A run's arguments back as values (numbers where they print as numbers).
private func runArguments(_ cell: PlanCell) -> [Value] {
  (0..<cell.settings.count).compactMap { cell.settings["arg\($0)"] }.map { s in Double(s).map { .number($0) } ?? .string(s) }
}

/// The script's `args`, as strings.
func scriptArguments(_ interp: Interpreter) -> [String] {
  interp.globals.lookup("args").flatMap { v -> [String]? in
    guard case .list(let items) = v else { return nil }
    return items.map { if case .string(let s) = $0 { return s } else { return $0.shortDescription } }
  } ?? []
}
