// Tests for SafeTensorsFile: round trips, a file built byte by byte from the spec, and
// rejection of truncated or corrupt files; writes leave no temporary files behind.

import AegisTensor
import Foundation
import XCTest
@testable import AegisData

final class SafeTensorsFileTests: XCTestCase {
  var dir = ""
  override func setUpWithError() throws { dir = try makeScratchDirectory() }
  override func tearDown() { cleanUp(dir) }

  private func littleEndian64(_ n: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(n).littleEndian) { Array($0) } }

  /// A file following the spec: length, JSON header, then the data buffer.
  private func specFile(header: String, data: [UInt8]) -> [UInt8] {
    let json = Array(header.utf8)
    return littleEndian64(json.count) + json + data
  }

  func testRoundTripKeepsValuesOrderAndMetadata() throws {
    var rng = RandomGenerator(seed: 7)
    let tensors: [(name: String, tensor: Tensor)] = [
      ("conv1.weight", Tensor.normal([8, 3, 3, 3], rng: &rng)),
      ("bn.running_mean", Tensor.zeros([8])),
      ("a.bias", Tensor(shape: [2], storage: [.infinity, -0.0])),
      ("scalar", Tensor(3.25)),
      ("empty", Tensor.zeros([0, 4])),
      ("fc.weight \"quoted\"", Tensor.uniform([10, 8], rng: &rng)),
    ]
    let path = dir + "/model.safetensors"
    try SafeTensorsFile.write(tensors, metadata: ["epoch": "12", "arch": "resnet/8"], to: path)
    let loaded = try SafeTensorsFile.read(path: path)
    XCTAssertEqual(loaded.names, tensors.map(\.name))
    XCTAssertEqual(loaded.metadata, ["epoch": "12", "arch": "resnet/8"])
    for (name, tensor) in tensors {
      XCTAssertEqual(loaded.tensors[name]?.shape, tensor.shape, name)
      XCTAssertEqual(loaded.tensors[name]?.storage, tensor.storage, name)
    }
    XCTAssertEqual(try DataFile.readBytes(path: path).count % 4, 0)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["model.safetensors"])
  }

  func testWrittenHeaderIsPaddedToEightBytes() throws {
    let path = dir + "/p.safetensors"
    try SafeTensorsFile.write([("x", Tensor.ones([3]))], metadata: [:], to: path)
    let bytes = try DataFile.readBytes(path: path)
    let length = Int(bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
    XCTAssertEqual(length % 8, 0)
    XCTAssertEqual(bytes.count, 8 + length + 12)
    XCTAssertEqual(bytes[8], UInt8(ascii: "{"))
  }

  func testHandBuiltSpecFileLoads() throws {
    let header = #"{"__metadata__":{"format":"pt"},"b":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]},"#
      + #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"i":{"dtype":"I64","shape":[1],"data_offsets":[12,20]}}   "#
    let data: [UInt8] = [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0,   // F32 1.5, -2
                         0x00, 0x3C, 0x00, 0xB8,                           // F16 1, -0.5
                         0xF9, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]   // I64 -7
    let path = dir + "/spec.safetensors"
    try writePlain(specFile(header: header, data: data), to: path)
    let loaded = try SafeTensorsFile.read(path: path)
    XCTAssertEqual(loaded.names, ["a", "b", "i"])
    XCTAssertEqual(loaded.metadata, ["format": "pt"])
    XCTAssertEqual(loaded.tensors["a"]?.storage, [1.5, -2])
    XCTAssertEqual(loaded.tensors["b"]?.shape, [1, 2])
    XCTAssertEqual(loaded.tensors["b"]?.storage, [1, -0.5])
    XCTAssertEqual(loaded.tensors["i"]?.storage, [-7])
  }

  func testTooShortFile() throws {
    try writePlain([1, 2, 3], to: dir + "/short.safetensors")
    assertDataError(try SafeTensorsFile.read(path: self.dir + "/short.safetensors")) { error in
      XCTAssertEqual(error, .truncatedFile(path: self.dir + "/short.safetensors", expectedBytes: 8, actualBytes: 3))
    }
  }

  func testHeaderLengthBeyondFile() throws {
    try writePlain(littleEndian64(1000) + Array("{}".utf8), to: dir + "/long.safetensors")
    assertDataError(try SafeTensorsFile.read(path: self.dir + "/long.safetensors")) { error in
      guard case .invalidHeader(let path, _) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, self.dir + "/long.safetensors")
    }
    try writePlain(littleEndian64(Int(Int64.max)) + Array("{}".utf8), to: dir + "/huge.safetensors")
    assertDataError(try SafeTensorsFile.read(path: self.dir + "/huge.safetensors"))
  }

  func testTruncatedDataIsRejected() throws {
    let path = dir + "/cut.safetensors"
    try SafeTensorsFile.write([("w", Tensor.ones([16]))], metadata: [:], to: path)
    let bytes = try DataFile.readBytes(path: path)
    try writePlain(Array(bytes.dropLast(5)), to: path)
    assertDataError(try SafeTensorsFile.read(path: path)) { error in
      guard case .invalidHeader = error else { return XCTFail("\(error)") }
      XCTAssertTrue(error.description.contains("cut.safetensors"), error.description)
    }
  }

  func testInvalidJSONAndUnknownDType() throws {
    try writePlain(specFile(header: "{not json}", data: []), to: dir + "/bad.safetensors")
    assertDataError(try SafeTensorsFile.read(path: self.dir + "/bad.safetensors")) { error in
      guard case .invalidHeader = error else { return XCTFail("\(error)") }
    }
    try writePlain(specFile(header: #"{"c":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)),
                   to: dir + "/c64.safetensors")
    assertDataError(try SafeTensorsFile.read(path: self.dir + "/c64.safetensors")) { error in
      XCTAssertEqual(error, .unsupportedDType(path: self.dir + "/c64.safetensors", tensor: "c", dtype: "C64"))
    }
  }

  func testOverlappingOffsetsAreRejected() throws {
    let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
    try writePlain(specFile(header: header, data: [UInt8](repeating: 0, count: 12)), to: dir + "/o.safetensors")
    assertDataError(try SafeTensorsFile.read(path: self.dir + "/o.safetensors")) { error in
      XCTAssertTrue(error.description.contains("overlap"), error.description)
    }
  }

  func testBadNamesAreRejectedBeforeWriting() {
    let path = dir + "/n.safetensors"
    assertDataError(try SafeTensorsFile.write([("x", Tensor.ones([1])), ("x", Tensor.ones([1]))], metadata: [:], to: path))
    assertDataError(try SafeTensorsFile.write([("__metadata__", Tensor.ones([1]))], metadata: [:], to: path))
    assertDataError(try SafeTensorsFile.write([("", Tensor.ones([1]))], metadata: [:], to: path))
    XCTAssertFalse(DataFile.isFile(path))
  }

  func testOverwriteIsAtomicAndLeavesNoTemporaryFiles() throws {
    let path = dir + "/ckpt.safetensors"
    for epoch in 0..<5 {
      try SafeTensorsFile.write([("w", Tensor.full([100], Float(epoch)))], metadata: ["epoch": "\(epoch)"], to: path)
    }
    XCTAssertEqual(try SafeTensorsFile.read(path: path).metadata["epoch"], "4")
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["ckpt.safetensors"])
  }

  func testMissingFile() {
    assertDataError(try SafeTensorsFile.read(path: self.dir + "/none.safetensors")) { error in
      guard case .missingFile = error else { return XCTFail("\(error)") }
    }
  }
}
