// Tests for SafeTensorsHeader: JSON encoding (escaping, padding, offsets) and validation.

import Foundation
import XCTest
@testable import AegisData

final class SafeTensorsHeaderTests: XCTestCase {
  private func decode(_ json: String, bufferSize: Int) throws -> SafeTensorsHeader {
    try SafeTensorsHeader.decode(Data(json.utf8), bufferSize: bufferSize, path: "h.safetensors")
  }

  func testEncodeIsCompactOrderedAndPadded() throws {
    let bytes = SafeTensorsHeader.encode(names: ["w", "b"], shapes: [[2, 3], [3]], metadata: ["epoch": "3"])
    XCTAssertEqual(bytes.count % 8, 0)
    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    XCTAssertEqual(text, #"{"__metadata__":{"epoch":"3"},"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"b":{"dtype":"F32","shape":[3],"data_offsets":[24,36]}}"#)
    let header = try SafeTensorsHeader.decode(Data(bytes), bufferSize: 36, path: "x")
    XCTAssertEqual(header.entries.map(\.name), ["w", "b"])
    XCTAssertEqual(header.metadata, ["epoch": "3"])
  }

  func testQuoteEscapes() throws {
    let odd = "a\"b\\c\nd\u{1}é/"
    let quoted = SafeTensorsHeader.quote(odd)
    XCTAssertEqual(try JSONDecoder().decode(String.self, from: Data(quoted.utf8)), odd)
  }

  func testScalarAndEmptyTensors() throws {
    let header = try decode(#"{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]}}"#, bufferSize: 4)
    XCTAssertEqual(header.entries.map(\.name), ["s", "e"])
    XCTAssertEqual(header.entries[0].shape, [])
  }

  func testNullMetadataIsAccepted() throws {
    XCTAssertEqual(try decode(#"{"__metadata__":null}"#, bufferSize: 0).metadata, [:])
  }

  func testRejections() {
    let bad: [(String, Int)] = [
      ("not json", 0),
      (#"[1, 2]"#, 0),
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4),          // past the buffer
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, 8),          // size mismatch
      (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#, 8),          // reversed
      (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, 8),            // one offset
      (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 8),         // negative dim
      (#"{"a":{"dtype":"F32","shape":[1]}}"#, 8),                               // no offsets
      (#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, 8),        // fractional dim
      (#"{"__metadata__":{"k":1}}"#, 0),                                        // non-string metadata
      (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8),
      (#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, 8),
    ]
    for (json, size) in bad {
      XCTAssertThrowsError(try decode(json, bufferSize: size), json) { error in
        guard case .invalidHeader(let path, _)? = error as? DataError else { return XCTFail("\(json): \(error)") }
        XCTAssertEqual(path, "h.safetensors")
      }
    }
  }

  func testUnknownDType() {
    XCTAssertThrowsError(try decode(#"{"z":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, bufferSize: 8)) { error in
      XCTAssertEqual(error as? DataError, .unsupportedDType(path: "h.safetensors", tensor: "z", dtype: "C64"))
    }
  }
}
