// `train(..., resume: F)` and `finetune(..., resume: F)`: a run that finds its resume file
// continues after the saved epochs (here: all of them, so it returns at once with the same
// history and weights), and a file of another run is a located error.

import AegisLang
import Foundation
import XCTest

final class ResumeBuiltinTests: XCTestCase {
  func testTrainWithAResumeFileContinuesInsteadOfStartingOver() throws {
    guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") else { throw XCTSkip("needs dataset-fashion-mnist") }
    let dir = NSTemporaryDirectory() + "aegis-resume-lang-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let h = Harness()
    let setup = """
      d = fashion_mnist("train", limit: 128)
      x = take(d, 8).images
      a = resnet(depth: 8, width: 4, data: d, seed: 1)
      ha = train(a, d, epochs: 2, batch: 64, seed: 3, resume: "\(dir)/a.safetensors")
      b = resnet(depth: 8, width: 4, data: d, seed: 1)
      """
    XCTAssertTrue(h.run(setup).succeeded, h.interpreter.render(h.run("").diagnostics))
    XCTAssertTrue(h.lines.contains { $0.contains("epoch 2/2") }, "the first run trained: \(h.lines)")
    let before = h.lines.count
    XCTAssertTrue(h.run("hb = train(b, d, epochs: 2, batch: 64, seed: 3, resume: \"\(dir)/a.safetensors\")").succeeded)
    XCTAssertFalse(h.lines[before...].contains { $0.contains("epoch 1/2") || $0.contains("epoch 2/2") }, "no epoch ran again: \(h.lines[before...])")
    XCTAssertEqual(h.run("ha.loss == hb.loss").value?.repr, "true")
    XCTAssertEqual(h.run("sum(abs(a(x) - b(x)))").value?.repr, "tensor(0)")

    let r = h.run("c = resnet(depth: 8, width: 4, data: d, seed: 1)\ntrain(c, d, epochs: 3, batch: 64, seed: 3, resume: \"\(dir)/a.safetensors\")")
    let e = try XCTUnwrap(r.diagnostics.first)
    XCTAssertTrue(e.message.contains("different run") && e.message.contains("epochs 2 → 3"), e.message)
    XCTAssertEqual(e.location?.line, 2)
  }
}
