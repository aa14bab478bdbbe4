// Lockstep parity with PyTorch (docs/parity.md): every `ParityCase` runs in Aegis, is written
// to a safetensors file, and scripts/parity/parity.py replays it with torch on the anchors'
// models, step by step, failing at the first quantity that differs beyond float32 tolerance.
// Needs a python with torch and safetensors: $AEGIS_PARITY_PYTHON, or the venv scripts/test.sh
// creates at .build-venv; skipped (with the reason printed) when neither is there.

import Foundation
import XCTest

final class ParityTests: XCTestCase {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  func testAegisMatchesPyTorchStepByStep() throws {
    let python = try Self.python()
    let directory = try Self.outputDirectory()
    for testCase in ParityCase.all {
      var recorder = ParityRecorder(testCase)
      _ = try recorder.run(into: directory)
    }
    let script = Self.packageRoot.appendingPathComponent("scripts/parity/parity.py").path
    // --self-test: each case is also replayed with deliberate small errors (1 % off a gradient,
    // a wrong momentum, training on the PGD start), every one of which must be reported.
    let (status, output) = try Self.run(python, [script, directory, "--self-test"])
    print(output)
    XCTAssertEqual(status, 0, "parity with PyTorch failed:\n\(output)")
    XCTAssertTrue(output.contains("all \(ParityCase.all.count) cases agree"), output)
    XCTAssertFalse(output.contains("MISSED"), output)
    XCTAssertTrue(output.contains("CAUGHT"), output)
  }

  /// The python to use, or a skip that says how to get one.
  static func python() throws -> String {
    let env = ProcessInfo.processInfo.environment
    let candidates = [env["AEGIS_PARITY_PYTHON"], packageRoot.appendingPathComponent(".build-venv/bin/python").path].compactMap { $0 }
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
      if (try? run(candidate, ["-c", "import torch, safetensors, numpy"]))?.status == 0 { return candidate }
    }
    throw XCTSkip("no python with torch+safetensors+numpy (set AEGIS_PARITY_PYTHON, or let scripts/test.sh create .build-venv)")
  }

  /// $AEGIS_PARITY_OUT (kept, for running parity.py by hand) or a fresh temporary directory.
  static func outputDirectory() throws -> String {
    let path = ProcessInfo.processInfo.environment["AEGIS_PARITY_OUT"]
      ?? NSTemporaryDirectory() + "aegis-parity-\(ProcessInfo.processInfo.processIdentifier)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}
