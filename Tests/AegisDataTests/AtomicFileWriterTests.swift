// Tests for AtomicFileWriter: the target gets the complete new bytes, and failures leave
// neither a half-written target nor temporary files behind.

import Foundation
import XCTest
@testable import AegisData

final class AtomicFileWriterTests: XCTestCase {
  var dir = ""
  override func setUpWithError() throws { dir = try makeScratchDirectory() }
  override func tearDown() { cleanUp(dir) }

  private func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir).sorted() }

  func testWritesAndReplaces() throws {
    let path = dir + "/out.bin"
    try AtomicFileWriter.write(to: path) { try $0.write([1, 2, 3]) }
    XCTAssertEqual(try DataFile.readBytes(path: path), [1, 2, 3])
    try AtomicFileWriter.write(to: path) { sink in
      try sink.write([9])
      try sink.write([8, 7])
    }
    XCTAssertEqual(try DataFile.readBytes(path: path), [9, 8, 7])
    XCTAssertEqual(try entries(), ["out.bin"])
  }

  func testFailingBodyLeavesOldFileAndNoTemporary() throws {
    let path = dir + "/out.bin"
    try AtomicFileWriter.write(to: path) { try $0.write([1]) }
    struct Boom: Error {}
    XCTAssertThrowsError(try AtomicFileWriter.write(to: path) { sink in
      try sink.write([5, 5, 5])
      throw Boom()
    })
    XCTAssertEqual(try DataFile.readBytes(path: path), [1])
    XCTAssertEqual(try entries(), ["out.bin"])
  }

  func testRenameFailureCleansUp() throws {
    try FileManager.default.createDirectory(atPath: dir + "/target", withIntermediateDirectories: false)
    try writePlain([1], to: dir + "/target/inside")
    assertDataError(try AtomicFileWriter.write(to: self.dir + "/target") { try $0.write([1, 2]) }) { error in
      guard case .writeFailed(let path, _) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, self.dir + "/target")
    }
    XCTAssertEqual(try entries(), ["target"])
  }

  func testMissingDirectoryIsAnError() {
    assertDataError(try AtomicFileWriter.write(to: self.dir + "/no/such/file") { try $0.write([1]) }) { error in
      XCTAssertTrue(error.description.contains("/no/such/file"), error.description)
    }
  }

  func testPathHelpers() {
    XCTAssertEqual(AtomicFileWriter.directory(of: "a/b/c.st"), "a/b")
    XCTAssertEqual(AtomicFileWriter.directory(of: "c.st"), ".")
    XCTAssertEqual(AtomicFileWriter.directory(of: "/c.st"), "/")
    XCTAssertEqual(AtomicFileWriter.fileName(of: "a/b/c.st"), "c.st")
    XCTAssertTrue(AtomicFileWriter.temporaryPath(for: "a/b/c.st").hasPrefix("a/b/.c.st.tmp-"))
  }
}
