// Caching: an unchanged notebook replays without running; an edited cell recomputes itself and
// every later cell (with the reason), earlier cells re-run for the workspace; parameters,
// --no-cache, --from and `cache: false` are honoured; cached errors follow moved lines.

@testable import AegisNotebook
import AegisLang
import XCTest

final class NotebookCacheTests: XCTestCase {
  private let cells = ["x = 1", "y = x + 1\ny", "print \"z\", y * 10", "y + 100"]

  func testSecondRunIsCachedAndRunsNothing() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(cells))
    let first = try runNotebook(path)
    XCTAssertEqual(first.executedCount, 4)
    let second = try runNotebook(path)
    XCTAssertEqual(statuses(second), Array(repeating: .cached, count: 4))
    XCTAssertEqual(second.executedCount, 0)
    XCTAssertEqual(second.cells.map(\.output), first.cells.map(\.output))
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("nb.aegis-cache/manifest.json").path))
    XCTAssertTrue(try folder.read("nb.out.md").contains("cell 3 · line 18 · cached"))
  }

  func testEditedCellAndLaterCellsRecompute() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(cells))
    _ = try runNotebook(path)
    var edited = cells
    edited[1] = "y = x + 2\ny"
    try folder.write("nb.md", notebookText(edited))
    let run = try runNotebook(path)
    XCTAssertEqual(statuses(run), [.rerun(neededBy: 2), .recomputed(.codeChanged),
                                   .recomputed(.earlierCellChanged), .recomputed(.earlierCellChanged)])
    XCTAssertEqual(run.cells[2].output?.text, "z 30")
    XCTAssertEqual(run.cells[3].output?.value, "103")
    let markdown = try folder.read("nb.out.md")
    XCTAssertTrue(markdown.contains("recomputed: code changed"))
    XCTAssertTrue(markdown.contains("recomputed: an earlier cell changed"))
    XCTAssertTrue(markdown.contains("re-run: cell 2 needs the workspace"))
  }

  func testParametersChangeInvalidatesAndOldParametersHitAgain() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["#| param\nn = 1", "n * 2"]))
    _ = try runNotebook(path, set: ["n=5"])
    let changed = try runNotebook(path, set: ["n=6"])
    XCTAssertEqual(statuses(changed), [.recomputed(.parametersChanged), .recomputed(.parametersChanged)])
    XCTAssertEqual(changed.cells[1].output?.value, "12")
    let back = try runNotebook(path, set: ["n=5"])
    XCTAssertEqual(statuses(back), [.cached, .cached])
    XCTAssertEqual(back.cells[1].output?.value, "10")
  }

  func testNoCacheRunsEverything() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(cells))
    _ = try runNotebook(path)
    let run = try runNotebook(path, useCache: false)
    XCTAssertEqual(statuses(run), Array(repeating: .recomputed(.noCache), count: 4))
  }

  func testFromRecomputesFromThatCell() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(cells))
    _ = try runNotebook(path)
    let run = try runNotebook(path, from: 3)
    XCTAssertEqual(statuses(run), [.rerun(neededBy: 3), .rerun(neededBy: 3), .recomputed(.from(3)), .recomputed(.from(3))])
  }

  func testCacheFalseCellAlwaysRunsAndLaterCellsReplay() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["x = 1", "#| cache: false\nprint \"always\"", "x + 1"]))
    _ = try runNotebook(path)
    let run = try runNotebook(path)
    XCTAssertEqual(statuses(run), [.rerun(neededBy: 2), .recomputed(.cacheDisabled), .cached])
    XCTAssertEqual(run.cells[1].output?.text, "always")
  }

  func testEchoAndProseChangesDoNotRecompute() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["x = 1", "#| error: true\ny = x + nope"]))
    let first = try runNotebook(path)
    let firstError = first.cells[1].output?.error ?? ""
    XCTAssertTrue(firstError.hasPrefix("nb.md:13:9: error: undefined name `nope`"), firstError)
    let moved = notebookText(["#| echo: false\nx = 1", "#| error: true\ny = x + nope"], title: "# Test\n\nA new\nparagraph.")
    try folder.write("nb.md", moved)
    let run = try runNotebook(path)
    XCTAssertEqual(statuses(run), [.cached, .cached])
    let error = run.cells[1].output?.error ?? ""
    XCTAssertTrue(error.hasPrefix("nb.md:17:9: error: undefined name `nope`"), error)
  }

  func testFailedCellIsNotCached() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["x = 1", "x + nope", "x"]))
    let first = try runNotebook(path)
    XCTAssertEqual(first.stoppedAt, 2)
    let second = try runNotebook(path)
    XCTAssertEqual(statuses(second), [.rerun(neededBy: 2), .recomputed(.notCached), .notReached(stoppedAt: 2)])
  }

  func testPlotsAreCachedAndRestored() throws {
    try requireGnuplot()
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["#| fig: \"noise\"\nshow_images(rand([2, 1, 4, 4], seed: 1), n: 2)\nshow_images(rand([2, 1, 4, 4], seed: 2), n: 2)"]))
    let first = try runNotebook(path)
    XCTAssertEqual(first.cells[0].output?.plots, ["noise.svg", "noise-2.svg"])
    try FileManager.default.removeItem(at: folder.url.appendingPathComponent("nb_files"))
    let second = try runNotebook(path)
    XCTAssertEqual(statuses(second), [.cached])
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("nb_files/noise-2.svg").path))
    XCTAssertEqual(try folder.read("nb.html").components(separatedBy: "<svg").count - 1, 2)
  }

  func testPlanIsPureAndExplainsMisses() {
    let cellsList = (1...3).map { Cell(number: $0, fenceLine: $0 * 10, firstLine: $0 * 10 + 1, source: "c\($0)",
                                       options: CellOptions(), code: "c\($0)", codeLine: $0 * 10 + 1) }
    let keys = CacheKeys(cells: cellsList, parameters: [], version: "1")
    let manifest = CacheManifest(version: "0", parameters: "", codeHashes: keys.codeHashes, date: Date())
    let plan = CachePlan.make(cells: cellsList, keys: keys, manifest: manifest, settings: .init(version: "1")) { _ in nil }
    XCTAssertEqual(plan, Array(repeating: .run(.recomputed(.versionChanged)), count: 3))
  }

  func testKeysChainEarlierCode() {
    func cell(_ code: String, _ n: Int) -> Cell {
      Cell(number: n, fenceLine: n, firstLine: n, source: code, options: CellOptions(), code: code, codeLine: n)
    }
    let a = CacheKeys(cells: [cell("a", 1), cell("b", 2)], parameters: [], version: "v")
    let b = CacheKeys(cells: [cell("A", 1), cell("b", 2)], parameters: [], version: "v")
    XCTAssertEqual(a.codeHashes[1], b.codeHashes[1])
    XCTAssertNotEqual(a.keys[1], b.keys[1])
    let c = CacheKeys(cells: [cell("a", 1), cell("b", 2)], parameters: [], version: "w")
    XCTAssertNotEqual(a.keys[0], c.keys[0])
  }

  func testSHA256KnownVectors() {
    XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)),
                   "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
  }

  func testLineRemapping() {
    let text = "nb.md:12:3: error: x\nnote: in `f`, called at nb.md:25:1"
    XCTAssertEqual(LineRemapper.remap(text, name: "nb.md", old: [10, 20], new: [12, 30]),
                   "nb.md:14:3: error: x\nnote: in `f`, called at nb.md:35:1")
  }
}
