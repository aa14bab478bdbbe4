// study_collect end to end: cell records on disk → summary.md, the two figures, and the
// section spliced into a document between its markers; bad records are named errors.

import AegisLang
import Foundation
import XCTest

final class StudyCollectTests: XCTestCase {
  func record(_ task: String, _ p: String, seed: Int, ra: Double) -> String {
    """
    {"format": "aegis-study-cell/1", "study": "unit", "cell": "\(task)-\(p)F4-s\(seed)", "kind": "cell",
     "task": "\(task)", "pretraining": "\(p)", "finetuning": "F4", "seed": \(seed), "sa": 0.85, "n_test": 10000,
     "ra": {"pgd20": \(ra), "autoattack": \(ra - 0.01)}, "curves": {"val_sa": [0.8, 0.85], "val_ra": [0.5, \(ra)]},
     "settings": {"eps": "0.1"}}
    """
  }

  func testCollectWritesSummaryFiguresAndSplicesTheDocument() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("collect-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir + "/study", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for seed in 0..<3 {
      try record("none", "P1", seed: seed, ra: 0.60 + 0.01 * Double(seed)).write(toFile: dir + "/study/p1-\(seed).json", atomically: true, encoding: .utf8)
      try record("rotation", "P3", seed: seed, ra: 0.63 + 0.01 * Double(seed) + 0.001 * Double(seed % 2)).write(toFile: dir + "/study/r3-\(seed).json", atomically: true, encoding: .utf8)
    }
    try "# R\n<!-- study:begin -->\n<!-- study:end -->\n".write(toFile: dir + "/results.md", atomically: true, encoding: .utf8)
    let plots = FileManager.default.fileExists(atPath: "/usr/bin/gnuplot")
    let lines = output("md = study_collect(\"\(dir)/study\", doc: \"\(dir)/results.md\", plots: \(plots))")
    _ = lines
    let doc = try String(contentsOfFile: dir + "/results.md", encoding: .utf8)
    XCTAssertTrue(doc.contains("| rotation: P3F4 − P1F4 | pgd20 | 3 |"), doc)
    XCTAssertTrue(doc.contains("| holds |"), doc)
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/study/summary.md"))
    if plots {
      XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/study/figure1.png"))
      XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/study/claim2-curves.png"))
      XCTAssertTrue(doc.contains("](study/figure1.png)"), "image links relative to the document")
    }
    try "{\"format\": \"other\"}".write(toFile: dir + "/study/zz.json", atomically: true, encoding: .utf8)
    XCTAssertNotNil(errorMessage("study_collect(\"\(dir)/study\", plots: false)").flatMap { $0.contains("zz.json") ? $0 : nil })
  }
}
