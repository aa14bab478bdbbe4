// The kernel driven by real Jupyter clients (Python): jupyter_kernel_test's conformance suite,
// nbclient running a notebook, interrupts, and a forged signature. Each test runs one script of
// Python/ with the venv that scripts/test.sh prepares ($AEGIS_JUPYTER_PYTHON, or
// .build-venv/ in the package); without it the tests are skipped with the reason.

import Foundation
import XCTest

final class JupyterClientTests: XCTestCase {
  func testConformanceSuite() throws { try runScript("conformance.py") }
  func testNotebookWithTrainingPlotAndErrorCells() throws { try runScript("notebook.py") }
  func testInterruptStopsTrainingAndKeepsTheWorkspace() throws { try runScript("interrupt.py") }
  func testWrongSignatureIsRejectedAndLogged() throws { try runScript("bad_hmac.py") }
  func testCellsQueuedBehindAnErrorAreAborted() throws { try runScript("abort_queue.py") }

  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python")

  /// The venv's python with jupyter_client, nbclient and jupyter_kernel_test, or a skip.
  static func python() throws -> URL {
    let environment = ProcessInfo.processInfo.environment
    let path = environment["AEGIS_JUPYTER_PYTHON"] ?? packageRoot.appendingPathComponent(".build-venv/bin/python").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
      print("JupyterClientTests skipped: no Python venv at \(path) (scripts/test.sh creates it; or set AEGIS_JUPYTER_PYTHON)")
      throw XCTSkip("no Jupyter venv at \(path)")
    }
    let check = try run(URL(fileURLWithPath: path), ["-c", "import jupyter_client, nbclient, nbformat, jupyter_kernel_test"], timeout: 60)
    guard check.status == 0 else {
      print("JupyterClientTests skipped: \(path) lacks jupyter_client/nbclient/nbformat/jupyter_kernel_test")
      throw XCTSkip("the venv at \(path) lacks the Jupyter packages")
    }
    return URL(fileURLWithPath: path)
  }

  /// The `aegis` executable next to the test bundle (or $AEGIS_BINARY).
  static func aegis() throws -> URL {
    if let custom = ProcessInfo.processInfo.environment["AEGIS_BINARY"] { return URL(fileURLWithPath: custom) }
    let candidates = [Bundle.main.bundleURL] + Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }.map { $0.deletingLastPathComponent() }
    guard let found = candidates.map({ $0.appendingPathComponent("aegis") }).first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
      XCTFail("aegis executable not found next to the test bundle; build with --build-tests (it builds the product too)")
      throw XCTSkip("no aegis binary")
    }
    return found
  }

  private func runScript(_ name: String) throws {
    let python = try Self.python()
    var environment = ProcessInfo.processInfo.environment
    environment["AEGIS_EXECUTABLE"] = try Self.aegis().path
    let result = try Self.run(python, [Self.scripts.appendingPathComponent(name).path], environment: environment, timeout: 600)
    XCTAssertEqual(result.status, 0, "\(name) failed:\n\(result.output)")
  }

  /// Runs a process (output and errors together), killing it after `timeout` seconds.
  static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                  timeout: Double) throws -> (status: Int32, output: String) {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-jupyter-\(UUID().uuidString).log")
    FileManager.default.createFile(atPath: log.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: log) }
    let handle = try FileHandle(forWritingTo: log)
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = scripts
    if let environment { process.environment = environment }
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    try handle.close()
    return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
  }
}
