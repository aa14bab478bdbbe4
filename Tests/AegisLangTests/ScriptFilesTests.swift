// Every saved script in scripts/ runs at a small size (its first argument scales it; the second
// names the output folder), so a broken script fails the suite.

import AegisLang
import Foundation
import XCTest

final class ScriptFilesTests: XCTestCase {
  static let scriptsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("scripts")

  func testEveryScriptRunsAtASmallSize() throws {
    guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    let scripts = try FileManager.default.contentsOfDirectory(atPath: Self.scriptsFolder.path)
      .filter { $0.hasSuffix(".aegis") }.sorted()
    XCTAssertFalse(scripts.isEmpty)
    for name in scripts {
      let out = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-script-\(getpid())-\(name)")
      try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: out) }
      var printed: [String] = []
      let interpreter = Interpreter(output: { printed.append($0) })
      interpreter.globals.define("args", .list([.string("600"), .string(out.path)]))
      let start = Date()
      let result = interpreter.runFile(Self.scriptsFolder.appendingPathComponent(name).path)
      XCTAssertTrue(result.succeeded, "\(name): \(interpreter.render(result.diagnostics))\n\(printed.suffix(20).joined(separator: "\n"))")
      let images = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".png") || $0.hasSuffix(".svg") }
      // A script that writes a plan (out/plan/plan.json) trains nothing, so it draws nothing.
      let wrotePlan = FileManager.default.fileExists(atPath: out.appendingPathComponent("plan/plan.json").path)
      XCTAssertFalse(images.isEmpty && !wrotePlan, "\(name) wrote no plot (nor a plan) into its output folder")
      print("\(name) ran in \(String(format: "%.1f", Date().timeIntervalSince(start))) s at size 600")
    }
  }
}
