// Tests for DataError: every message names the file and says how to fix the problem.

import XCTest
@testable import AegisData

final class DataErrorTests: XCTestCase {
  func testMessagesNameTheFileAndAFix() {
    let cases: [DataError] = [
      .missingFile(path: "/d/f.gz", hint: "Install it."),
      .unreadableFile(path: "/d/f.gz", reason: "permission denied"),
      .badMagic(path: "/d/f.gz", found: 0x1234, expected: "0x00000803"),
      .truncatedFile(path: "/d/f.gz", expectedBytes: 100, actualBytes: 10),
      .corruptFile(path: "/d/f.gz", problem: "bad"),
      .invalidHeader(path: "/d/f.gz", problem: "bad"),
      .unsupportedDType(path: "/d/f.gz", tensor: "w", dtype: "C64"),
      .writeFailed(path: "/d/f.gz", reason: "disk full"),
    ]
    for error in cases {
      XCTAssertTrue(error.description.contains("/d/f.gz"), error.description)
      XCTAssertGreaterThan(error.description.count, 40, error.description)
    }
  }

  func testMagicIsShownInHex() {
    let text = DataError.badMagic(path: "x", found: 0x0803, expected: "0x00000801").description
    XCTAssertTrue(text.contains("0x00000803"), text)
  }

  func testUnsupportedDTypeListsSupportedTypes() {
    let text = DataError.unsupportedDType(path: "m.safetensors", tensor: "w", dtype: "C64").description
    XCTAssertTrue(text.contains("F32") && text.contains("C64") && text.contains("'w'"), text)
  }
}
