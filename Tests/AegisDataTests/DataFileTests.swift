// Tests for DataFile: whole-file reads with gzip detected by content.

import XCTest
@testable import AegisData

final class DataFileTests: XCTestCase {
  var dir = ""
  override func setUpWithError() throws { dir = try makeScratchDirectory() }
  override func tearDown() { cleanUp(dir) }

  func testReadsPlainAndGzipTheSame() throws {
    let bytes = (0..<5000).map { UInt8($0 % 251) }
    try writePlain(bytes, to: dir + "/plain.bin")
    try writeGzip(bytes, to: dir + "/packed.gz")
    XCTAssertEqual(try DataFile.readDecompressed(path: dir + "/plain.bin"), bytes)
    XCTAssertEqual(try DataFile.readDecompressed(path: dir + "/packed.gz"), bytes)
    XCTAssertNotEqual(try DataFile.readBytes(path: dir + "/packed.gz"), bytes)
  }

  func testEmptyFile() throws {
    try writePlain([], to: dir + "/empty")
    XCTAssertEqual(try DataFile.readDecompressed(path: dir + "/empty"), [])
  }

  func testMissingFileNamesThePath() {
    assertDataError(try DataFile.readBytes(path: dir + "/nope")) { error in
      guard case .missingFile(let path, _) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, self.dir + "/nope")
    }
  }

  func testDirectoryIsNotAFile() {
    XCTAssertTrue(DataFile.isDirectory(dir))
    XCTAssertFalse(DataFile.isFile(dir))
    assertDataError(try DataFile.readBytes(path: dir)) { error in
      guard case .unreadableFile = error else { return XCTFail("\(error)") }
    }
  }

  func testJoin() {
    XCTAssertEqual(DataFile.join("/a", "b"), "/a/b")
    XCTAssertEqual(DataFile.join("/a/", "b"), "/a/b")
  }
}
