// Completion: names, keywords, members, named parameters of the open call, choices and paths.

@testable import AegisLang
import XCTest

final class CompletionTests: XCTestCase {
  func testNamesAndKeywords() {
    let h = Harness()
    h.run("zebra = 1")
    XCTAssertEqual(h.interpreter.completions(prefix: "ze", context: ""), ["zebra", "zeros"])
    XCTAssertEqual(h.interpreter.completions(prefix: "whi", context: "x = 1\n"), ["while"])
    XCTAssertTrue(h.interpreter.completions(prefix: "", context: "").contains("for"))
  }

  func testNamedParametersOfTheOpenCall() {
    let h = Harness()
    // Named parameters come first; builtin names follow (a value can be any expression).
    XCTAssertEqual(h.interpreter.completions(prefix: "se", context: "rand([2], "), ["seed:", "selfie"])
    XCTAssertEqual(h.interpreter.completions(prefix: "", context: "rand([2], seed: 1, ").prefix(3), ["shape:", "low:", "high:"])
    XCTAssertEqual(h.interpreter.completions(prefix: "se", context: "rand "), ["seed:", "selfie"])
    h.run("def f(alpha, beta: 1) { }")
    XCTAssertEqual(h.interpreter.completions(prefix: "be", context: "f(1, "), ["beta:"])
    XCTAssertEqual(h.interpreter.completions(prefix: "se", context: "print(rand(2), "), ["sep:", "seed", "selfie"])
  }

  func testMembers() {
    let h = Harness()
    h.run("t = zeros(2)")
    XCTAssertEqual(h.interpreter.completions(prefix: "sh", context: "t."), ["shape"])
    XCTAssertEqual(h.interpreter.completions(prefix: "", context: "x = t."), ["T", "count", "item", "rank", "shape"])
  }

  func testChoicesInsideStrings() {
    let registry = BuiltinRegistry.standard()
    registry.register(Builtin(name: "finetune", category: "ssl", summary: "s",
                              parameters: [Parameter("mode", .choice(["full", "partial"]), default: .string("full"), doc: "d")],
                              example: "") { _, _ in .nil })
    let i = Interpreter(registry: registry, output: { _ in })
    XCTAssertEqual(i.completions(prefix: "pa", context: "finetune(mode: \""), ["partial"])
  }

  func testPathsInsideStrings() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-completion-\(getpid())")
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: dir.appendingPathComponent("model.safetensors").path, contents: Data())
    defer { try? FileManager.default.removeItem(at: dir) }
    let i = Interpreter(output: { _ in })
    let prefix = dir.path + "/"
    XCTAssertEqual(i.completions(prefix: prefix + "mo", context: "save net \""), [prefix + "model.safetensors"])
    XCTAssertEqual(i.completions(prefix: prefix + "s", context: "x = \""), [prefix + "sub/"])
  }
}

import Foundation
