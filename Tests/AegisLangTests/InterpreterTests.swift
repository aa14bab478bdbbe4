// Interpreter: arithmetic, strings, lists, ranges, control flow, functions and closures,
// tensors, `_`, auto-print rules, limits (recursion, steps, cancellation) and error locations.

@testable import AegisLang
import AegisTensor
import XCTest

final class InterpreterTests: XCTestCase {
  func testArithmetic() {
    XCTAssertEqual(value("1 + 2 * 3"), "7")
    XCTAssertEqual(value("8/255 * 255"), "8")
    XCTAssertEqual(value("2 ^ 10"), "1024")
    XCTAssertEqual(value("-7 % 3"), "2")
    XCTAssertEqual(value("1e-5"), "1e-05")
    XCTAssertEqual(value("0.1"), "0.1")
    XCTAssertEqual(value("1 / 0"), "inf")
  }

  func testStringsListsAndRanges() {
    XCTAssertEqual(value("\"ab\" + \"cd\""), "\"abcd\"")
    XCTAssertEqual(value("[1, 2] + [3]"), "[1, 2, 3]")
    XCTAssertEqual(value("xs = [1, 2, 3]\nxs[-1]"), "3")
    XCTAssertEqual(value("xs = [1, 2, 3, 4]\nxs[1:3]"), "[2, 3]")
    XCTAssertEqual(value("xs = [1, 2, 3, 4]\nxs[::-1]"), "[4, 3, 2, 1]")
    XCTAssertEqual(value("\"hello\"[1:3]"), "\"el\"")
    XCTAssertEqual(value("0..5"), "0..5")
    XCTAssertEqual(value("len(0..5)"), "5")
    XCTAssertEqual(value("(0..10)[2]"), "2")
    XCTAssertEqual(value("[10, 20, 30, 40][1..3]"), "[20, 30]")
    XCTAssertEqual(value("[1, [2, \"a\"]] == [1, [2, \"a\"]]"), "true")
    XCTAssertEqual(value("\"a\" < \"b\""), "true")
  }

  func testHugeRangesStayLazy() {
    XCTAssertEqual(value("r = 0..8000000000000000\n[len(r), r[5], r[-1]]"), "[8000000000000000, 5, 7999999999999999]")
    XCTAssertEqual(errorMessage("(0..8000000000000000)[1:3]"), "range is too long to slice; use list() on a smaller range")
    XCTAssertEqual(errorMessage("list(0..8000000000000000)"), "list: x: range is too long to expand")
    XCTAssertNotNil(errorMessage("tensor(0..8000000000000000)"))
  }

  func testListElementAssignment() {
    XCTAssertEqual(value("xs = [1, 2]\nys = xs\nxs[0] = 9\n[xs, ys]"), "[[9, 2], [1, 2]]")
    XCTAssertEqual(value("g = [[0, 0], [0, 0]]\ng[1][0] = 5\ng"), "[[0, 0], [5, 0]]")
  }

  func testLogicShortCircuits() {
    XCTAssertEqual(value("false and undefined_name"), "false")
    XCTAssertEqual(value("true or undefined_name"), "true")
    XCTAssertEqual(value("not (1 > 2)"), "true")
    XCTAssertEqual(errorMessage("1 and true"), "expected true or false, got number 1")
  }

  func testControlFlow() {
    XCTAssertEqual(output("""
      total = 0
      for i in 0..10 {
        if i % 2 == 0 { continue }
        if i > 7 { break }
        total = total + i
      }
      print total
      n = 0
      while n < 3 { n = n + 1 }
      print n, i
      """), ["16", "3 9"])
    XCTAssertEqual(output("for c in \"ab\" { print c }\nfor r in tensor([[1, 2], [3, 4]]) { print r.shape }\nfor x in tensor([5, 6]) { print x }"),
                   ["a", "b", "[2]", "[2]", "5", "6"])
  }

  func testFunctionsDefaultsNamedArgumentsRecursion() {
    XCTAssertEqual(output("""
      def f(a, b: 1, c: a * 2) { return a + b + c }
      print f(1), f(1, 2), f(1, c: 0), f(b: 0, a: 5)
      def fact(n) { if n <= 1 { return 1 } return n * fact(n - 1) }
      print fact(10)
      def nothing() { }
      print nothing()
      """), ["4 5 2 15", "3628800", "nil"])
  }

  func testClosuresCaptureTheirEnvironment() {
    XCTAssertEqual(output("""
      def counter() {
        count = 0
        def next() { count = count + 1
          return count }
        return next
      }
      c = counter()
      c()
      c()
      print c()
      def adder(n) { def add(x) { return x + n }
        return add }
      print adder(10)(5)
      """), ["3", "15"])
  }

  func testFunctionsDoNotClobberTheWorkspace() {
    XCTAssertEqual(output("x = 1\ndef f() { x = 2\n return x }\nprint f(), x"), ["2 1"])
  }

  func testLastValueAndUnderscore() {
    let h = Harness()
    XCTAssertEqual(h.run("1 + 1").value?.repr, "2")
    XCTAssertEqual(h.run("_ * 10").value?.repr, "20")
    XCTAssertNil(h.run("x = 5").value)
    XCTAssertNil(h.run("x;").value)
    XCTAssertNil(h.run("print 1").value)
    XCTAssertEqual(h.run("_").value?.repr, "5")
  }

  func testWorkspacePersistsAcrossRunsAndAfterErrors() {
    let h = Harness()
    h.run("a = 1\nb = undefined\nc = 3")
    XCTAssertEqual(h.run("a").value?.repr, "1")
    XCTAssertEqual(h.run("c").diagnostics.first?.message, "undefined name `c`")
  }

  func testTensorArithmeticAndBroadcasting() {
    XCTAssertEqual(value("(tensor([[1, 2], [3, 4]]) + tensor([10, 20])).shape"), "[2, 2]")
    XCTAssertEqual(value("list(tensor([1, 2]) * 2 + 1)"), "[3, 5]")
    XCTAssertEqual(value("list(1 - tensor([1, 2]))"), "[0, -1]")
    XCTAssertEqual(value("list(tensor([1, 2, 3]) > 1)"), "[0, 1, 1]")
    XCTAssertEqual(value("list(tensor([2, 3]) ^ 2)"), "[4, 9]")
    XCTAssertEqual(value("list(tensor([1, 2]) + [10, 20])"), "[11, 22]")
    XCTAssertEqual(value("list(-tensor([1]))"), "[-1]")
    XCTAssertEqual(value("sum(tensor([1, 2, 3]))"), "tensor(6)")
    XCTAssertEqual(errorMessage("zeros([2, 3]) + ones([4])"),
                   "`+`: shapes [2, 3] and [4] cannot be broadcast together (sizes must match or be 1, aligned from the right)")
  }

  func testTensorIndexing() {
    let setup = "t = reshape(arange(12), [3, 4])\n"
    XCTAssertEqual(value(setup + "t[1, 2]"), "tensor(6)")
    XCTAssertEqual(value(setup + "list(t[:, 1])"), "[1, 5, 9]")
    XCTAssertEqual(value(setup + "t[0, 1:3].shape"), "[2]")
    XCTAssertEqual(value(setup + "list(t[-1])"), "[8, 9, 10, 11]")
    XCTAssertEqual(value(setup + "list(t[::2, ::-2])"), "[[3, 1], [11, 9]]")
    XCTAssertEqual(value(setup + "t[0..2].shape"), "[2, 4]")
    XCTAssertEqual(value(setup + "t.T.shape"), "[4, 3]")
    XCTAssertEqual(value(setup + "t[0, 0] = 100\nt[0, 0].item"), "100")
    XCTAssertEqual(errorMessage(setup + "t[3]"), "index 3 is out of range for length 3")
    XCTAssertEqual(errorMessage(setup + "t[0, 0, 0]"), "too many indices: tensor of shape [3, 4] has rank 2, got 3 indices")
    XCTAssertEqual(errorMessage(setup + "t[0.5]"), "index must be a whole number, got 0.5")
  }

  func testMembers() {
    XCTAssertEqual(value("t = zeros([2, 3])\n[t.shape, t.count, t.rank]"), "[[2, 3], 6, 2]")
    XCTAssertEqual(value("[1, 2].count"), "2")
    let h = Harness()
    let r = h.run("zeros(2).shap")
    XCTAssertEqual(r.diagnostics.first?.message, "tensor has no member `shap`")
    XCTAssertEqual(r.diagnostics.first?.hint, "did you mean `shape`?")
  }

  func testUndefinedNameSuggestsBuiltinsAndVariables() {
    let h = Harness()
    h.run("learning_rate = 0.1")
    XCTAssertEqual(h.run("learning_rat * 2").diagnostics.first?.hint, "did you mean `learning_rate`?")
    XCTAssertEqual(h.run("zeroes(3)").diagnostics.first?.hint, "did you mean `zeros`?")
  }

  func testRuntimeErrorsAreLocated() {
    let h = Harness()
    let r = h.run("x = 1\ny = x + \"a\"", file: "loc.aegis")
    XCTAssertEqual(r.diagnostics.first?.location, SourceLocation(file: "loc.aegis", line: 2, column: 7))
    XCTAssertEqual(r.diagnostics.first?.message, "cannot apply `+` to number 1 and string \"a\"")
    XCTAssertEqual(r.exitCode, 70)
  }

  func testErrorsInsideFunctionsCarryATrace() {
    let h = Harness()
    let r = h.run("def f(x) {\n  return x + nil\n}\ny = f(1)", file: "trace.aegis")
    XCTAssertEqual(r.diagnostics.first?.location?.line, 2)
    XCTAssertEqual(r.diagnostics.first?.trace, ["in `f`, called at trace.aegis:4:5"])
  }

  func testRecursionLimit() {
    let h = Harness()
    let r = h.run("def down(n) { return down(n + 1) }\ndown(0)")
    XCTAssertEqual(r.diagnostics.first?.message, "recursion too deep: more than 200 nested calls (in `down`)")
    XCTAssertEqual(h.run("def d(n) { if n == 0 { return 0 } return 1 + d(n - 1) }\nd(150)").value?.repr, "150")
  }

  func testStepLimitStopsInfiniteLoops() {
    let h = Harness()
    h.interpreter.stepLimit = 1000
    XCTAssertEqual(h.run("while true { }").diagnostics.first?.message, "step limit of 1000 loop iterations and calls exceeded")
  }

  func testCancellationStopsLoops() {
    let h = Harness()
    Cancellation.request()
    defer { Cancellation.reset() }
    let r = h.run("while true { }")
    XCTAssertEqual(r.diagnostics.first?.kind, .interrupted)
    XCTAssertEqual(r.exitCode, 130)
  }

  func testConditionsMustBeBooleans() {
    XCTAssertEqual(errorMessage("if 1 { }"), "expected true or false, got number 1")
    XCTAssertEqual(value("x = 0\nif sum(tensor([1])) > 0 { x = 1 }\nx"), "1")
    XCTAssertEqual(errorMessage("if tensor([1, 2]) > 0 { }"),
                   "a tensor with 2 elements is not true or false; reduce it first, e.g. all(t) or any(t)")
  }

  func testUserFunctionArgumentErrors() {
    let h = Harness()
    h.run("def f(a, b: 1) { return a }")
    XCTAssertEqual(h.run("f()").diagnostics.first?.message, "f: missing required argument `a`")
    XCTAssertEqual(h.run("f(1, 2, 3)").diagnostics.first?.message, "f: too many arguments; it takes 2")
    let r = h.run("f(1, bb: 2)")
    XCTAssertEqual(r.diagnostics.first?.message, "f: unknown argument `bb`")
    XCTAssertEqual(r.diagnostics.first?.hint, "did you mean `b:`?")
    XCTAssertEqual(r.diagnostics.first?.usage, "f(a, b: 1)")
    XCTAssertEqual(h.run("f(1, a: 2)").diagnostics.first?.message, "f: argument `a` given twice")
    XCTAssertEqual(h.run("3(1)").diagnostics.first?.message, "number 3 is not a function")
  }

  func testCallFromSwift() throws {
    let h = Harness()
    h.run("def scale(x, by: 2) { return x * by }")
    let f = try XCTUnwrap(h.interpreter.globals.lookup("scale"))
    let result = try h.interpreter.call(f, arguments: [.number(5)], named: [("by", .number(3))])
    XCTAssertEqual(result.repr, "15")
  }
}
