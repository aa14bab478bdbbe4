// Parser: precedence, statements, command form, recovery (all errors, one per mistake),
// nesting limits and the REPL's `isIncomplete` rule.

@testable import AegisLang
import XCTest

final class ParserTests: XCTestCase {
  private let commands = BuiltinRegistry.standard().commandSyntax

  private func parse(_ source: String) -> [Stmt] {
    let result = Parser.parse(source, commands: commands)
    XCTAssertEqual(result.errors.map(\.message), [], source)
    return result.statements
  }

  /// A compact S-expression of an expression, for precedence checks.
  private func sexp(_ e: Expr) -> String {
    switch e.kind {
    case .number(let x): return Value.format(x)
    case .string(let s): return Value.quote(s)
    case .bool(let b): return "\(b)"
    case .nil: return "nil"
    case .variable(let n): return n
    case .list(let xs): return "[" + xs.map(sexp).joined(separator: " ") + "]"
    case .range(let a, let b): return "(.. \(sexp(a)) \(sexp(b)))"
    case .unary(let op, let x): return "(\(op.rawValue) \(sexp(x)))"
    case .binary(let op, let a, let b): return "(\(op.rawValue) \(sexp(a)) \(sexp(b)))"
    case .logical(let op, let a, let b): return "(\(op.rawValue) \(sexp(a)) \(sexp(b)))"
    case .member(let x, let n): return "(. \(sexp(x)) \(n))"
    case .call(let f, let args):
      return "(call \(sexp(f))" + args.map { " " + ($0.label.map { "\($0):" } ?? "") + sexp($0.value) }.joined() + ")"
    case .index(let x, let comps):
      let parts = comps.map { c -> String in
        switch c {
        case .single(let e): return sexp(e)
        case .slice(let a, let b, let s): return [a, b, s].map { $0.map(sexp) ?? "_" }.joined(separator: ":")
        }
      }
      return "(index \(sexp(x)) \(parts.joined(separator: " ")))"
    }
  }

  private func expr(_ source: String) -> String {
    guard let s = parse(source).first else { return "<none>" }
    switch s.kind {
    case .expression(let e, _): return sexp(e)
    case .assign(let t, let v): return "(= \(sexp(t)) \(sexp(v)))"
    default: return "<stmt>"
    }
  }

  func testPrecedence() {
    XCTAssertEqual(expr("1 + 2 * 3"), "(+ 1 (* 2 3))")
    XCTAssertEqual(expr("-2 ^ 2"), "(- (^ 2 2))")
    XCTAssertEqual(expr("2 ^ 3 ^ 2"), "(^ 2 (^ 3 2))")
    XCTAssertEqual(expr("2 ^ -1"), "(^ 2 (- 1))")
    XCTAssertEqual(expr("a - b - c"), "(- (- a b) c)")
    XCTAssertEqual(expr("not a == b and c or d"), "(or (and (not (== a b)) c) d)")
    XCTAssertEqual(expr("0..n + 1"), "(.. 0 (+ n 1))")
    XCTAssertEqual(expr("8/255"), "(/ 8 255)")
    XCTAssertEqual(expr("x % 2 == 0"), "(== (% x 2) 0)")
  }

  func testPostfix() {
    XCTAssertEqual(expr("f(a, eps: 0.1)"), "(call f a eps:0.1)")
    XCTAssertEqual(expr("data.count"), "(. data count)")
    XCTAssertEqual(expr("t[0, 2:5]"), "(index t 0 2:5:_)")
    XCTAssertEqual(expr("t[:, 1]"), "(index t _:_:_ 1)")
    XCTAssertEqual(expr("xs[-1]"), "(index xs (- 1))")
    XCTAssertEqual(expr("xs[::2]"), "(index xs _:_:2)")
    XCTAssertEqual(expr("a.b(1)[2].c"), "(. (index (call (. a b) 1) 2) c)")
    XCTAssertEqual(expr("[1, [2, 3],]"), "[1 [2 3]]")
  }

  func testAssignment() {
    XCTAssertEqual(expr("x = f(1)"), "(= x (call f 1))")
    XCTAssertEqual(expr("xs[0][1] = 2"), "(= (index (index xs 0) 1) 2)")
    XCTAssertEqual(syntaxErrors("x.shape = 3"), ["cannot assign to member `shape`; assign to a variable instead"])
    XCTAssertEqual(syntaxErrors("f(x) = 3").count, 1)
  }

  func testCommandForm() {
    XCTAssertEqual(expr("help pgd"), "(call help pgd)")
    XCTAssertEqual(expr("print x, y"), "(call print x y)")
    XCTAssertEqual(expr("print \"a\" 1 x"), "(call print \"a\" 1 x)")
    XCTAssertEqual(expr("print x - 1"), "(call print (- x 1))")
    XCTAssertEqual(expr("help"), "(call help)")
    XCTAssertEqual(expr("who"), "(call who)")
  }

  func testCommandFormStaysUnambiguous() {
    XCTAssertEqual(expr("print (1)"), "(call print 1)")
    XCTAssertEqual(expr("len - 1"), "(- len 1)")
    XCTAssertEqual(expr("len = 3"), "(= len 3)")
    XCTAssertEqual(expr("zeros"), "zeros")  // has a required parameter: not a bare command
    XCTAssertEqual(syntaxErrors("foo bar"), ["expected end of statement, found `bar`"])
  }

  func testCommandFormWithNamedArguments() {
    let registry = BuiltinRegistry.standard()
    registry.register(Builtin(name: "plot", category: "plot", summary: "s",
                              parameters: [Parameter("x", .any, doc: ""), Parameter("to", .string, default: .nil, doc: "")],
                              example: "") { _, _ in .nil })
    let result = Parser.parse("plot curve to: \"x.png\"", commands: registry.commandSyntax)
    XCTAssertTrue(result.errors.isEmpty)
    guard case .expression(let e, _)? = result.statements.first?.kind else { return XCTFail("no statement") }
    XCTAssertEqual(sexp(e), "(call plot curve to:\"x.png\")")
  }

  func testStatements() {
    let source = """
      def f(a, b: 1) {
        return a + b
      }
      if x { y } else if z { w } else { v }
      for i in 0..3 { continue }
      while true { break }
      """
    let statements = parse(source)
    XCTAssertEqual(statements.count, 4)
    guard case .function(let decl) = statements[0].kind else { return XCTFail() }
    XCTAssertEqual(decl.signature, "f(a, b: 1)")
  }

  func testElseOnNextLine() {
    XCTAssertEqual(parse("if a {\n  b\n}\nelse {\n  c\n}").count, 1)
  }

  func testSemicolonSilences() {
    guard case .expression(_, let silent)? = parse("x;").first?.kind else { return XCTFail() }
    XCTAssertTrue(silent)
    XCTAssertEqual(parse("a; b; c").count, 3)
  }

  func testStatementsAfterClosingBrace() {
    XCTAssertEqual(parse("def f(n) { if n < 2 { return n } return n }").count, 1)
  }

  func testReportsAllErrorsOncePerStatement() {
    let errors = syntaxErrors("x = * 2\ny = ]\nz = 3 3\nok = 1\nw = [1, 2")
    XCTAssertEqual(errors, ["expected an expression, found `*`", "expected an expression, found `]`", "expected end of statement, found `3`",
                            "expected `]` to close the list started at 5:5, found end of input"])
  }

  func testUnclosedParenSwallowsTheRestAsOneError() {
    // Newlines are not separators inside ( ), so everything after an unclosed paren is one statement.
    XCTAssertEqual(syntaxErrors("x = (1 +\ny = 2\nz = 3"), ["expected `)` to close the `(` at 1:5, found `=`"])
  }

  func testErrorsInsideBlocksRecover() {
    let errors = syntaxErrors("if a {\n  x = = 1\n  y = 2 +\n}\nfor { }\n")
    XCTAssertEqual(errors.count, 3, "\(errors)")
  }

  func testMisplacedJumps() {
    XCTAssertEqual(syntaxErrors("break"), ["`break` outside a loop"])
    XCTAssertEqual(syntaxErrors("return 1"), ["`return` outside a function"])
    XCTAssertEqual(syntaxErrors("while true { def f() { break } }"), ["`break` outside a loop"])
    XCTAssertEqual(syntaxErrors("}"), ["unexpected `}` (no block is open)"])
  }

  func testChainedComparisonIsAnError() {
    XCTAssertEqual(syntaxErrors("1 < 2 < 3"), ["comparisons cannot be chained; write `a < b and b < c`"])
  }

  func testParameterRules() {
    XCTAssertEqual(syntaxErrors("def f(a: 1, b) { }"), ["parameter `b` needs a default because the one before it has one"])
    XCTAssertEqual(syntaxErrors("def f(a, a) { }"), ["duplicate parameter `a`"])
    XCTAssertEqual(syntaxErrors("f(a: 1, 2)"), ["positional argument after named argument `a`"])
  }

  func testUnclosedBlock() {
    XCTAssertEqual(syntaxErrors("if x {\n  y = 1\n"), ["expected `}` to close the block of `if` opened at line 1"])
  }

  func testDeepNestingIsAnErrorNotACrash() {
    let depth = 10_000
    let parens = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
    XCTAssertEqual(syntaxErrors(parens), ["nesting is too deep (more than 200 levels)"])
    let lists = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    XCTAssertEqual(syntaxErrors(lists).count, 1)
    XCTAssertEqual(syntaxErrors(String(repeating: "-", count: depth) + "1").count, 1)
    XCTAssertEqual(syntaxErrors(String(repeating: "not ", count: depth) + "true").count, 1)
    XCTAssertEqual(syntaxErrors(String(repeating: "if x {\n", count: depth)).count, 2)
    XCTAssertEqual(syntaxErrors((0..<depth).map(String.init).joined(separator: " + ")).count, 1)
  }

  func testIsIncomplete() {
    XCTAssertTrue(Parser.isIncomplete("f(1,"))
    XCTAssertTrue(Parser.isIncomplete("x = [1, 2"))
    XCTAssertTrue(Parser.isIncomplete("def f(a) {"))
    XCTAssertTrue(Parser.isIncomplete("for i in xs {\n  print i\n"))
    XCTAssertTrue(Parser.isIncomplete("x = 1 +"))
    XCTAssertTrue(Parser.isIncomplete("if a and"))
    XCTAssertTrue(Parser.isIncomplete("if x > 0"))
    XCTAssertTrue(Parser.isIncomplete("if a { b }\nelse"))
    XCTAssertTrue(Parser.isIncomplete("if a {\n} else if b"))
    XCTAssertTrue(Parser.isIncomplete("print a,"))
    XCTAssertFalse(Parser.isIncomplete("x = 1"))
    XCTAssertFalse(Parser.isIncomplete("if a { b }"))
    XCTAssertFalse(Parser.isIncomplete("f(1))"))
    XCTAssertFalse(Parser.isIncomplete("x = \"unterminated"))
    XCTAssertFalse(Parser.isIncomplete(""))
    XCTAssertFalse(Parser.isIncomplete("x = 1 # (comment"))
  }
}
