// Tests for PixelConversion: bytes map exactly to byte / 255.

import XCTest
@testable import AegisData

final class PixelConversionTests: XCTestCase {
  func testUnitFloats() {
    let values = PixelConversion.unitFloats([0, 51, 255] as [UInt8])
    XCTAssertEqual(values, [0, 0.2, 1])
  }

  func testWriteAtOffset() {
    var out = [Float](repeating: -1, count: 4)
    let bytes: [UInt8] = [255, 0]
    bytes.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { PixelConversion.write(src, into: $0, at: 1) }
    }
    XCTAssertEqual(out, [-1, 1, 0, -1])
  }
}
