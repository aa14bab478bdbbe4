// `aegis grid run|drain|submit|status|collect DIR`: drive a plan directory written by
// `grid(..., plan: DIR)`. The logic lives in AegisPlan; this file parses options and prints.

import AegisLang
import AegisNN
import AegisPlan
import AegisRobust
import AegisSSL
import ArgumentParser
import Foundation

/// `aegis grid`.
struct GridCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grid", abstract: "Run, submit, watch and collect plans (see docs/cluster.md).",
    subcommands: [GridRunCommand.self, GridDrainCommand.self, GridSubmitCommand.self, GridStatusCommand.self,
                  GridCollectCommand.self])
}

/// `aegis grid run DIR --workers N`.
struct GridRunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run the unfinished cells locally with N worker processes (resumable).")

  @ArgumentParser.Argument(help: "The plan directory.") var directory: String
  @Option(help: "Cells of the plan running at once on this machine (cells started by hand count).") var workers = 1

  func run() throws {
    SignalHandling.install()
    let plan = try PlanDirectory.open(directory)
    let runner = try LocalPlanRunner(plan: plan, executable: try PlanExecutable.locate(), workers: workers)
    let start = Date()
    let tty = Terminal.stdoutIsTTY
    let total = try plan.manifest().cells.count
    runner.onEvent = { event in
      if case .tick(let s) = event {
        guard tty else { return }
        let e = s.estimate(workers: workers)
        let eta = s.isComplete || e.isUnknown ? "" : " · ETA " + e.text(formatDuration, listing: false)
        print("\r\u{1B}[K[\(s.count(.done))/\(total)] \(s.summary)\(eta)", terminator: "")
        fflush(stdout)
        return
      }
      if let line = event.line { print((tty ? "\r\u{1B}[K" : "") + "\(Timestamp.now()) " + line) }
    }
    let summary = SignalHandling.runCommand { Result { try runner.run() } }
    let result = try summary.get()
    if tty { print("\r\u{1B}[K", terminator: "") }
    let state = result.snapshot?.summary ?? ""
    print("plan \(directory): \(state); ran \(result.ran) cells in \(formatDuration(Date().timeIntervalSince(start)))")
    if result.drained {
      print("drained: the running cells finished and no new one started; `aegis grid run \(directory)` resumes")
      return
    }
    if result.interrupted {
      print("interrupted: finished cells are kept; `aegis grid run \(directory)` resumes")
      throw ExitCode(130)
    }
    if result.failed > 0 || !result.complete { throw ExitCode(70) }
  }
}

/// `aegis grid drain DIR`.
struct GridDrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drain",
    abstract: "Ask the plan's running `grid run` processes to start no new cell and exit when their cells have finished.",
    discussion: "Unlike Ctrl-C, the running cells finish and keep their results. Runners started later are not affected.")

  @ArgumentParser.Argument(help: "The plan directory.") var directory: String

  func run() throws {
    let plan = try PlanDirectory.open(directory)
    try plan.requestDrain()
    let s = try PlanSnapshot(plan)
    let running = s.cells.filter { s.states[$0.id] == .running }.map(\.id)
    print(running.isEmpty ? "plan \(directory): drain requested; no cell is running"
                          : "plan \(directory): drain requested; still running (left to finish): \(running.joined(separator: ", "))")
  }
}

/// `aegis grid submit DIR --slurm ...`.
struct GridSubmitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "submit", abstract: "Submit the unfinished cells as Slurm job arrays (one per stage, chained by afterok).")

  @ArgumentParser.Argument(help: "The plan directory (on a filesystem every node sees).") var directory: String
  @Flag(help: "Submit to Slurm (the only scheduler so far).") var slurm = false
  @Option(help: "sbatch --partition.") var partition: String?
  @Option(help: "sbatch --time (per cell), e.g. 02:00:00.") var time: String?
  @Option(name: .customLong("cpus-per-task"), help: "sbatch --cpus-per-task.") var cpusPerTask: Int?
  @Option(help: "sbatch --mem, e.g. 4G.") var mem: String?
  @Option(name: .customLong("max-parallel"), help: "At most K array tasks at once (--array=...%K).") var maxParallel: Int?

  func run() throws {
    guard slurm else { throw ValidationError("give --slurm (the scheduler to submit to)") }
    var options = SlurmOptions()
    options.partition = partition
    options.time = time
    options.cpusPerTask = cpusPerTask
    options.memory = mem
    options.maxParallel = maxParallel
    let plan = try PlanDirectory.open(directory)
    let submissions = try SlurmSubmitter(plan: plan, executable: try PlanExecutable.locate(), options: options).submit()
    if submissions.isEmpty { print("plan \(directory): nothing to submit (every cell is done or running)") }
    for s in submissions { print("stage \(s.stage): job \(s.jobID), \(s.cells.count) cells (\(s.script))") }
  }
}

/// `aegis grid status DIR`.
struct GridStatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "status", abstract: "Done / running / failed / waiting cells, with an ETA.")

  @ArgumentParser.Argument(help: "The plan directory.") var directory: String
  @Option(help: "Workers assumed for the ETA.") var workers = 1
  @Flag(help: "List every cell.") var all = false

  func run() throws {
    let plan = try PlanDirectory.open(directory)
    let s = try PlanSnapshot(plan)
    print("plan \(directory): \(s.cells.count) cells: \(s.summary)")
    if let drain = plan.drainRequest(forRunnerStartedAt: .distantPast) {
      print("drain requested \(drain.requested) on \(drain.host): runners started before it start no new cell")
    }
    let estimate = s.estimate(workers: workers)
    if !s.isComplete && !estimate.isUnknown {
      print("ETA \(estimate.text(formatDuration)) at \(workers) worker(s), from the finished cells' times")
    }
    for cell in s.cells {
      let state = s.states[cell.id] ?? .waiting
      var line = "  " + state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + cell.id
      let saved = state == .running || state == .ready ? savedProgress(plan, cell.id) : nil
      switch state {
      case .running:
        if let o = s.owners[cell.id] { line += "  pid \(o.pid) on \(o.host), \(formatDuration(Date().timeIntervalSince1970 - o.startedAt))" }
        if let saved { line += ", " + saved }
      case .ready where saved != nil: line += "  continues after " + saved!
      case .failed: line += "  " + (plan.failure(cell.id)?.message.split(separator: "\n").first.map(String.init) ?? "") + "  (\(plan.logPath(cell.id)))"
      case .done: if !all { continue }; line += "  " + formatDuration(s.results[cell.id]?.seconds ?? 0)
      default: if !all { continue }
      }
      print(line)
    }
  }

  /// "epoch K of N saved" when an unfinished fine-tuning left its state in progress/ID, "attack K
  /// of N (C candidates) saved" for an unfinished evaluation.
  func savedProgress(_ plan: PlanDirectory, _ id: String) -> String? {
    if let snapshot = try? TrainingSnapshot.read(plan.progressPath(id)) {
      return "epoch \(snapshot.epochsDone) of \(snapshot.run["epochs"] ?? "?") saved"
    }
    guard let evaluation = try? EvaluationProgress.read(plan.evaluationProgressPath(id)) else { return nil }
    let attacks = evaluation.run["attacks"]?.components(separatedBy: " | ").count ?? 0
    return "\(evaluation.finished.count) of \(attacks) attacks and \(evaluation.candidatesDone) candidates of the next saved"
  }
}

/// `aegis grid collect DIR`.
struct GridCollectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "collect", abstract: "Print the table of the finished cells and write CSV/JSON (and the scatter plot) next to them.")

  @ArgumentParser.Argument(help: "The plan directory.") var directory: String
  @Option(help: "Where to write grid.csv, grid-summary.csv, grid.json, grid-scatter.png (default DIR/collected).") var out: String?
  @Flag(help: "Skip the scatter plot (needs gnuplot).") var noPlot = false

  func run() throws {
    let plan = try PlanDirectory.open(directory)
    let table = try plan.collect()
    print(table.table())
    let dir = out ?? directory + "/collected"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try plan.writeText(table.csv(), to: dir + "/grid.csv")
    try plan.writeText(table.summaryCSV(), to: dir + "/grid-summary.csv")
    try plan.writeText(try table.json(), to: dir + "/grid.json")
    var written = ["grid.csv", "grid-summary.csv", "grid.json"]
    if !noPlot && !table.cells.isEmpty {
      // The same `plot t` a script uses, so the figure matches grid's.
      let interpreter = Interpreter(output: { _ in })
      interpreter.globals.define("t", .object(GridTableObject(table)))
      if interpreter.run("plot t to: \"\(dir)/grid-scatter.png\"", file: "<collect>").succeeded { written.append("grid-scatter.png") }
    }
    print("wrote \(written.joined(separator: ", ")) to \(dir)")
  }
}

/// UTC time of day for runner logs.
enum Timestamp {
  static func now() -> String {
    let f = DateFormatter()
    f.dateFormat = "HH:mm:ss"
    f.timeZone = TimeZone(identifier: "UTC")
    return f.string(from: Date())
  }
}
