// Shared pieces of the plan tests: the built `aegis` binary, a tiny grid script (Fashion-MNIST,
// 400 training images, ResNet-8 of width 4, PGD-2/PGD-3: each cell takes seconds), running the
// binary, and comparing tables cell by cell, bit for bit.

import AegisPlan
import AegisSSL
import Foundation
import XCTest

enum PlanFixture {
  /// The `aegis` executable next to the test bundle (or $AEGIS_BINARY).
  static func binary() throws -> String {
    if let custom = ProcessInfo.processInfo.environment["AEGIS_BINARY"] { return custom }
    // The test bundle runs from .build/<triple>/<config>/, next to the executable.
    let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let candidates = [URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("aegis").path]
      + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent().appendingPathComponent("aegis").path }
    guard let found = candidates.first(where: FileManager.default.isExecutableFile) else {
      throw XCTSkip("no aegis binary next to the test bundle: build with --build-tests (it builds the executable too)")
    }
    return found
  }

  static func requireData() throws {
    guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") else {
      throw XCTSkip("Fashion-MNIST is not installed (apt package dataset-fashion-mnist)")
    }
  }

  /// `args`: "run" OUT.json SEEDS [FINETUNE_EPOCHS], or "plan" DIR SEEDS [FINETUNE_EPOCHS].
  static let script = """
    mode = args[0]
    seeds = [0]
    if num(args[2]) > 1 { seeds = [0, 1] }
    finetune_epochs = 1
    if len(args) > 3 { finetune_epochs = num(args[3]) }
    data = fashion_mnist("train", limit: 400)
    test = fashion_mnist("test", limit: 100)
    p = nil
    if mode == "plan" { p = args[1] }
    t = grid(data, test, tasks: [rotation()], pretraining: ["P1", "P3"], finetuning: ["F1", "F4"], seeds: seeds,
             model: resnet(depth: 8, width: 4, data: data), pretrain_epochs: 1, finetune_epochs: finetune_epochs, lr: 0.05, batch: 64,
             attack: pgd(eps: 0.1, steps: 2), eval_attack: pgd(eps: 0.1, steps: 3), validation: 50, plan: p)
    if mode == "run" { export t args[1] }
    """

  static func temporaryDirectory(_ tag: String) throws -> String {
    let dir = NSTemporaryDirectory() + "aegis-plan-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  /// Writes the script into `dir`; returns its path.
  static func writeScript(in dir: String) throws -> String {
    let path = dir + "/tiny-grid.aegis"
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Starts the binary (output to `dir`/`tag`.out), without waiting.
  static func start(_ arguments: [String], in dir: String, environment: [String: String] = [:], tag: String) throws -> ChildProcess {
    var env = environment
    env["AEGIS_BINARY"] = try binary()
    return try ChildProcess(try binary(), arguments, directory: dir, environment: env, output: "\(dir)/\(tag).out")
  }

  /// Runs the binary to the end (at most `timeout` s, then SIGINT, then SIGKILL); returns status and output.
  @discardableResult
  static func run(_ arguments: [String], in dir: String, environment: [String: String] = [:], timeout: Double = 120) throws -> (Int32, String) {
    let tag = "run-\(UUID().uuidString.prefix(6))"
    let process = try start(arguments, in: dir, environment: environment, tag: tag)
    let exited = process.wait(timeout: timeout)
    if !exited { process.stop(SIGINT, grace: 10) }
    let output = (try? String(contentsOfFile: "\(dir)/\(tag).out", encoding: .utf8)) ?? ""
    guard exited else {
      XCTFail("aegis \(arguments) timed out after \(timeout) s (stopped): \(output)")
      return (-1, output)
    }
    return (process.status ?? -1, output)
  }

  /// Polls `done` every 20 ms for at most `timeout` s; returns its last value.
  @discardableResult
  static func waitUntil(timeout: Double, _ done: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !done() {
      if Date() > deadline { return false }
      Thread.sleep(forTimeInterval: 0.02)
    }
    return true
  }

  /// Whether `pid` is gone (or a zombie, which an orphan of a non-reaping init stays forever).
  static func isGone(_ pid: Int32) -> Bool { LockOwner.processStart(pid) == nil }

  /// The whole grid in one process (`grid` as it always ran), as its exported cells.
  static func inProcessCells(seeds: Int, finetuneEpochs: Int = 1, in dir: String) throws -> [GridCell] {
    let script = try writeScript(in: dir)
    let out = dir + "/in-process-\(seeds).json"
    let (status, output) = try run([script, "run", out, String(seeds), String(finetuneEpochs)], in: dir)
    guard status == 0 else { XCTFail("in-process grid failed: \(output)"); return [] }
    struct Export: Decodable { let cells: [GridCell] }
    return try JSONDecoder().decode(Export.self, from: Data(contentsOf: URL(fileURLWithPath: out))).cells
  }

  /// Writes the plan of the tiny grid to `plan` (relative to `dir`).
  static func writePlan(seeds: Int, finetuneEpochs: Int = 1, in dir: String, plan: String) throws {
    let script = try writeScript(in: dir)
    let (status, output) = try run([script, "plan", plan, String(seeds), String(finetuneEpochs)], in: dir)
    XCTAssertEqual(status, 0, output)
  }

  /// Cells keyed by row, P, F and seed, with SA, RA and epochs only (wall times differ).
  static func measurements(_ cells: [GridCell]) -> [String: [Double]] {
    Dictionary(uniqueKeysWithValues: cells.map {
      ("\($0.row) \($0.pretraining.paperName)\($0.finetuning.rawValue) s\($0.seed)",
       [$0.standardAccuracy, $0.robustAccuracy, Double($0.epochsToBestRobust ?? -1)])
    })
  }
}
