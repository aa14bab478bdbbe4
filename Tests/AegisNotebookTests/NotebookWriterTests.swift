// Sessions as notebooks: NotebookWriter and the `save_session` builtin write one ```aegis cell
// per command that ran without errors, and the result runs as a notebook.

@testable import AegisNotebook
import AegisLang
import XCTest

final class NotebookWriterTests: XCTestCase {
  func testOneCellPerCommand() throws {
    let text = NotebookWriter.notebook(fromCommands: ["x = 1", "  ", "s = \"```\"\nlen(s)"], title: "Session")
    XCTAssertTrue(text.hasPrefix("# Session\n"))
    let nb = try NotebookParser.parse(text, name: "s.md")
    XCTAssertEqual(nb.cells.map(\.source), ["x = 1", "s = \"```\"\nlen(s)"])
  }

  func testSaveSessionWritesARunnableNotebook() throws {
    let folder = try TemporaryFolder()
    let path = folder.url.appendingPathComponent("session.md").path
    let interpreter = Interpreter(output: { _ in })
    XCTAssertTrue(interpreter.runREPL("x = 20").succeeded)
    XCTAssertFalse(interpreter.runREPL("y = nope").succeeded)
    XCTAssertTrue(interpreter.runREPL("def f(a) {\n  return a + x\n}").succeeded)
    XCTAssertTrue(interpreter.runREPL("f(1)").succeeded)
    XCTAssertTrue(interpreter.runREPL("save_session \"\(path)\" title: \"My session\"").succeeded)
    XCTAssertTrue(interpreter.runREPL("save_session \"\(path)\"").succeeded)
    let nb = try NotebookParser.parse(try folder.read("session.md"), name: "session.md")
    XCTAssertEqual(nb.cells.map(\.source), ["x = 20", "def f(a) {\n  return a + x\n}", "f(1)"])
    let run = try runNotebook(path)
    XCTAssertTrue(run.succeeded)
    XCTAssertEqual(run.cells[2].output?.value, "21")
  }
}
