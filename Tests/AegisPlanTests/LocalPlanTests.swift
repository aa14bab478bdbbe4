// Plans run by the local runner: the same numbers as the in-process grid (bit for bit), and a
// run killed with SIGKILL mid-cell resumes in a new process without re-running finished cells,
// and a fine-tuning cell killed mid-run continues after its last saved epoch.

import AegisNN
import AegisPlan
import AegisTensor
import AegisSSL
import Foundation
import XCTest

final class LocalPlanTests: XCTestCase {
  /// 2 seeds × (P3 pretraining + 4 fine-tunings), run with 2 workers, equals the in-process grid.
  func testPlanWithTwoWorkersEqualsInProcessGrid() throws {
    try PlanFixture.requireData()
    let dir = try PlanFixture.temporaryDirectory("local")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let expected = try PlanFixture.inProcessCells(seeds: 2, in: dir)
    XCTAssertEqual(expected.count, 8)
    try PlanFixture.writePlan(seeds: 2, in: dir, plan: "plan")
    let plan = try PlanDirectory.open(dir + "/plan")
    XCTAssertEqual(try plan.manifest().cells.count, 10)
    XCTAssertEqual(try plan.collect().settings["partial"], "0 of 8 measured cells finished (aegis grid status \(dir)/plan)")
    let (status, output) = try PlanFixture.run(["grid", "run", "plan", "--workers", "2"], in: dir)
    XCTAssertEqual(status, 0, output)
    let collected = try plan.collect()
    XCTAssertNil(collected.settings["partial"])
    XCTAssertEqual(PlanFixture.measurements(collected.cells), PlanFixture.measurements(expected))
    // A done cell is a no-op.
    let before = try Data(contentsOf: URL(fileURLWithPath: plan.resultPath("s0-rotation-P3F4")))
    let (again, text) = try PlanFixture.run(["cell", "plan", "s0-rotation-P3F4"], in: dir)
    XCTAssertEqual(again, 0)
    XCTAssertTrue(text.contains("done already"), text)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: plan.resultPath("s0-rotation-P3F4"))), before)
    // collect prints the same table grid prints.
    let (collectStatus, table) = try PlanFixture.run(["grid", "collect", "plan", "--no-plot"], in: dir)
    XCTAssertEqual(collectStatus, 0, table)
    XCTAssertTrue(table.contains(GridTable(settings: collected.settings, cells: expected).table()), table)
  }

  /// A plan committed to git arrives in a clone without its empty folders (git keeps none, and
  /// locks/ is ignored): the first cell recreates them instead of failing on its lock.
  func testPlanClonedWithoutItsEmptyFoldersRuns() throws {
    try PlanFixture.requireData()
    let dir = try PlanFixture.temporaryDirectory("clone")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try PlanFixture.writePlan(seeds: 1, in: dir, plan: "plan")
    for sub in ["locks", "errors", "logs", "results", "checkpoints", "records", "slurm"] {
      try FileManager.default.removeItem(atPath: "\(dir)/plan/\(sub)")
    }
    let first = try PlanDirectory.open(dir + "/plan").manifest().cells[0]
    let (status, output) = try PlanFixture.run(["cell", "plan", first], in: dir)
    XCTAssertEqual(status, 0, output)
    let plan = try PlanDirectory.open(dir + "/plan")
    XCTAssertTrue(plan.isDone(first), output)
    // The result says what ran it: the CPU and a fingerprint of the executable.
    let result = try XCTUnwrap(try plan.result(first))
    XCTAssertTrue(result.machine?.contains(" cores") ?? false, result.machine ?? "nil")
    XCTAssertTrue(result.machine?.contains("layout \(ActivationLayout.preferred.rawValue)") ?? false, result.machine ?? "nil")
    XCTAssertEqual(result.executable, MachineFingerprint.executable(path: try PlanFixture.binary()))
    XCTAssertNotEqual(MachineFingerprint.executable(path: try PlanFixture.binary()), MachineFingerprint.executable(path: "/bin/sh"))
  }

  /// `--workers 1` with a cell already running on this machine (started by hand, or left by a
  /// killed runner): the runner waits for it instead of running a second cell beside it.
  func testWorkersCountCellsRunningOnThisMachine() throws {
    try PlanFixture.requireData()
    let dir = try PlanFixture.temporaryDirectory("busy")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try PlanFixture.writePlan(seeds: 1, in: dir, plan: "plan")
    let plan = try PlanDirectory.open(dir + "/plan")
    let ids = try plan.manifest().cells
    // A live process on this host holds the last cell (nothing depends on it).
    let holder = try ChildProcess("/bin/sleep", ["60"], output: "\(dir)/sleep.out")
    defer { kill(holder.pid, SIGKILL) }
    var owner = LockOwner.current()
    owner.pid = holder.pid
    owner.processStart = try XCTUnwrap(LockOwner.processStart(holder.pid))
    try JSONEncoder().encode(owner).write(to: URL(fileURLWithPath: plan.lockPath(ids.last!)))
    let runner = try PlanFixture.start(["grid", "run", "plan", "--workers", "1"], in: dir, tag: "runner")
    defer { runner.stop(SIGINT, grace: 10) }
    Thread.sleep(forTimeInterval: 3)
    XCTAssertTrue(runner.isRunning)
    XCTAssertEqual(ids.filter(plan.isDone), [], "the one worker slot is taken by the cell running beside it")
    kill(holder.pid, SIGKILL)
    XCTAssertTrue(runner.wait(timeout: 120), "the runner goes on once the slot is free")
    XCTAssertEqual(ids.filter(plan.isDone), ids, "every cell ran once the holder died (its lock is stale then)")
  }

  /// `grid drain` while a cell runs: that cell finishes and keeps its result, no cell starts
  /// after the request, the runner exits 0 and removes the request; an old request does not
  /// stop a runner started after it, which finishes the plan.
  func testDrainLetsRunningCellsFinishAndStartsNoNewOne() throws {
    try PlanFixture.requireData()
    let dir = try PlanFixture.temporaryDirectory("drain")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try PlanFixture.writePlan(seeds: 1, in: dir, plan: "plan")
    let plan = try PlanDirectory.open(dir + "/plan")
    let ids = try plan.manifest().cells
    let runner = try PlanFixture.start(["grid", "run", "plan", "--workers", "1"], in: dir, tag: "runner")
    var running: String?
    let deadline = Date().addingTimeInterval(120)
    while running == nil && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
      running = ids.first { !plan.isDone($0) && CellLock.liveOwner(plan.lockPath($0)) != nil }
    }
    guard let running else {
      runner.stop(SIGINT, grace: 10)
      return XCTFail("no cell started")
    }
    let (status, output) = try PlanFixture.run(["grid", "drain", "plan"], in: dir)
    XCTAssertEqual(status, 0, output)
    XCTAssertTrue(output.contains("drain requested"), output)
    XCTAssertTrue(runner.wait(timeout: 120), "the runner exits once its cell has finished")
    let log = (try? String(contentsOfFile: dir + "/runner.out", encoding: .utf8)) ?? ""
    XCTAssertEqual(runner.status, 0, log)
    XCTAssertTrue(plan.isDone(running), "the cell running at the request finished: \(log)")
    let lines = log.split(separator: "\n").map(String.init)
    let drainLine = try XCTUnwrap(lines.firstIndex { $0.contains("draining: no new cell starts") }, log)
    XCTAssertFalse(lines[drainLine...].contains { $0.contains(" started  ") }, "nothing started after the request: \(log)")
    XCTAssertTrue(log.contains("drained:"), log)
    XCTAssertLessThan(ids.filter(plan.isDone).count, ids.count, "cells are left for the next run")
    XCTAssertFalse(FileManager.default.fileExists(atPath: plan.drainPath), "the request is removed once drained")

    try plan.requestDrain()  // stale for any runner started from now on
    let (_, statusOutput) = try PlanFixture.run(["grid", "status", "plan"], in: dir)
    XCTAssertTrue(statusOutput.contains("drain requested"), statusOutput)
    Thread.sleep(forTimeInterval: 0.01)
    let (again, rest) = try PlanFixture.run(["grid", "run", "plan", "--workers", "2"], in: dir)
    XCTAssertEqual(again, 0, rest)
    XCTAssertEqual(ids.filter(plan.isDone), ids, "a request older than the runner does not stop it: \(rest)")
  }

  /// kill -9 of the runner and of its worker in the middle of a cell; a new runner finishes.
  func testKilledWorkerResumesWithoutRerunningFinishedCells() throws {
    try PlanFixture.requireData()
    let dir = try PlanFixture.temporaryDirectory("kill")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try PlanFixture.writePlan(seeds: 1, in: dir, plan: "plan")
    let plan = try PlanDirectory.open(dir + "/plan")
    let ids = try plan.manifest().cells
    let runner = try PlanFixture.start(["grid", "run", "plan", "--workers", "1"], in: dir, tag: "runner")
    // Wait for two finished cells and a third one running.
    var victim: (id: String, owner: LockOwner)?
    let deadline = Date().addingTimeInterval(120)
    while victim == nil && Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
      guard ids.filter(plan.isDone).count >= 2 else { continue }
      for id in ids where !plan.isDone(id) {
        if let owner = CellLock.liveOwner(plan.lockPath(id)), owner.pid > 0 { victim = (id, owner) }
      }
    }
    guard let victim else {
      runner.stop(SIGINT, grace: 10)
      return XCTFail("no cell was running after two finished")
    }
    kill(runner.pid, SIGKILL)
    kill(victim.owner.pid, SIGKILL)
    XCTAssertTrue(PlanFixture.waitUntil(timeout: 10) { !runner.isRunning }, "the runner died")
    XCTAssertTrue(PlanFixture.waitUntil(timeout: 10) { PlanFixture.isGone(victim.owner.pid) }, "the worker died")
    XCTAssertFalse(plan.isDone(victim.id), "killed mid-cell: no result")
    XCTAssertTrue(FileManager.default.fileExists(atPath: plan.lockPath(victim.id)), "the dead worker's lock is left behind")
    XCTAssertEqual(try PlanSnapshot(plan).states[victim.id], .ready, "a dead pid's lock is stale")
    let finished = ids.filter(plan.isDone)
    let kept = try finished.map { try Data(contentsOf: URL(fileURLWithPath: plan.resultPath($0))) }

    let (status, output) = try PlanFixture.run(["grid", "run", "plan", "--workers", "2"], in: dir)
    XCTAssertEqual(status, 0, output)
    XCTAssertEqual(ids.filter(plan.isDone), ids, "every cell finished")
    // Ids at line ends ("TIME started  ID"): "started  s0-rotation-P3" is a prefix of "started  s0-rotation-P3F1".
    let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    func started(_ id: String) -> Bool { lines.contains { $0.hasSuffix("started  \(id)") } }
    for (id, data) in zip(finished, kept) {
      XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: plan.resultPath(id))), data, "\(id) was not run again")
      XCTAssertFalse(started(id), "\(id) was not started again")
    }
    XCTAssertTrue(started(victim.id), output)
    XCTAssertEqual(try plan.collect().cells.count, 4)
  }

  /// A fine-tuning cell killed with SIGKILL after some epochs continues from progress/ID in the
  /// next attempt, runs only the remaining epochs and gives the uninterrupted cell's numbers.
  func testKilledFineTuningCellContinuesAfterItsLastEpoch() throws {
    try PlanFixture.requireData()
    let dir = try PlanFixture.temporaryDirectory("resume")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let epochs = 6
    let expected = PlanFixture.measurements(try PlanFixture.inProcessCells(seeds: 1, finetuneEpochs: epochs, in: dir))
    try PlanFixture.writePlan(seeds: 1, finetuneEpochs: epochs, in: dir, plan: "plan")
    let plan = try PlanDirectory.open(dir + "/plan")
    let id = "s0-none-P1F4"
    let progress = plan.progressPath(id)
    let victim = try PlanFixture.start(["cell", "plan", id], in: dir, tag: "victim")
    var saved: TrainingSnapshot?
    XCTAssertTrue(PlanFixture.waitUntil(timeout: 120) {
      saved = try? TrainingSnapshot.read(progress)
      return saved != nil || !victim.isRunning
    })
    kill(victim.pid, SIGKILL)
    XCTAssertTrue(PlanFixture.waitUntil(timeout: 10) { !victim.isRunning })
    let done = try XCTUnwrap(saved, "no progress file while the cell ran").epochsDone
    XCTAssertLessThan(done, epochs, "killed before its last epoch")
    XCTAssertFalse(plan.isDone(id), "killed mid-cell: no result")
    let atKill = try XCTUnwrap(try TrainingSnapshot.read(progress)).epochsDone
    XCTAssertGreaterThanOrEqual(atKill, done)
    let (_, status0) = try PlanFixture.run(["grid", "status", "plan"], in: dir)
    XCTAssertTrue(status0.contains("\(id)  continues after epoch \(atKill) of \(epochs) saved"), status0)

    let (status, output) = try PlanFixture.run(["cell", "plan", id], in: dir)
    XCTAssertEqual(status, 0, output)
    XCTAssertTrue(output.contains("continuing after epoch \(atKill) of \(epochs)"), output)
    XCTAssertFalse(output.contains("epoch 1/\(epochs)"), "the saved epochs did not run again: \(output)")
    XCTAssertFalse(FileManager.default.fileExists(atPath: progress), "the progress file is removed once the cell is done")
    let cell = try XCTUnwrap(try plan.collect().cells.first { $0.finetuning.rawValue == "F4" && $0.row == "none" })
    let key = "none P1F4 s0"
    XCTAssertEqual(PlanFixture.measurements([cell])[key], expected[key], "resumed = uninterrupted, bit for bit")
  }
}
