// Values: printing forms, conversions (shapes, nested lists → tensors), equality, objects.

@testable import AegisLang
import AegisTensor
import XCTest

/// A stand-in for a domain object (Dataset, Model, …) from another module.
final class FakeModel: AegisObject {
  let depth: Int
  init(depth: Int) { self.depth = depth }
  var typeName: String { "Model" }
  var summary: String { "Model(depth: \(depth))" }
  func describe() -> String { "Model\n  depth \(depth)" }
  var memberNames: [String] { ["depth", "params"] }
  func member(_ name: String) throws -> Value? {
    switch name {
    case "depth": return .number(Double(depth))
    case "params": return .number(Double(depth * 1000))
    default: return nil
    }
  }
}

final class ValueTests: XCTestCase {
  func testNumberFormatting() {
    XCTAssertEqual(Value.format(3), "3")
    XCTAssertEqual(Value.format(-0.5), "-0.5")
    XCTAssertEqual(Value.format(1e-5), "1e-05")
    XCTAssertEqual(Value.format(1e20), "1e+20")
    XCTAssertEqual(Value.format(.nan), "nan")
    XCTAssertEqual(Value.format(-.infinity), "-inf")
  }

  func testReprAndDescription() {
    let list = Value.list([.number(1), .string("a\"b"), .bool(true), .nil, .tensor(Tensor.zeros([2]))])
    XCTAssertEqual(list.repr, "[1, \"a\\\"b\", true, nil, Tensor [2]]")
    XCTAssertEqual(Value.string("hi").description, "hi")
    XCTAssertEqual(Value.string("hi").repr, "\"hi\"")
    XCTAssertEqual(Value.tensor(Tensor(2.5)).repr, "tensor(2.5)")
    XCTAssertEqual(Value.tensor(Tensor.zeros([2])).repr, Tensor.zeros([2]).formatted())
    XCTAssertEqual(Value.string(String(repeating: "x", count: 50)).shortDescription.count, 45)
  }

  func testShapes() throws {
    XCTAssertEqual(try Value.number(3).asShape("s"), [3])
    XCTAssertEqual(try Value.list([.number(2), .number(3)]).asShape("s"), [2, 3])
    XCTAssertThrowsError(try Value.list([.number(-1)]).asShape("s"))
    XCTAssertThrowsError(try Value.list([.number(1e9), .number(1e9)]).asShape("s"))
    XCTAssertThrowsError(try Value.number(.nan).asShape("s"))
    XCTAssertThrowsError(try Value.list([.number(Double(Int.max / 2)), .number(Double(Int.max / 2))]).asShape("s"))
  }

  func testNestedListsToTensors() throws {
    let t = try Value.list([.list([.number(1), .number(2)]), .list([.number(3), .number(4)])]).asTensor("x")
    XCTAssertEqual(t.shape, [2, 2])
    XCTAssertEqual(t.storage, [1, 2, 3, 4])
    XCTAssertEqual(try Value.list([]).asTensor("x").shape, [0])
    XCTAssertThrowsError(try Value.list([.list([.number(1)]), .number(2)]).asTensor("x"))
    XCTAssertThrowsError(try Value.list([.number(1), .list([.number(2)])]).asTensor("x"))
    XCTAssertThrowsError(try Value.list([.list([.number(1), .number(2)]), .list([.number(3)])]).asTensor("x"))
    XCTAssertThrowsError(try Value.list([.string("a")]).asTensor("x"))
  }

  func testEquality() {
    XCTAssertTrue(Value.equal(.list([.number(1)]), .list([.number(1)])))
    XCTAssertTrue(Value.equal(.range(RangeValue(start: 0, end: 2)), .list([.number(0), .number(1)])))
    XCTAssertFalse(Value.equal(.number(1), .string("1")))
    XCTAssertTrue(Value.equal(.nil, .nil))
  }

  func testRangeCounts() {
    XCTAssertEqual(RangeValue(start: 0, end: 10, step: 3).count, 4)
    XCTAssertEqual(RangeValue(start: 10, end: 0, step: -3).count, 4)
    XCTAssertEqual(RangeValue(start: 5, end: 0).count, 0)
  }

  func testObjectsPlugIn() {
    let h = Harness()
    h.interpreter.globals.define("net", .object(FakeModel(depth: 10)))
    XCTAssertEqual(h.run("net.params").value?.repr, "10000")
    XCTAssertEqual(h.run("type(net)").value?.repr, "\"Model\"")
    XCTAssertEqual(h.run("net").value?.repr, "Model\n  depth 10")
    XCTAssertEqual(h.run("[net]").value?.repr, "[Model(depth: 10)]")
    let r = h.run("net.parms")
    XCTAssertEqual(r.diagnostics.first?.message, "Model has no member `parms`")
    XCTAssertEqual(r.diagnostics.first?.hint, "did you mean `params`?")
    h.run("who")
    XCTAssertEqual(h.lines.last, "net   Model  Model(depth: 10)")
  }
}
