// Cell parsing: ```aegis fences become cells, other languages stay prose, options are read
// from leading `#|` lines, longer fences wrap code containing ```, line numbers are file lines.

@testable import AegisNotebook
import XCTest

final class NotebookParserTests: XCTestCase {
  func testCellsAndProseInOrder() throws {
    let text = "# Title\n\nIntro.\n\n```aegis\nx = 1\nx + 1\n```\n\nMiddle.\n\n```aegis\nprint x\n```\n"
    let nb = try NotebookParser.parse(text, name: "nb.md")
    XCTAssertEqual(nb.cells.count, 2)
    XCTAssertEqual(nb.cells[0].number, 1)
    XCTAssertEqual(nb.cells[0].fenceLine, 5)
    XCTAssertEqual(nb.cells[0].firstLine, 6)
    XCTAssertEqual(nb.cells[0].source, "x = 1\nx + 1")
    XCTAssertEqual(nb.cells[1].fenceLine, 12)
    XCTAssertEqual(nb.blocks.count, 4)
    guard case .prose(let first) = nb.blocks[0] else { return XCTFail("expected prose first") }
    XCTAssertEqual(first, "# Title\n\nIntro.\n")
  }

  func testOtherLanguagesAreProse() throws {
    let text = "```python\nprint(1)\n```\n\n```\nplain\n```\n\n~~~aegis\nx = 2\n~~~\n\n```{aegis}\ny = 3\n```\n"
    let nb = try NotebookParser.parse(text, name: "nb.md")
    XCTAssertEqual(nb.cells.map(\.source), ["x = 2", "y = 3"])
  }

  func testAegisFenceInsideLongerOtherFenceIsText() throws {
    let text = "````markdown\n```aegis\nnot a cell\n```\n````\n\n```aegis\nreal = 1\n```\n"
    let nb = try NotebookParser.parse(text, name: "nb.md")
    XCTAssertEqual(nb.cells.map(\.source), ["real = 1"])
  }

  func testLongerFenceWrapsBackticks() throws {
    let text = "````aegis\ns = \"```\"\n```\nlen(s)\n````\n"
    let nb = try NotebookParser.parse(text, name: "nb.md")
    XCTAssertEqual(nb.cells.count, 1)
    XCTAssertEqual(nb.cells[0].source, "s = \"```\"\n```\nlen(s)")
  }

  func testInlineBackticksInCode() throws {
    let nb = try NotebookParser.parse("```aegis\nprint \"`x` and ``y``\"\n```\n", name: "nb.md")
    XCTAssertEqual(nb.cells[0].source, "print \"`x` and ``y``\"")
  }

  func testClosingFenceMayBeLongerAndIndented() throws {
    let nb = try NotebookParser.parse("  ```aegis\n  x = 1\n    y = 2\n  `````\nafter\n", name: "nb.md")
    XCTAssertEqual(nb.cells[0].source, "x = 1\n  y = 2")
  }

  func testFourSpaceIndentIsNotAFence() throws {
    let nb = try NotebookParser.parse("    ```aegis\n    x = 1\n    ```\n", name: "nb.md")
    XCTAssertTrue(nb.cells.isEmpty)
  }

  func testUnclosedCellIsAnError() {
    XCTAssertThrowsError(try NotebookParser.parse("text\n\n```aegis\nx = 1\n", name: "nb.md")) { error in
      let message = (error as? NotebookError)?.message ?? ""
      XCTAssertTrue(message.contains("nb.md:3"), message)
      XCTAssertTrue(message.contains("never closed"), message)
    }
  }

  func testCRLFLines() throws {
    let nb = try NotebookParser.parse("# T\r\n\r\n```aegis\r\nx = 1\r\n```\r\n", name: "nb.md")
    XCTAssertEqual(nb.cells.map(\.source), ["x = 1"])
    XCTAssertEqual(nb.cells[0].firstLine, 4)
  }

  func testOptions() throws {
    let text = "```aegis\n#| echo: false\n#| eval: false\n#| error: true\n#| fig: \"curve\"\n#| param\n#| cache: false\nx = 1\n#| later: comment\n```\n"
    let cell = try NotebookParser.parse(text, name: "nb.md").cells[0]
    XCTAssertFalse(cell.options.echo)
    XCTAssertFalse(cell.options.eval)
    XCTAssertTrue(cell.options.error)
    XCTAssertEqual(cell.options.fig, "curve")
    XCTAssertTrue(cell.options.param)
    XCTAssertFalse(cell.options.cache)
    XCTAssertEqual(cell.code, "x = 1\n#| later: comment")
    XCTAssertEqual(cell.codeLine, 8)
    XCTAssertEqual(cell.options.summary, "param, echo: false, eval: false, error: true, fig: \"curve\", cache: false")
  }

  func testDefaultOptions() throws {
    let cell = try NotebookParser.parse("```aegis\nx = 1\n```\n", name: "nb.md").cells[0]
    XCTAssertEqual(cell.options, CellOptions())
    XCTAssertEqual(cell.code, cell.source)
  }

  func testUnknownOptionSuggestsName() {
    XCTAssertThrowsError(try NotebookParser.parse("x\n```aegis\n#| ecko: false\n```\n", name: "nb.md")) { error in
      let message = (error as? NotebookError)?.message ?? ""
      XCTAssertTrue(message.hasPrefix("nb.md:3: unknown cell option `ecko`; did you mean `echo`?"), message)
    }
  }

  func testBadOptionValues() {
    XCTAssertThrowsError(try NotebookParser.parse("```aegis\n#| echo: maybe\n```\n", name: "nb.md"))
    XCTAssertThrowsError(try NotebookParser.parse("```aegis\n#| fig: \"../x\"\n```\n", name: "nb.md"))
  }

  func testFenceWrapChoosesLongerFence() {
    XCTAssertEqual(CodeFence.wrap("a", info: "x"), "```x\na\n```")
    XCTAssertEqual(CodeFence.wrap("s = \"```\"", info: "x"), "````x\ns = \"```\"\n````")
  }
}
