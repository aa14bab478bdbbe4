// Tensors in and out: safetensors and .npy round trips inside Aegis, a committed .npy written by
// numpy (and the errors for what numpy writes that Aegis cannot read), files written here read
// by numpy and the `safetensors` package when a python with numpy is available, and
// `dataset(images, labels)` so adversarial examples are data again.

import AegisLang
import AegisTensor
import Foundation
import XCTest

final class TensorFilesTests: XCTestCase {
  private let fixtures = repositoryRoot.appendingPathComponent("Tests/AegisLangTests/Fixtures").path
  private var directory: String = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "aegis-tensor-files-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

  func testNPYWrittenByNumpyLoads() {
    XCTAssertEqual(value("x = load(\"\(fixtures)/numpy_f32.npy\")\n[shape(x), list(x)]"), "[[2, 3], [[0.5, -1.25, 3], [4, 0.0010000000474974513, -7.5]]]")
  }

  func testFloat64IsConvertedWithANote() {
    let lines = output("x = load(\"\(fixtures)/numpy_f64.npy\")\nprint list(x)")
    XCTAssertEqual(lines.first, "note: \(fixtures)/numpy_f64.npy: float64 values converted to float32")
    XCTAssertEqual(lines.last, "[[0, 0.25], [0.5, 0.75], [1, 1.25]]")
  }

  func testFortranOrderAndObjectArraysAreClearErrors() {
    let fortran = errorMessage("load(\"\(fixtures)/numpy_fortran.npy\")") ?? ""
    XCTAssertTrue(fortran.contains("Fortran order") && fortran.contains("np.ascontiguousarray"), fortran)
    let object = errorMessage("load(\"\(fixtures)/numpy_object.npy\")") ?? ""
    XCTAssertTrue(object.contains("'|O'") && object.contains("object arrays"), object)
    let notNPY = errorMessage("load(\"\(fixtures)/../Scripts/tensors.aegis.npy\")") ?? ""
    XCTAssertFalse(notNPY.isEmpty)
  }

  func testRoundTripsInsideAegis() {
    let script = """
      x = reshape(arange(12), [3, 4]) / 7
      export(x, "\(directory)/x.npy")
      save(x, "\(directory)/x.safetensors")
      d = tensor_dict(["adv", "grad"], [x, -x])
      save(d, "\(directory)/d.safetensors")
      save([x, x * 2], "\(directory)/l.safetensors", names: ["a", "b"])
      e = load("\(directory)/d.safetensors")
      l = load("\(directory)/l.safetensors")
      [all(load("\(directory)/x.npy") == x), all(load("\(directory)/x.safetensors") == x), e.names, all(e.grad == -x), all(l.b == x * 2), all(e[0] == x)]
      """
    XCTAssertEqual(value(script), "[true, true, [\"adv\", \"grad\"], true, true, true]")
  }

  func testTensorFileErrors() {
    XCTAssertEqual(errorMessage("save([ones(2), ones(3)], \"\(directory)/a.safetensors\")"),
                   "save: a list of 2 tensors needs names: with one name each")
    XCTAssertEqual(errorMessage("save(ones(2), \"\(directory)/a.txt\")"), "save: \"\(directory)/a.txt\": use a .safetensors or .npy file name")
    XCTAssertEqual(errorMessage("save(tensor_dict([\"a\", \"b\"], [ones(1), ones(1)]), \"\(directory)/a.npy\")"),
                   "save: .npy holds one array; use a .safetensors file for 2 tensors")
  }

  func testModelCheckpointStillLoadsAsAModel() {
    XCTAssertEqual(value("save(cnn(width: 4), \"\(directory)/m.safetensors\")\ntype(load(\"\(directory)/m.safetensors\"))"), "\"Model\"")
  }

  func testDatasetFromAdversarialExamples() {
    let script = """
      imgs = rand([6, 1, 28, 28], seed: 1)
      net = cnn(width: 4, seed: 2)
      labels = list(argmax(net(imgs), axis: 1))
      adv = attack(net, imgs, labels, with: pgd(eps: 0.1, steps: 3))
      d = dataset(adv, labels, classes: 10)
      again = attack(net, d.images, d.labels, with: fgsm(eps: 0.05))
      [d.count, d.classes, accuracy(net, dataset(imgs, labels, like: d)), shape(again)]
      """
    XCTAssertEqual(value(script), "[6, 10, 1, [6, 1, 28, 28]]")
    XCTAssertEqual(errorMessage("dataset(ones([2, 1, 4, 4]) * 2, [0, 1])"), "dataset: image values must be in [0, 1] (found 2)")
    XCTAssertEqual(errorMessage("dataset(ones([2, 1, 4, 4]), [0])"),
                   "dataset: dataset 'custom': 2 images but 1 labels; give one label per image")
  }

  // MARK: - numpy and safetensors in Python

  /// A python3 with numpy: $AEGIS_PYTHON, else the venv scripts/test.sh makes, else none.
  private func python() throws -> String {
    let candidates = [ProcessInfo.processInfo.environment["AEGIS_PYTHON"], repositoryRoot.path + "/.build-venv/bin/python"].compactMap { $0 }
    for path in candidates where FileManager.default.isExecutableFile(atPath: path) {
      if (try? run(path, ["-c", "import numpy"])) == 0 { return path }
    }
    let reason = "no python3 with numpy (set AEGIS_PYTHON; scripts/test.sh makes .build-venv with numpy and safetensors)"
    print("skipped: \(reason)")
    throw XCTSkip(reason)
  }

  @discardableResult
  private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
  }

  func testFilesWrittenHereLoadInNumpyAndSafetensors() throws {
    let py = try python()
    let script = """
      x = reshape(arange(24), [2, 3, 4]) / 8 - 1
      export(x, "\(directory)/x.npy")
      save(tensor_dict(["adv", "grad"], [x, x * 3]), "\(directory)/d.safetensors")
      """
    XCTAssertEqual(output(script).count, 2)
    let check = """
      import numpy as np, sys
      x = np.load("\(directory)/x.npy")
      want = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8 - 1
      assert x.dtype == np.float32 and x.flags['C_CONTIGUOUS'] and x.shape == (2, 3, 4), (x.dtype, x.shape)
      assert np.array_equal(x, want), x
      try:
          from safetensors.numpy import load_file
      except ImportError:
          print("safetensors package missing: only numpy checked"); sys.exit(0)
      d = load_file("\(directory)/d.safetensors")
      assert sorted(d) == ["adv", "grad"] and np.array_equal(d["adv"], want) and np.array_equal(d["grad"], want * 3), d
      """
    let file = directory + "/check.py"
    try check.write(toFile: file, atomically: true, encoding: .utf8)
    XCTAssertEqual(try run(py, [file]), 0, "the python check failed (see its output)")
  }
}
