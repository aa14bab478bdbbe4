// Tests for MNIST: loading generated IDX files and the error for a missing file.

import XCTest
@testable import AegisData

final class MNISTTests: XCTestCase {
  var dir = ""
  override func setUpWithError() throws { dir = try makeScratchDirectory() }
  override func tearDown() { cleanUp(dir) }

  func testLoadsGeneratedFiles() throws {
    try writeIDXSplit(prefix: "train", count: 20, in: dir)
    let data = try MNIST.load(split: .train, directory: dir, limit: 15)
    XCTAssertEqual(data.count, 15)
    XCTAssertEqual(data.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
    XCTAssertEqual(data.name, "mnist/train")
  }

  func testMissingFile() {
    assertDataError(try MNIST.load(split: .test, directory: dir)) { error in
      XCTAssertTrue(error.description.contains("t10k-images-idx3-ubyte.gz"), error.description)
      XCTAssertTrue(error.description.contains("directory:"), error.description)
    }
  }
}
