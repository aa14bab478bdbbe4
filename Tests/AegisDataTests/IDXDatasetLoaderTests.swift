// Tests for IDXDatasetLoader: file discovery (.gz and plain names), limits, label checks and
// mismatched files, on small generated IDX files.

import XCTest
@testable import AegisData

final class IDXDatasetLoaderTests: XCTestCase {
  var dir = ""
  override func setUpWithError() throws { dir = try makeScratchDirectory() }
  override func tearDown() { cleanUp(dir) }

  private let loader = IDXDatasetLoader(name: "toy", classNames: (0...9).map(String.init), missingHint: "Get the toy files.")

  func testLoadsGzipSplit() throws {
    try writeIDXSplit(prefix: "train", count: 12, in: dir)
    let data = try loader.load(split: .train, directory: dir, limit: nil)
    XCTAssertEqual(data.name, "toy/train")
    XCTAssertEqual(data.images.shape, [12, 1, 28, 28])
    XCTAssertEqual(data.labels, (0..<12).map { $0 % 10 })
    XCTAssertEqual(data.images.storage[0], 0)
    XCTAssertEqual(data.images.storage[784 + 1], Float(8) / 255, accuracy: 1e-7)
  }

  func testLoadsPlainSplitWithLimit() throws {
    try writeIDXSplit(prefix: "t10k", count: 9, in: dir, gzip: false)
    let data = try loader.load(split: .test, directory: dir, limit: 4)
    XCTAssertEqual(data.count, 4)
    XCTAssertEqual(data.images.count, 4 * 784)
    XCTAssertEqual(try loader.load(split: .test, directory: dir, limit: 0).count, 0)
  }

  func testMissingFileNamesPathAndHint() throws {
    try writeIDXSplit(prefix: "train", count: 3, in: dir)
    assertDataError(try loader.load(split: .test, directory: dir, limit: nil)) { error in
      XCTAssertEqual(error, .missingFile(path: self.dir + "/t10k-images-idx3-ubyte.gz", hint: "Get the toy files."))
    }
  }

  func testMissingDirectory() {
    assertDataError(try loader.load(split: .train, directory: dir + "/none", limit: nil)) { error in
      XCTAssertEqual(error, .missingDirectory(path: self.dir + "/none", hint: "Get the toy files."))
    }
  }

  func testImageAndLabelCountsMustMatch() throws {
    try writeGzip(idxImageBytes(count: 3, rows: 28, cols: 28), to: dir + "/train-images-idx3-ubyte.gz")
    try writeGzip(idxLabelBytes([1, 2]), to: dir + "/train-labels-idx1-ubyte.gz")
    assertDataError(try loader.load(split: .train, directory: dir, limit: 1)) { error in
      guard case .inconsistentFiles = error else { return XCTFail("\(error)") }
    }
  }

  func testOutOfRangeLabelIsCorrupt() throws {
    try writeGzip(idxImageBytes(count: 2, rows: 28, cols: 28), to: dir + "/train-images-idx3-ubyte.gz")
    try writeGzip(idxLabelBytes([1, 12]), to: dir + "/train-labels-idx1-ubyte.gz")
    assertDataError(try loader.load(split: .train, directory: dir, limit: nil)) { error in
      guard case .corruptFile(let path, _) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, self.dir + "/train-labels-idx1-ubyte.gz")
    }
  }

  func testNegativeLimit() throws {
    assertDataError(try loader.load(split: .train, directory: dir, limit: -3))
  }
}
