// Tests for Gunzip: round trips through zlib's gzwrite, multi-member streams, corrupt and truncated data.

import XCTest
@testable import AegisData

final class GunzipTests: XCTestCase {
  var dir = ""
  override func setUpWithError() throws { dir = try makeScratchDirectory() }
  override func tearDown() { cleanUp(dir) }

  private func gzipped(_ bytes: [UInt8]) throws -> [UInt8] {
    let path = dir + "/\(UUID().uuidString).gz"
    try writeGzip(bytes, to: path)
    return try DataFile.readBytes(path: path)
  }

  func testRoundTripLargeIncompressible() throws {
    var rng = SystemRandomNumberGenerator()
    let bytes = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let packed = try gzipped(bytes)
    XCTAssertTrue(Gunzip.isGzip(packed))
    XCTAssertEqual(try Gunzip.decompress(packed, path: "x.gz"), bytes)
  }

  func testRoundTripHighlyCompressible() throws {
    let bytes = [UInt8](repeating: 7, count: 2_000_000)
    XCTAssertEqual(try Gunzip.decompress(try gzipped(bytes), path: "x.gz"), bytes)
  }

  func testConcatenatedMembers() throws {
    let a: [UInt8] = Array("hello ".utf8), b: [UInt8] = Array("world".utf8)
    XCTAssertEqual(try Gunzip.decompress(try gzipped(a) + gzipped(b), path: "x.gz"), a + b)
  }

  func testTruncatedStreamIsAnError() throws {
    let packed = try gzipped((0..<10_000).map { UInt8($0 % 13) })
    assertDataError(try Gunzip.decompress(Array(packed.prefix(packed.count / 2)), path: "half.gz")) { error in
      guard case .corruptFile(let path, let problem) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, "half.gz")
      XCTAssertTrue(problem.contains("truncated"), problem)
    }
  }

  func testCorruptStreamIsAnError() throws {
    var packed = try gzipped((0..<10_000).map { UInt8($0 % 13) })
    for i in 12..<min(packed.count - 8, 40) { packed[i] ^= 0xA5 }
    assertDataError(try Gunzip.decompress(packed, path: "bad.gz")) { error in
      guard case .corruptFile(let path, _) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, "bad.gz")
    }
  }
}
