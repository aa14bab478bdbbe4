// A study plan end to end, at toy size: the P1F4 cell writes its study record
// (aegis-study-cell/1) with per-epoch validation curves, its AutoAttack cell adds the worst case
// over the standard suite on the first test images, and StudyRecord.load (what study_collect
// reads) accepts the result.

import AegisPlan
import AegisSSL
import Foundation
import XCTest

final class StudyPlanTests: XCTestCase {
  static let script = """
    data = fashion_mnist("train", limit: 400)
    test = fashion_mnist("test", limit: 200)
    p = grid(data, test, tasks: [rotation()], pretraining: ["P1", "P3"], finetuning: ["F4"], seeds: [0],
             model: resnet(depth: 8, width: 4, data: data), pretrain_epochs: 1, finetune_epochs: 2, lr: 0.05, batch: 64,
             attack: pgd(eps: 0.1, steps: 2), eval_attack: pgd(eps: 0.1, steps: 3), validation: 50, test_size: 0,
             study: "toy", autoattack: 12, plan: args[0])
    """

  func testF4CellWritesItsRecordAndAutoAttackAddsTheWorstCase() throws {
    try PlanFixture.requireData()
    let dir = try PlanFixture.temporaryDirectory("study")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.script.write(toFile: dir + "/study.aegis", atomically: true, encoding: .utf8)
    let (wrote, text) = try PlanFixture.run(["run", "study.aegis", "plan"], in: dir)
    XCTAssertEqual(wrote, 0, text)
    let plan = try PlanDirectory.open(dir + "/plan")
    let ids = try plan.manifest().cells
    XCTAssertEqual(ids, ["s0-rotation-P3", "s0-none-P1F4", "s0-rotation-P3F4", "s0-none-P1F4-AA", "s0-rotation-P3F4-AA"])
    var attackLog = ""
    for id in ["s0-none-P1F4", "s0-none-P1F4-AA"] {
      let (status, output) = try PlanFixture.run(["cell", "plan", id], in: dir, timeout: 300)
      XCTAssertEqual(status, 0, output)
      attackLog = output
    }
    // The AutoAttack cell logs each attack as it finishes (it is silent for an hour otherwise).
    for attack in ["APGD-CE", "Square-5000"] {
      XCTAssertTrue(attackLog.contains("cell s0-none-P1F4-AA: \(attack)") && attackLog.contains("still robust"), attackLog)
    }
    let records = try StudyRecord.load(directory: dir + "/plan/records")
    XCTAssertEqual(records.map(\.cell), ["s0-none-P1F4"])
    let record = try XCTUnwrap(records.first)
    XCTAssertEqual(record.study, "toy")
    XCTAssertEqual(record.group, "P1F4")
    XCTAssertEqual(record.nTest, 200, "test_size: 0 measures on the whole test set given")
    XCTAssertEqual(record.curves?.valRA.count, 2, "one validation RA per fine-tuning epoch")
    let pgd = try XCTUnwrap(record.ra["pgd20"]), worst = try XCTUnwrap(record.ra["autoattack"])
    let pgdOnSubset = try XCTUnwrap(record.ra["pgd20-1k"])
    XCTAssertGreaterThanOrEqual(pgd, 0)
    XCTAssertLessThanOrEqual(worst, pgdOnSubset + 1e-9, "the worst case over four attacks is at most one attack's accuracy on the same images")
    XCTAssertEqual(record.settings["autoattack_images"], "12")
    XCTAssertTrue(record.settings["autoattack_breakdown"]?.contains("Square-5000") ?? false, record.settings.description)
    XCTAssertGreaterThan(record.cpuSeconds ?? 0, 0)
    XCTAssertTrue(plan.isDone("s0-none-P1F4-AA"))
    for id in ["s0-none-P1F4", "s0-none-P1F4-AA"] {
      XCTAssertFalse(FileManager.default.fileExists(atPath: plan.progressPath(id)), "no training progress left once \(id) is done")
      XCTAssertFalse(FileManager.default.fileExists(atPath: plan.evaluationProgressPath(id)), "no evaluation progress left once \(id) is done")
    }
  }
}
