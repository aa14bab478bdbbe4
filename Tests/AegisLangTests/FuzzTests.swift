// Seeded fuzzing: random token sequences from the grammar's vocabulary, mutated valid programs
// and random bytes must produce values or diagnostics, never a crash or a hang. Programs that
// parse are also run (with a step budget and small size caps) and their errors rendered.

@testable import AegisLang
import AegisTensor
import XCTest

final class FuzzTests: XCTestCase {
  private static let vocabulary: [String] = {
    let symbols = ["+", "-", "*", "/", "^", "%", "==", "!=", "<", "<=", ">", ">=", "=", ":", ",", ".", "..",
                   "[", "]", "(", ")", "{", "}", ";", "\n", "\n", "\n"]
    let names = ["x", "y", "f", "xs", "t", "print", "zeros", "tensor", "help", "len", "range", "grad", "sum",
                 "max", "reshape", "who", "seed", "shape", "T", "count", "eps", "_"]
    let literals = ["0", "1", "2", "3", "0.5", "1e-3", "8/255", "\"a\"", "\"\"", "[1, 2]", "[[1, 2], [3, 4]]"]
    return symbols + names + literals + Array(TokenKind.keywords.keys)
  }()

  private var savedCaps = (0, 0)

  override func setUp() {
    savedCaps = (Value.maxTensorElements, Value.maxListLength)
    Value.maxTensorElements = 1 << 14
    Value.maxListLength = 1 << 14
  }

  override func tearDown() {
    (Value.maxTensorElements, Value.maxListLength) = savedCaps
  }

  /// Parses, checks `isIncomplete` and completion, runs what parses, renders all diagnostics.
  private func exercise(_ source: String, _ interpreter: Interpreter) {
    _ = Parser.isIncomplete(source)
    if source.count % 8 == 0 { _ = interpreter.completions(prefix: "", context: String(source.suffix(40))) }
    let result = interpreter.run(source, file: "fuzz.aegis")
    _ = interpreter.render(result.diagnostics, color: true)
    if let value = result.value { _ = value.repr }
    for e in result.diagnostics where e.location == nil && e.kind == .syntax {
      XCTFail("syntax error without location: \(e.message)")
    }
  }

  private func makeInterpreter() -> Interpreter {
    let i = Interpreter(output: { _ in })
    i.stepLimit = 300
    return i
  }

  func testRandomTokenSequences() {
    var rng = RandomGenerator(seed: 1)
    let interpreter = makeInterpreter()
    for _ in 0..<3000 {
      let n = 1 + rng.nextInt(40)
      let separator = rng.nextInt(4) == 0 ? "" : " "
      let source = (0..<n).map { _ in Self.vocabulary[rng.nextInt(Self.vocabulary.count)] }.joined(separator: separator)
      exercise(source, interpreter)
    }
  }

  func testMutatedValidPrograms() throws {
    let directory = ScriptTests.directory
    let corpus = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
      .filter { $0.hasSuffix(".aegis") }
      .map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
      + BuiltinRegistry.standard().all.map(\.example)
    // Mutated examples can turn an absolute path ("/tmp/session.aegis-ws") into a relative one
    // ("mp/session.aegis-ws"): run them in a scratch directory so they never write into the repo.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-fuzz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let previous = FileManager.default.currentDirectoryPath
    XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(scratch.path))
    defer {
      FileManager.default.changeCurrentDirectoryPath(previous)
      try? FileManager.default.removeItem(at: scratch)
    }
    var rng = RandomGenerator(seed: 2)
    let interpreter = makeInterpreter()
    for k in 0..<2000 {
      var chars = Array(corpus[k % corpus.count].unicodeScalars)
      for _ in 0..<(1 + rng.nextInt(4)) { mutate(&chars, &rng) }
      var source = ""
      source.unicodeScalars.append(contentsOf: chars)
      exercise(source, interpreter)
    }
  }

  private func mutate(_ chars: inout [Unicode.Scalar], _ rng: inout RandomGenerator) {
    guard !chars.isEmpty else { chars = ["("]; return }
    let i = rng.nextInt(chars.count)
    switch rng.nextInt(5) {
    case 0: chars.removeSubrange(i..<min(chars.count, i + 1 + rng.nextInt(8)))
    case 1: chars.insert(contentsOf: Self.vocabulary[rng.nextInt(Self.vocabulary.count)].unicodeScalars, at: i)
    case 2: chars.swapAt(i, rng.nextInt(chars.count))
    case 3: chars = Array(chars[..<i])
    default: chars.insert(contentsOf: chars[i..<min(chars.count, i + 20)], at: rng.nextInt(chars.count))
    }
  }

  func testRandomBytes() {
    var rng = RandomGenerator(seed: 3)
    let interpreter = makeInterpreter()
    for _ in 0..<1000 {
      let bytes = (0..<rng.nextInt(200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      exercise(String(decoding: bytes, as: UTF8.self), interpreter)
    }
  }

  func testDeepNestingOfEveryKind() {
    let depth = 10_000
    let interpreter = makeInterpreter()
    let cases = [
      String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth),
      String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
      String(repeating: "f(", count: depth),
      String(repeating: "-", count: depth) + "1",
      String(repeating: "if true {\n", count: depth) + String(repeating: "}\n", count: depth),
      "x = " + Array(repeating: "1", count: depth).joined(separator: " + "),
      "x = 2" + String(repeating: " ^ 2", count: depth),
      String(repeating: "a.", count: depth) + "b",
      String(repeating: "a[", count: depth) + String(repeating: "]", count: depth),
    ]
    for source in cases {
      let result = interpreter.run(source)
      XCTAssertFalse(result.succeeded, String(source.prefix(20)))
      XCTAssertLessThanOrEqual(result.diagnostics.count, 3, String(source.prefix(20)))
    }
  }

  func testDeepRecursionTimesDeepExpressionsIsAnError() {
    let nested = String(repeating: "-(", count: 60) + "f(n - 1)" + String(repeating: ")", count: 60)
    let h = Harness()
    let r = h.run("def f(n) { if n == 0 { return 0 }\n return \(nested) }\nf(190)")
    XCTAssertEqual(r.diagnostics.first?.message, "evaluation is nested too deeply (more than 2000 levels)")
  }

  func testRunsFromASmallStackThread() {
    let done = expectation(description: "ran")
    let thread = Thread {
      let h = Harness()
      let r = h.run("def d(n) { if n == 0 { return 0 } return 1 + d(n - 1) }\nd(199)")
      XCTAssertEqual(r.value?.repr, "199")
      done.fulfill()
    }
    thread.stackSize = 256 << 10
    thread.start()
    wait(for: [done], timeout: 30)
  }
}

import Foundation
