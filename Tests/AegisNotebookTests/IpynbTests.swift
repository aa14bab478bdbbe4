// Markdown notebooks ↔ .ipynb: the six workshop notebooks convert to nbformat 4.5 with one code
// cell per ```aegis cell (sources, options included, unchanged) and come back to the same cells;
// an .ipynb runs under `aegis notebook` like its Markdown.

@testable import AegisNotebook
import Foundation
import XCTest

final class IpynbTests: XCTestCase {
  static let notebooks = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("notebooks")

  func testWorkshopNotebooksConvertAndComeBackWithTheSameCells() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.notebooks.path).filter { $0.hasSuffix(".md") }.sorted()
    XCTAssertEqual(files.count, 6)
    for file in files {
      let text = try String(contentsOf: Self.notebooks.appendingPathComponent(file), encoding: .utf8)
      let original = try NotebookParser.parse(text, name: file)
      let json = try Ipynb.fromMarkdown(text, name: file)
      let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
      XCTAssertEqual(document["nbformat"] as? Int, 4)
      let cells = try XCTUnwrap(document["cells"] as? [[String: Any]])
      let code = cells.filter { $0["cell_type"] as? String == "code" }
      XCTAssertEqual(code.map { Ipynb.text($0["source"]) }, original.cells.map(\.source), file)
      XCTAssertEqual(cells.first?["cell_type"] as? String, "raw", "\(file): the front matter is a raw cell")
      XCTAssertEqual(Set(cells.compactMap { $0["id"] as? String }).count, cells.count, "\(file): cell ids are unique")

      let back = try NotebookParser.parse(try Ipynb.toMarkdown(Data(json.utf8), name: file), name: file)
      XCTAssertEqual(back.cells.map(\.source), original.cells.map(\.source), file)
      XCTAssertEqual(back.cells.map(\.options.fig), original.cells.map(\.options.fig), file)
    }
  }

  func testAnIpynbRunsUnderAegisNotebook() throws {
    let folder = try TemporaryFolder()
    let json = try Ipynb.fromMarkdown(notebookText(["x = 6 * 7", "print \"x is\", x", "x + 1"]), name: "t.md")
    let path = try folder.write("t.ipynb", json)
    let run = try runNotebook(path)
    XCTAssertEqual(run.exitCode, 0)
    XCTAssertEqual(run.cells.map { $0.output?.text ?? "" }, ["", "x is 42", ""])
    XCTAssertEqual(run.cells.last?.output?.value, "43")
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("t.out.md").path))
    XCTAssertTrue(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("t.html").path))
  }

  func testANotebookOfAnotherLanguageIsAClearError() throws {
    let python = #"{"cells": [], "metadata": {"kernelspec": {"name": "python3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}"#
    XCTAssertThrowsError(try Ipynb.toMarkdown(Data(python.utf8), name: "p.ipynb")) { error in
      XCTAssertTrue("\(error)".contains("python notebook"), "\(error)")
    }
    XCTAssertThrowsError(try Ipynb.toMarkdown(Data("[1]".utf8), name: "bad.ipynb")) { error in
      XCTAssertTrue("\(error)".contains("not a Jupyter notebook"), "\(error)")
    }
  }
}
