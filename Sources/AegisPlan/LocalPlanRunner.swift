// `aegis grid run DIR --workers N`: runs a plan's unfinished cells as N child processes
// (`aegis cell DIR ID`, output appended to logs/ID.log), starting a cell once its dependencies
// are done. It keeps no state of its own: after Ctrl-C, kill -9, a reboot or in a new session
// it reads the directory again and runs only what is not done (cells still running elsewhere
// are waited for; stale locks of dead processes are taken over by the cell itself).

import AegisTensor
import Foundation

/// What happened while a runner ran.
public enum PlanEvent {
  case started(String)
  case finished(String, seconds: Double)
  case failed(String, status: Int32, log: String)
  /// A periodic snapshot (for a status line).
  case tick(PlanSnapshot)
  /// A drain request arrived: no new cell starts; these are left to finish.
  case draining(running: [String])
}

/// The outcome of a local run.
public struct PlanRunSummary {
  public var ran = 0, failed = 0
  public var interrupted = false
  /// `aegis grid drain` asked it to start no new cell; it stopped once its cells had finished.
  public var drained = false
  public var snapshot: PlanSnapshot?
  public var complete: Bool { snapshot?.isComplete == true }
}

/// Runs a plan locally with N worker processes.
public final class LocalPlanRunner {
  public let plan: PlanDirectory
  /// The `aegis` executable the cells run with.
  public let executable: String
  public let workers: Int
  /// Called from the runner's thread.
  public var onEvent: ((PlanEvent) -> Void)?
  /// Seconds between checks of our children and of Ctrl-C.
  public var pollInterval = 0.2
  /// Seconds between full reads of the plan directory while none of our cells ends (to see
  /// cells that finish in other processes). A snapshot reads every cell, result and lock file:
  /// at every poll, on a 220-cell plan, that took 12–17 % of a core from the cells it supervises.
  public var rescanInterval = 5.0

  private var children: [String: (process: Process, start: Date)] = [:]
  private var failedThisRun: Set<String> = []

  public init(plan: PlanDirectory, executable: String, workers: Int) throws {
    guard workers >= 1 else { throw PlanError("--workers must be at least 1, got \(workers)") }
    guard FileManager.default.isExecutableFile(atPath: executable) else {
      throw PlanError("cannot run cells: \(executable) is not an executable (set AEGIS_BINARY to the aegis binary)")
    }
    self.plan = plan
    self.executable = executable
    self.workers = workers
  }

  /// Runs until every cell is done, or nothing more can run (failures, interruption).
  public func run() throws -> PlanRunSummary {
    var summary = PlanRunSummary()
    var lastTick = Date.distantPast, lastScan = Date.distantPast
    var snapshot = try PlanSnapshot(plan)
    let start = Date()
    var drain: DrainRequest?
    while true {
      if reap(&summary) || Date().timeIntervalSince(lastScan) >= rescanInterval {
        snapshot = try PlanSnapshot(plan)
        lastScan = Date()
        // Read with the directory, not at every poll: a stale request would be decoded 5×/s.
        if drain == nil, let request = plan.drainRequest(forRunnerStartedAt: start) {
          drain = request
          onEvent?(.draining(running: children.keys.sorted()))
        }
      }
      summary.snapshot = snapshot
      if Date().timeIntervalSince(lastTick) > 1 { onEvent?(.tick(snapshot)); lastTick = Date() }
      if Cancellation.isRequested {
        summary.interrupted = true
        stopChildren()
        reap(&summary)
        summary.snapshot = try PlanSnapshot(plan)
        return summary
      }
      if let request = drain {
        guard children.isEmpty else { Thread.sleep(forTimeInterval: pollInterval); continue }
        plan.clearDrain(request)
        summary.drained = true
        summary.snapshot = try PlanSnapshot(plan)
        return summary
      }
      // A cell that failed in an earlier run is tried again (once per run).
      let ready = snapshot.cells.filter { cell in
        let state = snapshot.states[cell.id]
        let startable = state == .ready || (state == .failed && cell.dependencies.allSatisfy { snapshot.states[$0] == .done })
        return startable && children[cell.id] == nil && !failedThisRun.contains(cell.id)
      }
      // `workers` counts every cell running on this machine, ours or not (a cell started by
      // hand, or left running by a runner that was killed): two cells on cores meant for one
      // make both slower.
      let slots = workers - children.count - runningHereElsewhere(snapshot)
      for cell in ready.prefix(max(0, slots)) { try launch(cell.id) }
      // Nothing of ours runs and nothing can start: cells running elsewhere are waited for.
      if children.isEmpty && ready.isEmpty && snapshot.count(.running) == 0 { return summary }
      Thread.sleep(forTimeInterval: pollInterval)
    }
  }

  private func launch(_ id: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["cell", plan.path, id]
    let logPath = plan.logPath(id)
    if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
    guard let log = FileHandle(forWritingAtPath: logPath) else { throw PlanError("cannot open \(logPath)") }
    log.seekToEndOfFile()
    process.standardOutput = log
    process.standardError = log
    process.standardInput = FileHandle.nullDevice
    try process.run()
    try? log.close()
    children[id] = (process, Date())
    onEvent?(.started(id))
  }

  /// Cells of this plan held by live processes on this machine that are not our children
  /// (the snapshot's owners are live, so a same-host owner is of this boot too).
  private func runningHereElsewhere(_ snapshot: PlanSnapshot) -> Int {
    snapshot.owners.filter { id, owner in children[id] == nil && owner.isOnThisHost }.count
  }

  /// Collects finished children; true if any ended.
  @discardableResult
  private func reap(_ summary: inout PlanRunSummary) -> Bool {
    var ended = false
    for (id, child) in children where !child.process.isRunning {
      children[id] = nil
      ended = true
      let status = child.process.terminationStatus
      if status == 0 && plan.isDone(id) {
        summary.ran += 1
        onEvent?(.finished(id, seconds: Date().timeIntervalSince(child.start)))
      } else if status == CellExit.heldElsewhere {
        continue  // another process holds it: it shows as running until it finishes
      } else if Cancellation.isRequested && status == CellExit.interrupted {
        continue
      } else {
        summary.failed += 1
        failedThisRun.insert(id)
        onEvent?(.failed(id, status: status, log: plan.logPath(id)))
      }
    }
    return ended
  }

  /// Ctrl-C: ask every cell to stop (they leave no result and release their locks), then wait.
  private func stopChildren() {
    for child in children.values where child.process.isRunning { kill(child.process.processIdentifier, SIGINT) }
    let deadline = Date().addingTimeInterval(30)
    while children.values.contains(where: { $0.process.isRunning }) && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    for child in children.values where child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
  }
}

/// Exit codes of `aegis cell`.
public enum CellExit {
  public static let done: Int32 = 0
  public static let failed: Int32 = 70
  /// Another live process holds the cell's lock.
  public static let heldElsewhere: Int32 = 75
  public static let interrupted: Int32 = 130
}

extension PlanEvent {
  /// One log line for the event (nil for ticks).
  public var line: String? {
    switch self {
    case .started(let id): return "started  \(id)"
    case .finished(let id, let seconds): return "done     \(id) (\(formatDuration(seconds)))"
    case .failed(let id, let status, let log): return "FAILED   \(id) (exit \(status)); see \(log)"
    case .draining(let running):
      return "draining: no new cell starts" + (running.isEmpty ? "" : "; waiting for \(running.joined(separator: ", ")) to finish")
    case .tick: return nil
    }
  }
}

/// The `aegis` binary cells run with.
public enum PlanExecutable {
  /// $AEGIS_BINARY, else this process when it is `aegis`.
  public static func locate() throws -> String {
    if let path = ProcessInfo.processInfo.environment["AEGIS_BINARY"], !path.isEmpty { return path }
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    guard URL(fileURLWithPath: me).lastPathComponent == "aegis" else {
      throw PlanError("cannot find the aegis binary to run cells with: set AEGIS_BINARY=/path/to/aegis")
    }
    return me
  }
}
