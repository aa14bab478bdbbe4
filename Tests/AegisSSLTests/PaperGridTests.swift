// The paper grid end to end at tiny budgets: the right cells, P1 shared by the tasks, the
// paper-style table, CSV/JSON exports with the settings, scatter points, and the ensembles.

import AegisData
import AegisNN
import AegisRobust
import AegisSSL
import AegisTensor
import Foundation
import XCTest

final class PaperGridTests: XCTestCase {
  func tinyGrid(_ tasks: [any PretextTask]) throws -> PaperGrid {
    var grid = try PaperGrid(tasks: tasks, model: ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], numClasses: 10, width: 4, depth: 8))
    grid.trainSize = 192
    grid.validationSize = 48
    grid.testSize = 96
    grid.pretrainTraining = Fixtures.training(epochs: 1, batchSize: 64)
    grid.finetuneTraining = Fixtures.training(epochs: 1, batchSize: 64)
    grid.trainingAttack = try Fixtures.pgd(steps: 2)
    grid.evaluationAttack = try Fixtures.pgd(steps: 5)
    return grid
  }

  func testTinyGridProducesTheRightCells() throws {
    var grid = try tinyGrid([RotationTask()])
    grid.pretrainings = [.noPretraining, .adversarial]
    grid.finetunings = [.f4]
    grid.seeds = [7]
    grid.finetuneEpochs = 2
    var stages: [String] = []
    let train = try Fixtures.fashion(.train, limit: 300), test = try Fixtures.fashion(.test, limit: 96)
    let table = try timed("grid rotation × {P1, P3} × F4, 1 seed") {
      try grid.run(train: train, test: test) { p in if p.training == nil { stages.append("\(p.run)/\(p.runs) \(p.stage)") } }
    }
    print(stages.joined(separator: "\n"))
    print(table.table())
    XCTAssertEqual(stages.count, grid.plannedRuns)
    XCTAssertEqual(grid.plannedRuns, 3, "1 pretraining + 2 fine-tunings")
    XCTAssertEqual(table.cells.map { "\($0.row) \($0.pretraining.paperName)\($0.finetuning.rawValue)" }, ["none P1F4", "rotation P3F4"])
    for c in table.cells {
      XCTAssertEqual(c.seed, 7)
      XCTAssertTrue((0...1).contains(c.standardAccuracy))
      XCTAssertLessThanOrEqual(c.robustAccuracy, c.standardAccuracy)
      XCTAssertTrue([1, 2].contains(c.epochsToBestRobust ?? 0))
    }
    XCTAssertEqual(table.rows.count, 2)
    XCTAssertNotNil(table.row("rotation", .adversarial, .f4))
    let text = table.table()
    for token in ["none", "rotation", "P1", "P3", "F4 full adversarial", "SA %", "RA %"] { XCTAssertTrue(text.contains(token), token) }
    XCTAssertFalse(text.contains("F1"))
    let csv = table.csv().split(separator: "\n")
    XCTAssertEqual(csv.count, 3)
    XCTAssertTrue(csv[0].contains("setting.training_attack"))
    XCTAssertEqual(table.summaryCSV().split(separator: "\n").count, 3)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try table.json().utf8)) as? [String: Any])
    XCTAssertEqual((json["cells"] as? [Any])?.count, 2)
    XCTAssertEqual((json["settings"] as? [String: String])?["test_examples"], "96")
    XCTAssertEqual(table.scatterPoints().map(\.label), ["none P1F4", "rotation P3F4"])
    XCTAssertEqual(table.settings["pretrainings"], "P1,P3")
    XCTAssertEqual(table.settings["train_examples"], "192")
  }

  func testTableFlagsCellsWhoseModelsAreNearChance() {
    func cell(_ row: String, _ sa: Double, seed: UInt64) -> GridCell {
      GridCell(row: row, pretraining: .noPretraining, finetuning: .f4, seed: seed, standardAccuracy: sa, robustAccuracy: 0,
               epochsToBestRobust: 1, seconds: 1, pretrainingSeconds: 0)
    }
    let model = #"{"architecture":"resnet","numClasses":10,"width":8}"#
    let learned = GridTable(settings: ["model": model], cells: [cell("none", 0.81, seed: 0), cell("none", 0.79, seed: 1)])
    XCTAssertFalse(learned.table().contains("near chance"))
    let untrained = GridTable(settings: ["model": model], cells: [cell("none", 0.17, seed: 0), cell("none", 0.21, seed: 1)])
    XCTAssertTrue(untrained.table().contains("19.00±2.83!"), untrained.table())
    XCTAssertTrue(untrained.table().contains("! SA near chance (10%)"))
    // Four classes: chance 25 %, so 30 % is near it.
    let fourWay = GridTable(settings: ["model": #"{"numClasses": 4}"#], cells: [cell("none", 0.30, seed: 0)])
    XCTAssertEqual(fourWay.chanceAccuracy, 0.25)
    XCTAssertTrue(fourWay.table().contains("near chance (25%)"))
  }

  func testGridWithEnsembleRows() throws {
    var grid = try tinyGrid([RotationTask(), try JigsawTask()])
    grid.pretrainings = [.adversarial]
    grid.finetunings = [.f4]
    grid.includeTaskEnsemble = true
    grid.includeModelEnsemble = true
    grid.trainSize = 96
    grid.testSize = 48
    let table = try timed("grid {rotation, jigsaw} × P3 × F4 + ensembles") {
      try grid.run(train: try Fixtures.fashion(.train, limit: 200), test: try Fixtures.fashion(.test, limit: 48))
    }
    print(table.table())
    XCTAssertEqual(table.cells.map(\.row), ["rotation", "jigsaw", "ensemble-pretrain", "ensemble-finetune"])
    XCTAssertNil(table.cells.last?.epochsToBestRobust, "the model ensemble is not trained")
    XCTAssertEqual(table.cells.last?.finetuning, .f4)
  }

  func testGridValidation() throws {
    var grid = try tinyGrid([RotationTask()])
    grid.includeModelEnsemble = true
    XCTAssertThrowsError(try grid.validate()) { XCTAssertTrue("\($0)".contains("at least 2 tasks"), "\($0)") }
    grid = try tinyGrid([RotationTask(), RotationTask()])
    XCTAssertThrowsError(try grid.validate()) { XCTAssertTrue("\($0)".contains("distinct")) }
    grid = try tinyGrid([RotationTask()])
    grid.seeds = []
    XCTAssertThrowsError(try grid.validate()) { XCTAssertTrue("\($0)".contains("seed")) }
    grid = try tinyGrid([try JigsawTask()])
    grid.validationSize = 500
    XCTAssertThrowsError(try grid.run(train: try Fixtures.fashion(.train, limit: 100), test: try Fixtures.fashion(.test, limit: 10))) {
      XCTAssertTrue("\($0)".contains("lower validationSize"), "\($0)")
    }
  }

  func testMeanStdOverSeeds() {
    let s = MeanStd([0.5, 0.7])
    XCTAssertEqual(s.mean, 0.6, accuracy: 1e-12)
    XCTAssertEqual(s.std, (0.02).squareRoot(), accuracy: 1e-12)
    XCTAssertEqual(s.formatted(), "60.00±14.14")
    XCTAssertEqual(MeanStd([0.3]).std, 0)
  }
}
