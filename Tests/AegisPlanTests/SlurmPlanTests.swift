// A plan submitted to a real single-node Slurm (job arrays per stage, afterok between them)
// gives the same table as the same plan run locally, bit for bit.

import AegisPlan
import AegisSSL
import Foundation
import XCTest

final class SlurmPlanTests: XCTestCase {
  func testSlurmArraysEqualLocalRun() throws {
    if let reason = LocalSlurm.unavailableReason() {
      print("SlurmPlanTests skipped: \(reason)")
      throw XCTSkip(reason)
    }
    try PlanFixture.requireData()
    _ = try PlanFixture.binary()
    let dir = try PlanFixture.temporaryDirectory("slurm")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let slurm = try LocalSlurm()
    defer { slurm.stop() }
    try PlanFixture.writePlan(seeds: 1, in: dir, plan: "local")
    try PlanFixture.writePlan(seeds: 1, in: dir, plan: "cluster")
    let (submitStatus, submitted) = try PlanFixture.run(["grid", "submit", "cluster", "--slurm", "--max-parallel", "2", "--time", "00:10:00"],
                                                        in: dir, environment: slurm.environment)
    XCTAssertEqual(submitStatus, 0, submitted)
    XCTAssertTrue(submitted.contains("stage 0:") && submitted.contains("stage 1:"), submitted)
    let script = try String(contentsOfFile: dir + "/cluster/slurm/" + (try FileManager.default.contentsOfDirectory(atPath: dir + "/cluster/slurm")
      .first { $0.hasPrefix("stage-1") && $0.hasSuffix(".sbatch") } ?? ""), encoding: .utf8)
    XCTAssertTrue(script.contains("#SBATCH --array=0-3%2"), script)

    // Meanwhile the same plan runs locally.
    let (localStatus, localOutput) = try PlanFixture.run(["grid", "run", "local", "--workers", "1"], in: dir)
    XCTAssertEqual(localStatus, 0, localOutput)
    let cluster = try PlanDirectory.open(dir + "/cluster")
    // Bounded: 5 cells of seconds each; a stuck queue fails here, and stop() cancels it.
    let deadline = Date().addingTimeInterval(90)
    while try slurm.hasJobs() && Date() < deadline { Thread.sleep(forTimeInterval: 0.5) }
    let snapshot = try PlanSnapshot(cluster)
    XCTAssertTrue(snapshot.isComplete, "Slurm finished every cell: \(snapshot.summary); logs in \(dir)/cluster/logs")
    let local = try PlanDirectory.open(dir + "/local").collect()
    XCTAssertEqual(local.cells.count, 4)
    XCTAssertEqual(PlanFixture.measurements(try cluster.collect().cells), PlanFixture.measurements(local.cells))
    // Resubmitting a finished plan submits nothing.
    let (_, again) = try PlanFixture.run(["grid", "submit", "cluster", "--slurm"], in: dir, environment: slurm.environment)
    XCTAssertTrue(again.contains("nothing to submit"), again)
  }
}
