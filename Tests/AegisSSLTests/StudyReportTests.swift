// The collect step from raw records: loading and validating files, the claims' comparisons
// with their verdicts, and splicing the generated section into a document.

@testable import AegisSSL
import Foundation
import XCTest

final class StudyReportTests: XCTestCase {
  /// P1F4 RA 0.60 + seed·0.01; rotation P3F4 3 points higher (holds), jigsaw P3F4 equal ± noise.
  func records() -> [StudyRecord] {
    var out: [StudyRecord] = []
    for seed in 0..<5 {
      let base = 0.60 + Double(seed) * 0.01
      func cell(_ task: String, _ p: String, ra: Double, curve: [Double]) -> StudyRecord {
        StudyRecord(study: "unit", cell: "\(task)-\(p)F4-s\(seed)", task: task, pretraining: p, finetuning: "F4", seed: seed,
                    sa: 0.85, nTest: 10000, ra: ["pgd20": ra, "autoattack": ra - 0.02],
                    curves: .init(valSA: curve.map { _ in 0.85 }, valRA: curve), settings: ["eps": "0.1", "seed": "\(seed)"])
      }
      out.append(cell("none", "P1", ra: base, curve: [0.3, 0.5, 0.58, 0.6]))
      out.append(cell("rotation", "P3", ra: base + 0.03, curve: [0.58, 0.6, 0.6, 0.6]))
      out.append(cell("jigsaw", "P3", ra: base + (seed % 2 == 0 ? 0.004 : -0.004), curve: [0.3, 0.5, 0.58, 0.6]))
    }
    return out
  }

  func testClaimsAndVerdictsFromRecords() throws {
    let report = StudyReport(study: "unit", records: records())
    func comparison(_ what: String, _ metric: String = "pgd20") -> StudyReport.Comparison? {
      report.comparisons.first { $0.what == what && $0.metric == metric }
    }
    XCTAssertEqual(comparison("rotation: P3F4 − P1F4")?.verdict, .holds)
    XCTAssertEqual(comparison("rotation: P3F4 − P1F4")!.interval.mean, 0.03, accuracy: 1e-12)
    XCTAssertEqual(comparison("jigsaw: P3F4 − P1F4")?.verdict, .notDecided)
    XCTAssertNil(comparison("rotation: P3F4 − P2F4"), "no P2 cells, no comparison")
    // Rotation P3F4 reaches 95% at epoch 1, P1F4 at epoch 3: 2 epochs fewer, every seed.
    let claim2 = comparison("rotation: epochs to 95% RA, P1F4 − P3F4", "epochs")!
    XCTAssertEqual(claim2.interval.mean, 2)
    XCTAssertEqual(claim2.verdict, .holds, "zero spread: the interval is [2, 2], above 0")
    let md = report.markdown(figure1: "f.png", curvesFigure: nil)
    XCTAssertTrue(md.contains("| rotation: P3F4 − P1F4 | pgd20 | 5 | +3.00"), md)
    XCTAssertTrue(md.contains("Settings: eps 0.1"), "shared settings listed, per-seed ones not")
    XCTAssertFalse(md.contains("seed 0"))
    XCTAssertEqual(report.scatter.count, 3)
  }

  /// The paper's rows sit next to this study's paired gains: rotation gains +3.00 [3, 3] here,
  /// the paper +2.82, below that interval; jigsaw's ±0.4 noise interval holds the paper's +1.61.
  func testPaperComparisonPairsGainsWithThePapersNumbers() throws {
    let report = StudyReport(study: "unit", records: records())
    let rows = Dictionary(uniqueKeysWithValues: report.paperRows.map { ($0.paper.group, $0) })
    XCTAssertEqual(rows["rotation P3F4"]?.gain?.mean ?? 0, 0.03, accuracy: 1e-12)
    XCTAssertEqual(rows["rotation P3F4"]?.paperGainPosition, "below", "the paper's +2.82 is under [+3.00, +3.00]")
    XCTAssertEqual(rows["jigsaw P3F4"]?.paperGainPosition, "above", "+1.61 is far over a ±0.4 interval around 0")
    XCTAssertNil(rows["selfie P3F4"]?.model, "no selfie records")
    XCTAssertNil(rows["P1F4"]?.gain, "the baseline has no gain over itself")
    let md = report.markdown(figure1: nil, curvesFigure: nil)
    XCTAssertTrue(md.contains("| Rotation P3F4 | 85.66 / 50.04 | +2.82 | 85.00 / 65.00 | +3.00"), md)
    XCTAssertTrue(md.contains("| Selfie P3F4 | 86.02 / 51.05 | +3.83 | not run yet | — | — |"), md)
    let noBaseline = StudyReport(study: "unit", records: records().filter { $0.task != "none" })
    XCTAssertFalse(noBaseline.markdown(figure1: nil, curvesFigure: nil).contains("Against the paper"))
  }

  /// Two seeds that agree give a narrow interval; the verdict waits for the planned five.
  func testVerdictWaitsForThePlannedSeeds() {
    let early = records().filter { $0.seed < 2 }.map { r -> StudyRecord in
      var r = r
      r.settings["seeds"] = "0,1,2,3,4"
      return r
    }
    let report = StudyReport(study: "unit", records: early)
    let rotation = report.comparisons.first { $0.what == "rotation: P3F4 − P1F4" && $0.metric == "pgd20" }!
    XCTAssertEqual(rotation.interval.n, 2)
    XCTAssertEqual(rotation.verdict, .notDecided, "2 of 5 planned seeds")
    XCTAssertTrue(report.markdown(figure1: nil, curvesFigure: nil).contains("not decided at this budget (2 of 5 seeds)"))
    let forced = StudyReport(study: "unit", records: early, minimumPairs: 2)
    XCTAssertEqual(forced.comparisons.first { $0.what == "rotation: P3F4 − P1F4" }?.verdict, .holds)
  }

  /// Claim 3 is planned with 3 seeds, not the 5 of claim 1: its verdict comes at 3 pairs.
  func testEnsembleVerdictNeedsThreeSeeds() {
    func withEnsemble(seeds: Int) -> StudyReport {
      var rs = records().filter { $0.seed < seeds }
      for seed in 0..<seeds {
        rs.append(StudyRecord(study: "unit", cell: "model-ensemble-s\(seed)", kind: "model-ensemble", task: "ensemble", pretraining: "P3", finetuning: "F4",
                              seed: seed, sa: 0.86, nTest: 10000, ra: ["pgd20": 0.70 + Double(seed) * 0.01], curves: nil,
                              settings: ["seeds": "0,1,2,3,4"]))
      }
      return StudyReport(study: "unit", records: rs)
    }
    func ensemble(_ r: StudyReport) -> StudyReport.Comparison {
      r.comparisons.first { $0.claim == 3 && $0.what.hasPrefix("model-ensemble") && $0.metric == "pgd20" }!
    }
    let two = withEnsemble(seeds: 2), three = withEnsemble(seeds: 3)
    XCTAssertEqual(ensemble(two).verdict, .notDecided)
    XCTAssertEqual(ensemble(two).verdictText, "not decided at this budget (2 of 3 seeds)")
    // Best member is rotation P3F4 (P1F4 + 3 points = 0.63 + seed·0.01); the ensemble is 7 above.
    XCTAssertEqual(ensemble(three).interval.mean, 0.07, accuracy: 1e-9)
    XCTAssertEqual(ensemble(three).verdict, .holds)
    let rotation = three.comparisons.first { $0.what == "rotation: P3F4 − P1F4" && $0.metric == "pgd20" }!
    XCTAssertEqual(rotation.verdict, .notDecided, "claim 1 still waits for its 5 seeds")
  }

  func testCPUTimeCountsFineTuningAndAutoAttack() {
    func cell(_ id: String, cpu: Double, attackCPU: String?) -> StudyRecord {
      StudyRecord(study: "unit", cell: id, task: "none", pretraining: "P1", finetuning: "F4", seed: 0, sa: 0.8, nTest: 100,
                  ra: ["pgd20": 0.7], curves: nil, settings: attackCPU.map { ["autoattack_cpu_seconds": $0] } ?? [:], cpuSeconds: cpu)
    }
    let report = StudyReport(study: "unit", records: [cell("a", cpu: 3600, attackCPU: "1800"), cell("b", cpu: 1800, attackCPU: nil)])
    XCTAssertTrue(report.markdown(figure1: nil, curvesFigure: nil).contains("CPU time recorded in the cells: 2.0 CPU-hours"))
  }

  func testLoadValidatesAndSplices() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("study-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for r in records() { try r.write(to: dir + "/\(r.cell).json") }
    let loaded = try StudyRecord.load(directory: dir)
    XCTAssertEqual(loaded.count, 15)
    XCTAssertEqual(loaded.sorted { $0.cell < $1.cell }, records().sorted { $0.cell < $1.cell })
    var bad = records()[0]
    bad.sa = 85.3
    try bad.write(to: dir + "/zz.json")
    XCTAssertThrowsError(try StudyRecord.load(directory: dir)) { XCTAssertTrue("\($0)".contains("fractions in [0, 1]"), "\($0)") }
    XCTAssertThrowsError(try StudyRecord.load(directory: dir + "/missing")) { XCTAssertTrue("\($0)".contains("cannot read")) }
    let doc = "# R\n\nbefore\n<!-- study:begin -->\nold\n<!-- study:end -->\nafter\n"
    XCTAssertEqual(try StudyReport.splice("new", into: doc), "# R\n\nbefore\n<!-- study:begin -->\nnew\n<!-- study:end -->\nafter\n")
    XCTAssertThrowsError(try StudyReport.splice("new", into: "no markers")) { XCTAssertTrue("\($0)".contains("markers")) }
  }
}
