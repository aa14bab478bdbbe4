// Tests for SafeTensorsDType: sizes and little-endian conversion of every supported dtype.

import XCTest
@testable import AegisData

final class SafeTensorsDTypeTests: XCTestCase {
  private func decode(_ dtype: SafeTensorsDType, _ bytes: [UInt8]) -> [Float] {
    bytes.withUnsafeBytes { dtype.decode($0, count: bytes.count / dtype.byteSize) }
  }

  private func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
  }

  func testSizes() {
    XCTAssertEqual(SafeTensorsDType.f32.byteSize, 4)
    XCTAssertEqual(SafeTensorsDType.bf16.byteSize, 2)
    XCTAssertEqual(SafeTensorsDType.i64.byteSize, 8)
    XCTAssertNil(SafeTensorsDType(rawValue: "C64"))
  }

  func testFloatTypes() {
    XCTAssertEqual(decode(.f32, littleEndianBytes([Float(1.5).bitPattern, Float(-2).bitPattern])), [1.5, -2])
    XCTAssertEqual(decode(.f64, littleEndianBytes([Double(0.25).bitPattern, Double(-3).bitPattern])), [0.25, -3])
    XCTAssertEqual(decode(.bf16, littleEndianBytes([UInt16(0x3F80), 0xC040])), [1, -3])
    XCTAssertEqual(decode(.f16, littleEndianBytes([UInt16(0x3C00), 0xB800, 0x7BFF, 0x0001, 0x0000])),
                   [1, -0.5, 65504, 0x1p-24, 0])
    let special = decode(.f16, littleEndianBytes([UInt16(0x7C00), 0xFC00, 0x7E00]))
    XCTAssertEqual(special[0], .infinity)
    XCTAssertEqual(special[1], -.infinity)
    XCTAssertTrue(special[2].isNaN)
  }

  func testIntegerTypes() {
    XCTAssertEqual(decode(.i64, littleEndianBytes([Int64(-7), 1 << 20])), [-7, 1_048_576])
    XCTAssertEqual(decode(.i32, littleEndianBytes([Int32(-5), 9])), [-5, 9])
    XCTAssertEqual(decode(.i16, littleEndianBytes([Int16(-300)])), [-300])
    XCTAssertEqual(decode(.i8, [0xFF, 0x05]), [-1, 5])
    XCTAssertEqual(decode(.u8, [0xFF, 0x05]), [255, 5])
    XCTAssertEqual(decode(.bool, [0, 1, 2]), [0, 1, 1])
  }
}
