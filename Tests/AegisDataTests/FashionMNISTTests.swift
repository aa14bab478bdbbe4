// Tests for FashionMNIST: the real installed files (skipped when absent), the environment
// override of the default directory, and the install hint for a missing directory.

import Foundation
import XCTest
@testable import AegisData

final class FashionMNISTTests: XCTestCase {
  private func requireInstalled() throws {
    try XCTSkipUnless(DataFile.isDirectory(FashionMNIST.installDirectory),
                      "Fashion-MNIST is not installed at \(FashionMNIST.installDirectory)")
  }

  func testRealTrainSplit() throws {
    try requireInstalled()
    let data = try FashionMNIST.load(split: .train, directory: FashionMNIST.installDirectory)
    XCTAssertEqual(data.count, 60000)
    XCTAssertEqual(data.images.shape, [60000, 1, 28, 28])
    XCTAssertEqual(data.classCounts(), [Int](repeating: 6000, count: 10))
    XCTAssertEqual(data.images.storage.min(), 0)
    XCTAssertEqual(data.images.storage.max(), 1)
    XCTAssertEqual(data.classNames[0], "T-shirt/top")
    XCTAssertEqual(data.classNames[9], "Ankle boot")
  }

  func testRealTestSplit() throws {
    try requireInstalled()
    let data = try FashionMNIST.load(split: .test)
    XCTAssertEqual(data.count, 10000)
    XCTAssertEqual(data.imageShape, [1, 28, 28])
    XCTAssertEqual(Set(data.labels), Set(0...9))
    XCTAssertTrue(data.images.storage.allSatisfy { $0 >= 0 && $0 <= 1 })
    XCTAssertEqual(data.name, "fashion-mnist/test")
  }

  func testLimitMatchesPrefixOfFullLoad() throws {
    try requireInstalled()
    let small = try FashionMNIST.load(split: .test, limit: 50)
    let full = try FashionMNIST.load(split: .test)
    XCTAssertEqual(small.count, 50)
    XCTAssertEqual(small.labels, Array(full.labels.prefix(50)))
    XCTAssertEqual(small.images.storage, Array(full.images.storage.prefix(50 * 784)))
  }

  func testEnvironmentVariableOverridesDefaultDirectory() throws {
    let dir = try makeScratchDirectory()
    defer { cleanUp(dir); unsetenv(FashionMNIST.environmentVariable) }
    try writeIDXSplit(prefix: "t10k", count: 5, in: dir, gzip: false)
    setenv(FashionMNIST.environmentVariable, dir, 1)
    XCTAssertEqual(FashionMNIST.defaultDirectory, dir)
    XCTAssertEqual(try FashionMNIST.load(split: .test).count, 5)
    setenv(FashionMNIST.environmentVariable, "", 1)
    XCTAssertEqual(FashionMNIST.defaultDirectory, FashionMNIST.installDirectory)
  }

  func testMissingDirectorySaysHowToInstall() {
    assertDataError(try FashionMNIST.load(directory: "/nonexistent/fmnist")) { error in
      let text = error.description
      XCTAssertTrue(text.contains("/nonexistent/fmnist"), text)
      XCTAssertTrue(text.contains("apt-get install dataset-fashion-mnist"), text)
      XCTAssertTrue(text.contains("directory:"), text)
    }
  }
}
