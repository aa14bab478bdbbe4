// save_workspace / load_workspace: a session's variables survive a restart (a fresh
// interpreter), models with weights, recipe and history, datasets by recipe or by images.

import AegisLang
import Foundation
import XCTest

final class WorkspaceFilesTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "aegis-ws-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

  private var hasFashionMNIST: Bool { FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") }

  func testRoundTripInAFreshInterpreter() throws {
    let files = hasFashionMNIST ? "test = fashion_mnist(\"test\", limit: 40)\nsmall = take(test, 10, seed: 2)\n" : ""
    let setup = files + """
      imgs = rand([6, 1, 28, 28], seed: 1)
      d = dataset(imgs, [0, 1, 2, 3, 4, 5], classes: 10, name: "mine")
      net = cnn(width: 4, seed: 3, label: "tiny")
      h = train(net, d, epochs: 2, batch: 3)
      x = randn([2, 3], seed: 4)
      xs = [1.5, "two", [x, true], nil, 0..4, -1 / 0]
      label = "run 1"
      save_workspace "\(directory)/ws"
      """
    let first = Harness()
    let r = first.run(setup)
    XCTAssertTrue(r.succeeded, first.interpreter.render(r.diagnostics))
    XCTAssertTrue(first.lines.last?.hasPrefix("saved ") ?? false, first.lines.joined(separator: "\n"))
    let second = Harness()
    let check = """
      load_workspace "\(directory)/ws"
      same_logits = all(net(imgs) == old_logits)
      [label, xs[0], xs[1], all(xs[2][0] == x), xs[2][1], xs[3], xs[4], xs[5], d.count, d.name, d.class_names[9], net.label, h.epochs, h.metrics == old_metrics, same_logits]
      """
    guard case .tensor(let logits)? = first.run("net(imgs)").value else { return XCTFail("no logits") }
    second.interpreter.globals.define("old_logits", .tensor(logits))
    second.interpreter.globals.define("old_metrics", first.run("h.metrics").value ?? .nil)
    let result = second.run(check)
    XCTAssertTrue(result.succeeded, second.interpreter.render(result.diagnostics))
    XCTAssertEqual(result.value?.repr, "[\"run 1\", 1.5, \"two\", true, true, nil, 0..4, -inf, 6, \"mine\", \"9\", \"tiny\", 2, true, true]")
    if hasFashionMNIST {
      XCTAssertEqual(second.run("[test.count, small.count, all(small[3] == take(fashion_mnist(\"test\", limit: 40), 10, seed: 2)[3])]").value?.repr,
                     "[40, 10, true]")
      let json = try String(contentsOfFile: "\(directory)/ws/workspace.json", encoding: .utf8)
      XCTAssertTrue(json.contains("take(fashion_mnist(\\\"test\\\", limit: 40), 10, seed: 2)"), "datasets from files are stored by recipe")
    }
  }

  func testSavingReplacesTheDirectoryAndSkipsFunctions() throws {
    let h = Harness()
    XCTAssertTrue(h.run("a = 1\nsave_workspace \"\(directory)/ws\"\ndel a\nb = 2\ndef f(z) { return z }\nsave_workspace \"\(directory)/ws\"").succeeded)
    XCTAssertEqual(h.lines.last, "saved 1 variable to \(directory)/ws; skipped f (function)")
    let fresh = Harness()
    XCTAssertTrue(fresh.run("load_workspace \"\(directory)/ws\"").succeeded)
    XCTAssertEqual(fresh.interpreter.workspace.map(\.name), ["b"])
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory)
    XCTAssertEqual(leftovers, ["ws"], "no temporary or old directories are left behind")
  }

  func testLoadErrors() {
    XCTAssertEqual(errorMessage("load_workspace \"\(directory)/none\""),
                   "load_workspace: \(directory)/none has no workspace.json; is it a directory written by save_workspace?")
  }
}
