// Issue 9's language additions: builtins hidden by variables (warning, located call error,
// `del`), `format`, the `@` operator and the `?name` help shortcut.

import AegisLang
import XCTest

final class LanguageAdditionsTests: XCTestCase {
  func testHidingABuiltinWarnsOnceAndNamesItWhenCalled() {
    let h = Harness()
    XCTAssertTrue(h.run("train = take(dataset(rand([4, 1, 28, 28]), [0, 1, 2, 3]), 2)\ntrain = 3\nx = 1").succeeded)
    XCTAssertEqual(h.lines, ["warning: `train` now names a Dataset and hides the builtin `train`; `del train` brings it back"])
    let r = h.run("y = 2\ntrain(cnn(), train)")
    let e = r.diagnostics.first
    XCTAssertEqual(e?.message, "`train` is a number (assigned on line 2), not a function: it hides the builtin `train`")
    XCTAssertEqual(e?.hint, "`del train` brings the builtin back; or keep the value under another name, e.g. `train_data = train`")
    XCTAssertEqual(e?.location?.line, 2)
  }

  func testDelBringsTheBuiltinBack() {
    let h = Harness()
    XCTAssertTrue(h.run("len = 5\ndel len\nn = len([1, 2, 3])").succeeded, h.interpreter.render(h.run("").diagnostics))
    XCTAssertEqual(h.lines.last, "`len` is the builtin again")
    XCTAssertEqual(h.run("n").value?.repr, "3")
    XCTAssertEqual(errorMessage("del nothing_here"), "del: nothing to delete: there is no variable `nothing_here`")
    XCTAssertEqual(errorMessage("del print"), "del: nothing to delete: `print` is a builtin, not a variable")
    XCTAssertEqual(value("x = 1\ndel(x)\nwho\n1"), "1")
  }

  func testLocalsDoNotWarnAndOrdinaryValuesStillSayNotAFunction() {
    XCTAssertEqual(output("def f(sum) { return sum * 2 }\nprint f(3)"), ["6"])
    XCTAssertEqual(errorMessage("x = 3\nx(1)"), "number 3 is not a function")
  }

  func testFormat() {
    let cases: [(String, String)] = [
      ("format(0.8123, \".1%\")", "81.2%"), ("format(3.14159, \".3f\")", "3.142"), ("format(3.14159, \"8.3f\")", "   3.142"),
      ("format(\"eps\", \"^9\")", "   eps   "), ("format(\"ab\", \"*>5\")", "***ab"), ("format(-42, \"05d\")", "-0042"),
      ("format(1234567.891, \",.2f\")", "1,234,567.89"), ("format(0.000123, \".2e\")", "1.23e-04"), ("format(7, \"+d\")", "+7"),
      ("format(12, \"<4\")", "12  "), ("format(0.5)", "0.5"), ("format(sum(tensor([0.25, 0.5])), \".0%\")", "75%"),
      ("format(true, \">5\")", " true"), ("format(\"abcdef\", \".3\")", "abc"),
    ]
    for (source, expected) in cases { XCTAssertEqual(value(source), Value.quote(expected), source) }
    XCTAssertEqual(errorMessage("format(1.5, \"d\")"), "format: `d` needs a whole number, got 1.5")
    XCTAssertEqual(errorMessage("format(1, \".x\")"), "format: expected digits after `.` in the spec \".x\"")
    XCTAssertEqual(errorMessage("format(\"a\", \".2f\")"), "format: the type `f` formats numbers, got a string")
  }

  func testMatmulOperator() {
    XCTAssertEqual(value("list(tensor([[1, 2], [3, 4]]) @ tensor([[5], [6]]))"), "[[17], [39]]")
    XCTAssertEqual(value("shape(ones([2, 3]) @ ones([3, 4]) * 2)"), "[2, 4]")  // same precedence as *, left to right
    XCTAssertEqual(value("list(1 + ones([1, 2]) @ ones([2, 1]))"), "[[3]]")  // binds tighter than +
    XCTAssertEqual(errorMessage("ones([2, 3]) @ ones([2, 3])"), "matmul: shapes [2, 3] and [2, 3] do not match")
    XCTAssertEqual(errorMessage("2 @ 3"), "matmul: shapes [] and [] do not match")
  }

  func testQuestionMarkIsHelp() {
    XCTAssertEqual(Interpreter.expandingHelpShortcut("?pgd"), "help pgd")
    XCTAssertEqual(Interpreter.expandingHelpShortcut("  ? format \n"), "help format")
    XCTAssertEqual(Interpreter.expandingHelpShortcut("?"), "help")
    XCTAssertEqual(Interpreter.expandingHelpShortcut("x = 1"), "x = 1")
    let h = Harness()
    XCTAssertTrue(h.interpreter.runREPL("?format").succeeded)
    XCTAssertTrue(h.lines.joined(separator: "\n").contains("format(value, spec: \"\")"), h.lines.joined(separator: "\n"))
  }
}
