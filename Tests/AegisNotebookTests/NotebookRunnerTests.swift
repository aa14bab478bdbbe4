// Running notebooks: one workspace for all cells, outputs per cell, errors that stop the run
// with the cell number and a `notebook.md:LINE:COL` location, `#| error: true`, `eval: false`,
// syntax errors found before anything runs, and `--set` parameters.

@testable import AegisNotebook
import AegisLang
import XCTest

final class NotebookRunnerTests: XCTestCase {
  func testCellsShareOneWorkspace() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["x = 20", "print \"x is\", x\nx + 1"]))
    let run = try runNotebook(path)
    XCTAssertTrue(run.succeeded)
    XCTAssertEqual(run.cells[1].output?.text, "x is 20")
    XCTAssertEqual(run.cells[1].output?.value, "21")
    XCTAssertEqual(run.cells[1].output?.shownText, "x is 20\n21")
    XCTAssertEqual(statuses(run), [.recomputed(.notCached), .recomputed(.notCached)])
  }

  func testErrorStopsWithCellNumberAndFileLocation() throws {
    let folder = try TemporaryFolder()
    // Cell 2's fence is on line 7; its second line (line 9) has the error at column 5.
    let path = try folder.write("nb.md", "# T\n\n```aegis\nx = 1\n```\n\n```aegis\ny = 2\nz = nope + 1\n```\n\n```aegis\nprint \"after\"\n```\n")
    let run = try runNotebook(path)
    XCTAssertEqual(run.exitCode, 70)
    XCTAssertEqual(run.stoppedAt, 2)
    let error = run.cells[1].output?.error ?? ""
    XCTAssertTrue(error.hasPrefix("nb.md:9:5: error: undefined name `nope`"), error)
    XCTAssertTrue(run.failure?.contains("cell 2 (line 7)") ?? false, run.failure ?? "")
    XCTAssertEqual(run.cells[2].status, .notReached(stoppedAt: 2))
    XCTAssertNil(run.cells[2].output)
    let markdown = try folder.read("nb.out.md")
    XCTAssertTrue(markdown.contains("```error\nnb.md:9:5: error: undefined name `nope`"), markdown)
  }

  func testExpectedErrorContinues() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["#| error: true\nlen(1, 2, 3)", "print \"went on\""]))
    let run = try runNotebook(path)
    XCTAssertTrue(run.succeeded)
    XCTAssertNotNil(run.cells[0].output?.error)
    XCTAssertEqual(run.cells[1].output?.text, "went on")
  }

  func testEvalFalseAndEchoFalse() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["#| eval: false\nthis is not ( valid", "#| echo: false\nprint \"only output\""]))
    let run = try runNotebook(path)
    XCTAssertTrue(run.succeeded)
    XCTAssertEqual(run.cells[0].status, .notEvaluated)
    let markdown = try folder.read("nb.out.md")
    XCTAssertTrue(markdown.contains("```aegis\nthis is not ( valid\n```"))
    XCTAssertFalse(markdown.contains("print \"only output\""))
    XCTAssertFalse(markdown.contains("#| echo"))
    XCTAssertTrue(markdown.contains("```output\nonly output\n```"))
  }

  func testSyntaxErrorsAreReportedBeforeAnythingRuns() throws {
    let folder = try TemporaryFolder()
    let marker = folder.url.appendingPathComponent("ran.md").path
    let path = try folder.write("nb.md", notebookText(["save_session \"\(marker)\"", "x = (1 +"]))
    XCTAssertThrowsError(try runNotebook(path)) { error in
      let e = error as? NotebookError
      XCTAssertEqual(e?.exitCode, 65)
      XCTAssertTrue(e?.message.hasPrefix("cell 2: nb.md:") ?? false, e?.message ?? "")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
  }

  func testSetOverridesParameterCellVariables() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText([
      "#| param\nn = 10000\nname = \"full\"\neps = [0, 0.1]", "print n, name, len(eps)",
    ]))
    let run = try runNotebook(path, set: ["n=5", "name=\"tiny\"", "eps=[0, 0.05, 0.1]"])
    XCTAssertTrue(run.succeeded)
    XCTAssertEqual(run.cells[1].output?.text, "5 tiny 3")
    XCTAssertEqual(run.cells[0].output?.text, "n = 5   # --set\nname = \"tiny\"   # --set\neps = [0, 0.05, 0.1]   # --set")
    XCTAssertEqual(run.provenance.parameters, "eps = [0, 0.05, 0.1]; n = 5; name = \"tiny\"")
  }

  func testSetRejectsUnknownNamesAndNonLiterals() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["#| param\nn_train = 100", "x = 1"]))
    XCTAssertThrowsError(try runNotebook(path, set: ["n_trian=5"])) { error in
      let message = (error as? NotebookError)?.message ?? ""
      XCTAssertTrue(message.contains("did you mean `n_train`?"), message)
      XCTAssertEqual((error as? NotebookError)?.exitCode, 64)
    }
    XCTAssertThrowsError(try runNotebook(path, set: ["x=5"]))
    XCTAssertThrowsError(try ParameterOverride.parse("n=foo"))
    XCTAssertThrowsError(try ParameterOverride.parse("n=1 + 2"))
    XCTAssertThrowsError(try ParameterOverride.parse("=1"))
    XCTAssertEqual(try ParameterOverride.parse("n=-3").value.repr, "-3")
    XCTAssertEqual(try ParameterOverride.parse("flag=true").value.repr, "true")
  }

  func testFromMustNameACell() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["x = 1"]))
    XCTAssertThrowsError(try runNotebook(path, from: 2)) { XCTAssertEqual(($0 as? NotebookError)?.exitCode, 64) }
  }

  func testUnreadableNotebook() {
    XCTAssertThrowsError(try runNotebook("/nonexistent/nb.md")) { XCTAssertEqual(($0 as? NotebookError)?.exitCode, 66) }
  }

  func testSeedIsStamped() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["seed 42\nx = rand([2])"]))
    let run = try runNotebook(path)
    XCTAssertEqual(run.provenance.seed, 42)
    XCTAssertTrue(try folder.read("nb.out.md").contains("seed 42"))
  }
}

extension NotebookRunnerTests {
  func testDuplicateFigureNamesAreRejected() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["#| fig: \"curve\"\nx = 1", "#| fig: \"curve.svg\"\ny = 2"]))
    XCTAssertThrowsError(try runNotebook(path)) { error in
      XCTAssertTrue((error as? NotebookError)?.message.contains("cells 1 and 2 both use `fig: \"curve.svg\"`") ?? false, "\(error)")
    }
  }
}
