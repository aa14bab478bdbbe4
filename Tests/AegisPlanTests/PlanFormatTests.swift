// The plan format alone (no training): cell ids, stages and dependencies of a paper grid, and
// lock claims with stale-lock detection.

@testable import AegisPlan
import AegisNN
import AegisSSL
import Foundation
import XCTest

final class PlanFormatTests: XCTestCase {
  func testGridCellsHaveStagesAndDependencies() throws {
    let config = ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], numClasses: 10, width: 4, depth: 8)
    var grid = try PaperGrid(tasks: [RotationTask(), try JigsawTask()], model: config)
    grid.seeds = [0, 1]
    grid.includeTaskEnsemble = true
    grid.includeModelEnsemble = true
    let cells = grid.planCells()
    // Per seed: 2 tasks × (P2, P3) pretrainings, (1 + 4) × 4 fine-tunings, 2 task-ensemble cells, 1 model ensemble.
    XCTAssertEqual(cells.count, 2 * (4 + 20 + 2 + 1))
    XCTAssertEqual(cells.count, grid.plannedRuns)
    let byID = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0) })
    XCTAssertEqual(byID["s1-rotation-P3F4"]?.dependencies, ["s1-rotation-P3"])
    XCTAssertEqual(byID["s0-none-P1F2"]?.dependencies, [])
    XCTAssertEqual(byID["s0-ensemble-finetune-P3F4"]?.dependencies, ["s0-rotation-P3F4", "s0-jigsaw-P3F4"])
    XCTAssertEqual(byID["s0-ensemble-pretrain-P3F4"]?.dependencies, ["s0-ensemble-pretrain-P3"])
    XCTAssertEqual(byID["s0-rotation-P2"]?.stage, 0)
    XCTAssertEqual(byID["s0-rotation-P2F1"]?.stage, 1)
    XCTAssertEqual(byID["s0-ensemble-finetune-P3F4"]?.stage, 2)
    XCTAssertEqual(byID["s1-jigsaw-P3F4"]?.settings["seed"], "1")
    XCTAssertNotNil(byID["s1-jigsaw-P3F4"]?.settings["evaluation_attack"])
    for cell in cells { for d in cell.dependencies { XCTAssertLessThan(byID[d]!.stage, cell.stage) } }
  }

  func testLockClaimRefusesLiveOwnerAndTakesOverDeadOne() throws {
    let dir = NSTemporaryDirectory() + "aegis-lock-\(getpid())-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/c.lock"
    XCTAssertTrue(try CellLock.claim(path))
    XCTAssertNotNil(CellLock.liveOwner(path), "this process holds it")
    XCTAssertFalse(try CellLock.claim(path), "a live owner keeps its lock")
    // A lock of a dead process on this host (pid of a finished child) is stale.
    let child = try ChildProcess("/bin/true", [], output: "/dev/null")
    XCTAssertTrue(child.wait(timeout: 10))
    var dead = LockOwner.current()
    dead.pid = child.pid
    try JSONEncoder().encode(dead).write(to: URL(fileURLWithPath: path))
    XCTAssertNil(CellLock.liveOwner(path))
    XCTAssertTrue(try CellLock.claim(path), "a stale lock is taken over")
    CellLock.release(path)
    XCTAssertFalse(FileManager.default.fileExists(atPath: path))
  }
}
