// The plan format alone (no training): cell ids, stages and dependencies of a paper grid, and
// lock claims with stale-lock detection.

@testable import AegisPlan
import AegisNN
import AegisSSL
import Foundation
import XCTest

final class PlanFormatTests: XCTestCase {
  /// Rotation and jigsaw, seeds 0 and 1, with both ensembles.
  func twoTaskGrid() throws -> PaperGrid {
    let config = ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], numClasses: 10, width: 4, depth: 8)
    var grid = try PaperGrid(tasks: [RotationTask(), try JigsawTask()], model: config)
    grid.seeds = [0, 1]
    grid.includeTaskEnsemble = true
    grid.includeModelEnsemble = true
    return grid
  }

  func testGridCellsHaveStagesAndDependencies() throws {
    let grid = try twoTaskGrid()
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

  func testStudyPlanOrdersClaimOneFirstAndAttacksEachF4Model() throws {
    var grid = try twoTaskGrid()
    grid.studyName = "study"
    grid.autoAttackImages = 100
    let cells = grid.planCells()
    let ids = cells.map(\.id)
    XCTAssertEqual(Set(ids).count, ids.count, "cell ids are unique")
    // Claim 1 per seed: 4 pretrainings + 3 F4 (none, rotation P2/P3 … jigsaw P2/P3 → 5 F4); then 5 AA per seed.
    let claimOne = cells.prefix(while: \.isClaimOne)
    XCTAssertEqual(claimOne.count, 2 * (4 + 5))
    XCTAssertTrue(claimOne.allSatisfy { $0.kind == .pretrain || $0.finetuning == "F4" })
    let attacks = cells.dropFirst(claimOne.count).prefix { $0.kind == .autoattack }
    XCTAssertEqual(attacks.count, 2 * 5)
    XCTAssertEqual(attacks.first?.id, "s0-none-P1F4-AA")
    XCTAssertEqual(attacks.first?.dependencies, ["s0-none-P1F4"])
    XCTAssertEqual(attacks.first?.settings["autoattack_images"], "100")
    XCTAssertEqual(cells.count, grid.plannedRuns + attacks.count, "every training cell is still there")
    XCTAssertFalse(cells.dropFirst(claimOne.count + attacks.count).contains { $0.isClaimOne || $0.kind == .autoattack })
    let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    for cell in cells { for d in cell.dependencies { XCTAssertLessThan(position[d]!, position[cell.id]!, "\(d) before \(cell.id)") } }
  }

  /// The ETA prices each unfinished cell like the finished cells of its own kind, pretraining and
  /// fine-tuning (F1 and F4 differ tenfold), and lists the kinds nothing measures yet (F2 is
  /// not priced like F4).
  func testEstimateUsesCellsLikeEachAndListsUnmeasuredKinds() throws {
    let cells = try twoTaskGrid().planCells()
    func result(_ id: String, _ seconds: Double) -> PlanResult {
      PlanResult(id: id, kind: cells.first { $0.id == id }!.kind, cell: nil, seconds: seconds, checkpoint: nil)
    }
    let results = ["s0-rotation-P3": result("s0-rotation-P3", 100), "s0-rotation-P3F4": result("s0-rotation-P3F4", 1000),
                   "s0-rotation-P3F1": result("s0-rotation-P3F1", 10)]
    var states: [String: CellState] = [:]
    for c in cells { states[c.id] = results[c.id] != nil ? .done : .waiting }
    let estimate = PlanSnapshot(cells: cells, states: states, results: results).estimate(workers: 2)
    var expected = 0.0
    for c in cells where results[c.id] == nil {
      switch (c.kind, c.finetuning) {
      case (.pretrain, _): expected += 100          // P2 too: same kind
      case (.finetune, "F4"): expected += 1000      // P1F4 and the task ensemble's F4 too
      case (.finetune, "F1"): expected += 10
      default: break
      }
    }
    XCTAssertEqual(estimate.seconds, expected / 2, accuracy: 1e-6)
    XCTAssertEqual(estimate.unmeasured, ["2 ensemble-pretrain", "10 finetune F2", "10 finetune F3", "2 model-ensemble F4"])
    XCTAssertTrue(estimate.text { "\(Int($0))s" }.hasPrefix("≥ "))
    XCTAssertEqual(estimate.text({ "\(Int($0))s" }, listing: false), "≥ \(Int(expected / 2))s")
    XCTAssertFalse(estimate.isUnknown)
  }

  /// Cells finished on the machine asking price first: the old engine's times on another CPU
  /// say little about the cells left.
  func testEstimatePrefersCellsFinishedOnThisMachine() throws {
    let cells = try twoTaskGrid().planCells()
    func result(_ id: String, _ seconds: Double, on machine: String) -> PlanResult {
      var r = PlanResult(id: id, kind: cells.first { $0.id == id }!.kind, cell: nil, seconds: seconds, checkpoint: nil)
      r.machine = machine
      return r
    }
    let results = ["s0-rotation-P3F4": result("s0-rotation-P3F4", 3000, on: "old"),
                   "s0-jigsaw-P3F4": result("s0-jigsaw-P3F4", 1000, on: "here")]
    var states: [String: CellState] = [:]
    for c in cells { states[c.id] = results[c.id] != nil ? .done : .waiting }
    let snapshot = PlanSnapshot(cells: cells, states: states, results: results)
    let leftF4 = Double(cells.filter { $0.kind == .finetune && $0.finetuning == "F4" && results[$0.id] == nil }.count)
    XCTAssertGreaterThan(leftF4, 0)
    XCTAssertEqual(snapshot.estimate(workers: 1, machine: "here").seconds, leftF4 * 1000, accuracy: 1e-6)
    XCTAssertEqual(snapshot.estimate(workers: 1, machine: "old").seconds, leftF4 * 3000, accuracy: 1e-6)
    XCTAssertEqual(snapshot.estimate(workers: 1, machine: "elsewhere").seconds, leftF4 * 2000, accuracy: 1e-6, "no cell here: all")
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
