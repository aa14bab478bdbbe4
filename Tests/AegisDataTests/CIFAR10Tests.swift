// Tests for CIFAR10: generated binary batch files, channel/position of pixels, the nested
// archive folder, limits across files, and truncated or missing files.

import XCTest
@testable import AegisData

final class CIFAR10Tests: XCTestCase {
  var dir = ""
  override func setUpWithError() throws { dir = try makeScratchDirectory() }
  override func tearDown() { cleanUp(dir) }

  /// `count` records; record r has label `(r + first) % 10` and marks in each colour plane.
  private func records(_ count: Int, first: Int = 0) -> [UInt8] {
    var bytes: [UInt8] = []
    for r in 0..<count {
      var record = [UInt8](repeating: 0, count: CIFAR10.recordSize)
      record[0] = UInt8((r + first) % 10)
      record[1 + 2 * 32 + 5] = 255                  // R plane, y 2, x 5
      record[1 + 1024] = 51                         // G plane, y 0, x 0
      record[1 + 2048 + 31 * 32 + 31] = 102         // B plane, y 31, x 31
      record[1 + 1024 + 10 * 32 + 20] = UInt8(r)    // G plane, y 10, x 20: the record index
      bytes += record
    }
    return bytes
  }

  private func writeTrainFiles(in folder: String, perFile: Int = 2) throws {
    for k in 1...5 { try writePlain(records(perFile, first: k), to: "\(folder)/data_batch_\(k).bin") }
  }

  func testPixelsLandInTheRightChannelAndPosition() throws {
    try writePlain(records(3), to: dir + "/test_batch.bin")
    let data = try CIFAR10.load(split: .test, directory: dir)
    XCTAssertEqual(data.images.shape, [3, 3, 32, 32])
    XCTAssertEqual(data.labels, [0, 1, 2])
    XCTAssertEqual(data.name, "cifar10/test")
    func pixel(_ n: Int, _ c: Int, _ y: Int, _ x: Int) -> Float { data.images.storage[((n * 3 + c) * 32 + y) * 32 + x] }
    XCTAssertEqual(pixel(1, 0, 2, 5), 1)
    XCTAssertEqual(pixel(1, 1, 0, 0), 0.2)
    XCTAssertEqual(pixel(1, 2, 31, 31), 0.4, accuracy: 1e-7)
    XCTAssertEqual(pixel(2, 1, 10, 20), Float(2) / 255)
    XCTAssertEqual(pixel(1, 0, 5, 2), 0)
    XCTAssertEqual(data.images.storage.reduce(0, +), 3 * (1 + 0.2 + 0.4) + Float(0 + 1 + 2) / 255, accuracy: 1e-4)
  }

  func testTrainReadsAllFilesInOrderAndNestedFolder() throws {
    let nested = dir + "/" + CIFAR10.archiveFolder
    try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
    try writeTrainFiles(in: nested)
    let data = try CIFAR10.load(split: .train, directory: dir)
    XCTAssertEqual(data.count, 10)
    XCTAssertEqual(data.labels, [1, 2, 2, 3, 3, 4, 4, 5, 5, 6])
    let limited = try CIFAR10.load(split: .train, directory: nested, limit: 3)
    XCTAssertEqual(limited.labels, [1, 2, 2])
    XCTAssertEqual(limited.images.storage, Array(data.images.storage.prefix(3 * 3072)))
  }

  func testTruncatedFile() throws {
    try writePlain(Array(records(2).dropLast(10)), to: dir + "/test_batch.bin")
    assertDataError(try CIFAR10.load(split: .test, directory: dir)) { error in
      XCTAssertEqual(error, .truncatedFile(path: self.dir + "/test_batch.bin", expectedBytes: 2 * 3073, actualBytes: 2 * 3073 - 10))
    }
  }

  func testMissingFilesAndDirectory() throws {
    try writePlain(records(1), to: dir + "/data_batch_1.bin")
    assertDataError(try CIFAR10.load(split: .train, directory: dir)) { error in
      guard case .missingFile(let path, _) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, self.dir + "/data_batch_2.bin")
    }
    assertDataError(try CIFAR10.load(split: .test, directory: dir + "/nope")) { error in
      guard case .missingDirectory = error else { return XCTFail("\(error)") }
      XCTAssertTrue(error.description.contains("cifar-10-binary"), error.description)
    }
  }

  func testBadLabel() throws {
    var bytes = records(1)
    bytes[0] = 42
    try writePlain(bytes, to: dir + "/test_batch.bin")
    assertDataError(try CIFAR10.load(split: .test, directory: dir)) { error in
      guard case .corruptFile = error else { return XCTFail("\(error)") }
    }
  }
}
