// End-to-end tests of the built `aegis` executable without a terminal: `-e`, scripts (syntax
// and runtime errors, exit codes, `args`, shebang), piped stdin, `bench --json --quick`, `docs`.
// The binary sits next to the test bundle in `.build/<config>/` (or set AEGIS_BINARY).

import Foundation
import XCTest

/// The `aegis` executable built with the tests.
enum AegisBinary {
  static var url: URL? {
    if let custom = ProcessInfo.processInfo.environment["AEGIS_BINARY"] { return URL(fileURLWithPath: custom) }
    var candidates = [Bundle.main.bundleURL]
    candidates += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }.map { $0.deletingLastPathComponent() }
    return candidates.map { $0.appendingPathComponent("aegis") }
      .first { FileManager.default.isExecutableFile(atPath: $0.path) }
  }

  /// The binary, or a test failure explaining how to build it.
  static func require(file: StaticString = #filePath, line: UInt = #line) throws -> URL {
    guard let url else {
      XCTFail("aegis executable not found next to the test bundle; run `swift build --product aegis` first",
              file: file, line: line)
      throw XCTSkip("no aegis binary")
    }
    return url
  }
}

/// What one run of the executable produced.
struct ProcessOutput {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs `aegis arguments` with optional stdin, killing it after `timeout` seconds.
func runAegis(_ arguments: [String], stdin: String? = nil, timeout: Double = 30, environment extra: [String: String] = [:],
              file: StaticString = #filePath, line: UInt = #line) throws -> ProcessOutput {
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-cli-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: directory) }
  let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
  FileManager.default.createFile(atPath: outURL.path, contents: nil)
  FileManager.default.createFile(atPath: errURL.path, contents: nil)

  let process = Process()
  process.executableURL = try AegisBinary.require(file: file, line: line)
  process.arguments = arguments
  process.currentDirectoryURL = directory
  var environment = ProcessInfo.processInfo.environment
  environment["AEGIS_HISTORY"] = directory.appendingPathComponent("history").path
  environment.merge(extra) { _, new in new }
  process.environment = environment
  process.standardOutput = try FileHandle(forWritingTo: outURL)
  process.standardError = try FileHandle(forWritingTo: errURL)
  let input = Pipe()
  process.standardInput = stdin == nil ? FileHandle.nullDevice : input
  try process.run()
  if let stdin {
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
  }
  let deadline = Date().addingTimeInterval(timeout)
  while process.isRunning && Date() < deadline { usleep(10_000) }
  if process.isRunning {
    kill(process.processIdentifier, SIGKILL)
    XCTFail("aegis \(arguments) did not finish within \(timeout) s", file: file, line: line)
  }
  process.waitUntilExit()
  let read = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
  return ProcessOutput(status: process.terminationStatus, stdout: read(outURL), stderr: read(errURL))
}

final class CommandLineTests: XCTestCase {
  private var scratch: URL!

  override func setUpWithError() throws {
    scratch = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-scripts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  }

  override func tearDown() {
    try? FileManager.default.removeItem(at: scratch)
  }

  private func script(_ name: String, _ text: String) throws -> String {
    let url = scratch.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  func testEvalPrintsAndExitsZero() throws {
    let r = try runAegis(["-e", "print 1+2"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout, "3\n")
    XCTAssertEqual(r.stderr, "")
  }

  func testSyntaxErrorsAreAllReportedAndNothingRuns() throws {
    let path = try script("bad.aegis", "print \"before\"\nx = = 1\nz = ]\nprint \"after\"\n")
    let r = try runAegis([path])
    XCTAssertEqual(r.status, 65)
    XCTAssertEqual(r.stdout, "", "nothing may run when the script has a syntax error")
    XCTAssertTrue(r.stderr.contains("\(path):2:5: error:"), r.stderr)
    XCTAssertTrue(r.stderr.contains("\(path):3:5: error:"), r.stderr)
    XCTAssertTrue(r.stderr.contains("x = = 1\n    ^"), r.stderr)
    XCTAssertFalse(r.stderr.contains("\u{1B}["), "no colors when stderr is not a terminal")
  }

  func testRuntimeErrorExits70AfterEarlierOutput() throws {
    let path = try script("runtime.aegis", "print \"before\"\nprint nope\nprint \"after\"\n")
    let r = try runAegis(["run", path])
    XCTAssertEqual(r.status, 70)
    XCTAssertEqual(r.stdout, "before\n")
    XCTAssertTrue(r.stderr.contains("\(path):2:7: error: undefined name `nope`"), r.stderr)
    XCTAssertTrue(r.stderr.contains("print nope\n      ^~~~"), r.stderr)
  }

  func testScriptArgumentsAndShebang() throws {
    let path = try script("args.aegis", "#!/usr/bin/env aegis\nprint args\nprint len(args)\n")
    let direct = try runAegis([path, "a", "-b", "--c"])
    XCTAssertEqual(direct.status, 0, direct.stderr)
    XCTAssertEqual(direct.stdout, "[\"a\", \"-b\", \"--c\"]\n3\n")
    let viaRun = try runAegis(["run", path, "x"])
    XCTAssertEqual(viaRun.stdout, "[\"x\"]\n1\n", viaRun.stderr)
  }

  func testPipedStdinRunsAsScriptWithoutPrompts() throws {
    let r = try runAegis([], stdin: "x = 2\nprint x * 21\nx * 100\n")
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertEqual(r.stdout, "42\n")
    XCTAssertFalse(r.stdout.contains("aegis>"))
  }

  func testPipedSyntaxErrorNamesStdin() throws {
    let r = try runAegis([], stdin: "print 1\nprint (\n")
    XCTAssertEqual(r.status, 65)
    XCTAssertEqual(r.stdout, "")
    XCTAssertTrue(r.stderr.contains("<stdin>:"), r.stderr)
  }

  func testUsageErrorsExit64() throws {
    XCTAssertEqual(try runAegis(["--no-such-flag"]).status, 64)
    let missing = try runAegis([scratch.appendingPathComponent("missing.aegis").path])
    XCTAssertEqual(missing.status, 64)
    XCTAssertTrue(missing.stderr.contains("cannot read"), missing.stderr)
  }

  func testBenchQuickJSON() throws {
    let r = try runAegis(["bench", "--json", "--quick"], timeout: 120)
    XCTAssertEqual(r.status, 0, r.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    for model in ["smallcnn", "resnet"] {
      let figures = json?[model] as? [String: Any]
      for figure in ["infer_img_s", "train_step_img_s", "pgd10_step_img_s"] {
        let rate = (figures?[figure] as? NSNumber)?.doubleValue ?? 0
        XCTAssertGreaterThan(rate, 0, "\(model).\(figure) in \(r.stdout)")
      }
    }
  }

  /// The ResNet and SmallCNN layout follows the kernels oneDNN has: on a CPU limited to AVX2
  /// (emulated with ONEDNN_MAX_CPU_ISA) blocked nChw16c would run oneDNN's reference code, so
  /// channels-last is chosen; with AEGIS_LAYOUT the choice is forced.
  func testStoredLayoutFollowsTheMachine() throws {
    let script = "print resnet().layout, resnet(width: 8).layout, cnn().layout"
    let avx2 = try runAegis(["-e", script], environment: ["ONEDNN_MAX_CPU_ISA": "AVX2", "AEGIS_LAYOUT": ""])
    XCTAssertEqual(avx2.status, 0, avx2.stderr)
    XCTAssertEqual(avx2.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "nhwc nhwc nhwc")
    let forced = try runAegis(["-e", script], environment: ["AEGIS_LAYOUT": "nchw"])
    XCTAssertEqual(forced.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "nchw nchw nchw")
    let here = try runAegis(["-e", "print resnet().layout, cnn().layout, cnn(width: 8).layout"], environment: ["AEGIS_LAYOUT": ""])
    XCTAssertTrue(["nChw16c nChw16c nhwc", "nhwc nhwc nhwc"].contains(here.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), here.stdout)
  }

  func testDocsPrintsTheReference() throws {
    let r = try runAegis(["docs"])
    XCTAssertEqual(r.status, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasPrefix("# Aegis language reference\n"))
    XCTAssertTrue(r.stdout.contains("### `zeros(shape"))
  }
}
