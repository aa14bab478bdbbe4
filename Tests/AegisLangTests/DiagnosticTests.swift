// Error message snapshots: the exact text a user sees (location, message, source line, caret,
// hint, usage, trace), with and without color.

@testable import AegisLang
import XCTest

final class DiagnosticTests: XCTestCase {
  private func rendered(_ source: String, file: String = "demo.aegis", setup: String? = nil) -> String {
    let h = Harness()
    if let setup { h.run(setup, file: "setup.aegis") }
    let r = h.run(source, file: file)
    return h.interpreter.render(r.diagnostics)
  }

  func testUndefinedNameWithHint() {
    XCTAssertEqual(rendered("x = zeroes([2, 3])"), """
      demo.aegis:1:5: error: undefined name `zeroes`
      x = zeroes([2, 3])
          ^~~~~~
      hint: did you mean `zeros`?
      """)
  }

  func testWrongArgumentTypeWithUsage() {
    XCTAssertEqual(rendered("t = full([2, 2], \"a\")"), """
      demo.aegis:1:18: error: full: value must be a number, got string "a"
      t = full([2, 2], "a")
                       ^~~
      usage: full(shape, value) -> tensor
      """)
  }

  func testShapeMismatchPointsAtTheOperator() {
    XCTAssertEqual(rendered("y = zeros([2, 3]) + ones([4])"), """
      demo.aegis:1:19: error: `+`: shapes [2, 3] and [4] cannot be broadcast together (sizes must match or be 1, aligned from the right)
      y = zeros([2, 3]) + ones([4])
                        ^
      """)
  }

  func testAllSyntaxErrorsOfAFile() {
    XCTAssertEqual(rendered("a = (1 + 2\n", file: "s.aegis"), """
      s.aegis:1:11: error: expected `)` to close the `(` at 1:5, found end of input
      a = (1 + 2
                ^
      """)
    XCTAssertEqual(rendered("x = 1 2\nfor in xs { }\ny = [1,, 2]\n", file: "s.aegis"), """
      s.aegis:1:7: error: expected end of statement, found `2`
      x = 1 2
            ^
      s.aegis:2:5: error: expected a loop variable after `for`, found `in`
      for in xs { }
          ^~
      s.aegis:3:8: error: expected an expression, found `,`
      y = [1,, 2]
             ^
      """)
  }

  func testErrorInsideAFunctionShowsTheFunctionLineAndTrace() {
    XCTAssertEqual(rendered("y = half(\"a\")", setup: "def half(x) {\n\treturn x / 2\n}"), """
      setup.aegis:2:11: error: cannot apply `/` to string "a" and number 2
      \treturn x / 2
      \t         ^
      note: in `half`, called at demo.aegis:1:5
      """)
  }

  func testUnknownNamedArgument() {
    XCTAssertEqual(rendered("rand([2], sed: 1)"), """
      demo.aegis:1:11: error: rand: unknown argument `sed`
      rand([2], sed: 1)
                ^~~
      hint: did you mean `seed:`?
      usage: rand(shape, low: 0, high: 1, seed: nil) -> tensor
      """)
  }

  func testREPLInputsKeepTheirLines() {
    let h = Harness()
    h.interpreter.runREPL("def f(x) {\n  return x + nil\n}")
    let r = h.interpreter.runREPL("f(1)")
    XCTAssertEqual(h.interpreter.render(r.diagnostics), """
      <repl>:2:12: error: cannot apply `+` to number 1 and nil
        return x + nil
                 ^
      note: in `f`, called at <repl>:4:1
      """)
  }

  func testColor() {
    let e = LangError("boom", at: SourceLocation(file: "f", line: 1, column: 1, length: 2), hint: "h")
    let text = Diagnostic.render(e, sourceLine: "ab", color: true)
    XCTAssertTrue(text.contains("\u{1B}[1;31merror:\u{1B}[0m"))
    XCTAssertTrue(text.contains("\u{1B}[1;32m^~\u{1B}[0m"))
    XCTAssertFalse(Diagnostic.render(e, sourceLine: "ab").contains("\u{1B}"))
  }

  func testCaretClampsToTheLine() {
    let e = LangError("x", at: SourceLocation(file: "f", line: 1, column: 10, length: 5))
    XCTAssertEqual(Diagnostic.render(e, sourceLine: "abc"), "f:1:10: error: x\nabc\n   ^")
  }

  func testEditDistance() {
    XCTAssertEqual(EditDistance.distance("pgd", "pdg"), 1)
    XCTAssertEqual(EditDistance.distance("kitten", "sitting"), 3)
    XCTAssertEqual(EditDistance.suggestion(for: "pgx", among: ["pgd", "fgsm"]), "pgd")
    XCTAssertNil(EditDistance.suggestion(for: "xyz", among: ["pgd"]))
  }
}
