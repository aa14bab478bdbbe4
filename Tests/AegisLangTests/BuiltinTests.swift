// Builtins: every example runs, argument binding errors are clear and carry the usage line,
// and the tensor/math/workspace builtins compute the right values.

@testable import AegisLang
import AegisTensor
import XCTest

final class BuiltinTests: XCTestCase {
  func testEveryExampleRuns() {
    let registry = BuiltinRegistry.standard()
    for builtin in registry.all where !builtin.exampleNeedsFiles {
      let h = Harness()
      let r = h.run(builtin.example, file: "example:\(builtin.name)")
      XCTAssertTrue(r.succeeded, "\(builtin.name): \(h.interpreter.render(r.diagnostics))")
    }
  }

  func testEveryBuiltinIsDocumented() {
    for b in BuiltinRegistry.standard().all {
      XCTAssertFalse(b.summary.isEmpty, b.name)
      XCTAssertFalse(b.example.isEmpty, b.name)
      XCTAssertTrue(BuiltinRegistry.categoryOrder.contains(b.category), b.name)
      for p in b.parameters { XCTAssertFalse(p.doc.isEmpty, "\(b.name).\(p.name)") }
    }
  }

  func testBindingErrors() {
    let h = Harness()
    var e = h.run("zeros([2], sape: 1)").diagnostics.first
    XCTAssertEqual(e?.message, "zeros: unknown argument `sape`")
    XCTAssertEqual(e?.hint, "did you mean `shape:`?")
    XCTAssertEqual(e?.usage, "zeros(shape) -> tensor")
    e = h.run("full([2])").diagnostics.first
    XCTAssertEqual(e?.message, "full: missing required argument `value`")
    XCTAssertEqual(e?.usage, "full(shape, value) -> tensor")
    XCTAssertEqual(h.run("full([2], \"a\")").diagnostics.first?.message, "full: value must be a number, got string \"a\"")
    XCTAssertEqual(h.run("zeros(1, 2)").diagnostics.first?.message, "zeros: too many arguments; it takes at most 1 positional argument")
    XCTAssertEqual(h.run("seed(1.5)").diagnostics.first?.message, "seed: n must be an int, got number 1.5")
    XCTAssertEqual(h.run("rand(2, seed: 1, seed: 2)").diagnostics.first?.message, "rand: argument `seed` given twice")
    XCTAssertEqual(h.run("grad(1, 2)").diagnostics.first?.message, "grad: f must be a function, got number 1")
    XCTAssertEqual(h.run("print(1, sep: 2)").diagnostics.first?.message, "print: sep must be a string, got number 2")
    XCTAssertEqual(h.run("help(3)").diagnostics.first?.message, "help: name must be a name or nil, got number 3")
  }

  func testBindingErrorIsLocatedAtTheArgument() {
    let r = Harness().run("x = full([2], \"a\")", file: "b.aegis")
    XCTAssertEqual(r.diagnostics.first?.location, SourceLocation(file: "b.aegis", line: 1, column: 15, length: 3))
  }

  func testChoiceParameters() {
    let registry = BuiltinRegistry.standard()
    registry.register(Builtin(name: "finetune", category: "ssl", summary: "s",
                              parameters: [Parameter("mode", .choice(["full", "partial"]), default: .string("full"), doc: "d")],
                              example: "finetune()") { args, _ in args["mode"] })
    let i = Interpreter(registry: registry, output: { _ in })
    XCTAssertEqual(i.run("finetune(mode: \"partial\")").value?.repr, "\"partial\"")
    let e = i.run("finetune(mode: \"ful\")").diagnostics.first
    XCTAssertEqual(e?.message, "finetune: mode must be one of \"full\", \"partial\", got string \"ful\"")
    XCTAssertEqual(e?.hint, "did you mean \"full\"?")
  }

  func testObjectParametersAndResults() {
    let registry = BuiltinRegistry.standard()
    registry.register(Builtin(name: "deeper", category: "model", summary: "A deeper model.",
                              parameters: [Parameter("model", .object("Model"), doc: "the model"),
                                           Parameter("by", .int, default: .number(1), doc: "extra depth")],
                              returns: "Model", example: "") { args, _ in
      let m = try args.object("model", as: FakeModel.self)
      return .object(FakeModel(depth: m.depth + (try args.int("by"))))
    })
    let i = Interpreter(registry: registry, output: { _ in })
    i.globals.define("net", .object(FakeModel(depth: 2)))
    XCTAssertEqual(i.run("deeper(net, by: 3).depth").value?.repr, "5")
    XCTAssertEqual(i.run("deeper(1)").diagnostics.first?.message, "deeper: model must be a Model, got number 1")
  }

  func testTensorCreation() {
    XCTAssertEqual(value("zeros([2, 3]).shape"), "[2, 3]")
    XCTAssertEqual(value("list(ones(2))"), "[1, 1]")
    XCTAssertEqual(value("list(full([2], 7))"), "[7, 7]")
    XCTAssertEqual(value("list(arange(3))"), "[0, 1, 2]")
    XCTAssertEqual(value("list(arange(1, 0, -0.5))"), "[1, 0.5]")
    XCTAssertEqual(value("list(tensor([[1, 2], [3, 4]]))"), "[[1, 2], [3, 4]]")
    XCTAssertEqual(value("tensor(3)"), "tensor(3)")
    XCTAssertEqual(errorMessage("zeros([-1])"), "zeros: shape has a negative dimension: [-1]")
    XCTAssertEqual(errorMessage("arange(0, 1, 0)"), "arange: start, end and step must be finite and step non-zero")
    XCTAssertNotNil(errorMessage("zeros([100000, 100000])"))
    XCTAssertNotNil(errorMessage("tensor([[1], 2])"))
  }

  func testRandomIsSeeded() {
    XCTAssertEqual(value("a = rand(3, seed: 5)\nb = rand(3, seed: 5)\na == b"), value("tensor([1, 1, 1])"))
    XCTAssertEqual(value("seed 1\na = randn(4)\nseed 1\nb = randn(4)\nall(a == b)"), "true")
    XCTAssertEqual(value("seed 1\na = randn(4)\nb = randn(4)\nall(a == b)"), "false")
  }

  func testShapeBuiltins() {
    XCTAssertEqual(value("reshape(arange(6), [3, -1]).shape"), "[3, 2]")
    XCTAssertEqual(errorMessage("reshape(arange(6), [4, -1])"), "reshape: shapes [6] and [4, -1] do not match")
    XCTAssertEqual(value("transpose(zeros([2, 3, 4]), axes: [2, 0, 1]).shape"), "[4, 2, 3]")
    XCTAssertEqual(value("list(matmul(tensor([[1, 2]]), tensor([[3], [4]])))"), "[[11]]")
    XCTAssertEqual(errorMessage("matmul(ones([2, 3]), ones([2, 3]))"), "matmul: shapes [2, 3] and [2, 3] do not match")
    XCTAssertEqual(value("concat([ones([1, 2]), zeros([2, 2])]).shape"), "[3, 2]")
    XCTAssertEqual(value("stack([ones(2), zeros(2)]).shape"), "[2, 2]")
    XCTAssertEqual(value("shape(zeros([4, 1]))"), "[4, 1]")
  }

  func testMath() {
    XCTAssertEqual(value("exp(0)"), "1")
    XCTAssertEqual(value("list(relu(tensor([-1, 2])))"), "[0, 2]")
    XCTAssertEqual(value("list(sum(tensor([[1, 2], [3, 4]]), axis: 1))"), "[3, 7]")
    XCTAssertEqual(value("mean(tensor([1, 2, 3, 4]))"), "tensor(2.5)")
    XCTAssertEqual(value("max(3, 7, 5)"), "7")
    XCTAssertEqual(value("min([4, 2, 8])"), "2")
    XCTAssertEqual(value("max(tensor([[1, 9], [4, 2]]))"), "tensor(9)")
    XCTAssertEqual(value("list(min(tensor([[1, 9], [4, 2]]), axis: 0))"), "[1, 2]")
    XCTAssertEqual(value("list(max(tensor([1, 5]), tensor([3, 2])))"), "[3, 5]")
    XCTAssertEqual(value("argmax(tensor([1, 9, 3]))"), "1")
    XCTAssertEqual(value("list(argmax(tensor([[1, 9], [4, 2]]), axis: 1))"), "[1, 0]")
    XCTAssertEqual(value("sum(softmax(tensor([[1, 2, 3]]), axis: 0))"), "tensor(3)")
    XCTAssertEqual(value("list(clamp(tensor([-1, 0.5, 2]), 0, 1))"), "[0, 0.5, 1]")
    XCTAssertEqual(errorMessage("sum(zeros([2]), axis: 1)"), "sum: axis 1 is out of range for a tensor of rank 1")
    XCTAssertEqual(errorMessage("max()"), "max: needs at least one value")
    XCTAssertEqual(errorMessage("softmax(tensor(1))"), "softmax: axis -1 is out of range for a tensor of rank 0")
  }

  func testGrad() {
    XCTAssertEqual(value("def f(x) { return sum(x ^ 2) }\nlist(grad(f, tensor([1, 2, 3])))"), "[2, 4, 6]")
    XCTAssertEqual(value("def f(x) { return x[1] * 3 }\nlist(grad(f, [1, 2]))"), "[0, 3]")
    XCTAssertEqual(value("def f(x) { return mean(sigmoid(x)) }\nlist(grad(f, tensor([0])))"), "[0.25]")
    XCTAssertEqual(errorMessage("def f(x) { return 3 }\ngrad(f, [1])"), "grad: f must return a one-element tensor, got number 3")
  }

  func testWorkspaceBuiltins() {
    XCTAssertEqual(output("print 1, \"a\", [1, \"b\"]\nprint(1, 2, sep: \", \")"), ["1 a [1, \"b\"]", "1, 2"])
    XCTAssertEqual(value("len(\"abc\") + len([1]) + len(zeros([4, 2]))"), "8")
    XCTAssertEqual(value("list(range(3))"), "[0, 1, 2]")
    XCTAssertEqual(value("list(range(10, 0, -4))"), "[10, 6, 2]")
    XCTAssertEqual(value("str(1.5) + \"!\""), "\"1.5!\"")
    XCTAssertEqual(value("num(\" 2.5 \")"), "2.5")
    XCTAssertEqual(value("type(1..2)"), "\"range\"")
    XCTAssertEqual(errorMessage("num(\"x\")"), "num: \"x\" is not a number")
    XCTAssertEqual(errorMessage("len(3)"), "len: cannot take the length of number 3")
    XCTAssertEqual(output("x = 1\nwho"), ["name  type    value", "x     number  1"])
    XCTAssertEqual(output("who"), ["(the workspace is empty)"])
    let timed = output("def f() { return 2 }\ny = time(f)\nprint y")
    XCTAssertTrue(timed.first?.hasPrefix("time: ") == true)
    XCTAssertEqual(timed.last, "2")
  }

  func testHelp() {
    let overview = output("help").joined(separator: "\n")
    XCTAssertTrue(overview.contains("tensor\n"))
    XCTAssertTrue(overview.contains("  zeros"))
    XCTAssertTrue(overview.contains("Language:"))
    let page = output("help zeros").joined(separator: "\n")
    XCTAssertTrue(page.hasPrefix("zeros(shape) -> tensor"))
    XCTAssertTrue(page.contains("shape      shape  required"))
    XCTAssertTrue(page.contains("example:\n  zeros([2, 3])"))
    XCTAssertEqual(output("help(\"for\")").first?.hasPrefix("for x in"), true)
    XCTAssertEqual(output("lr = 0.1\nhelp lr"), ["lr: number", "0.1"])
    let h = Harness()
    let e = h.run("help zeroes").diagnostics.first
    XCTAssertEqual(e?.message, "help: no builtin, keyword or variable named `zeroes`")
    XCTAssertEqual(e?.hint, "did you mean `zeros`?")
  }

  func testApropos() {
    let lines = output("apropos random")
    XCTAssertTrue(lines.contains { $0.hasPrefix("rand ") })
    XCTAssertTrue(lines.contains { $0.hasPrefix("seed ") })
    XCTAssertEqual(output("apropos zzzz"), ["no builtins mention \"zzzz\""])
  }
}
