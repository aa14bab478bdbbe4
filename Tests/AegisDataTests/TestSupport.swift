// Helpers shared by the AegisData tests: scratch directories, IDX and CIFAR byte builders, and
// gzip writing through zlib's gzopen/gzwrite.

import CZlib
import Foundation
import XCTest
@testable import AegisData

/// A fresh empty directory under the system temp folder, removed by `cleanUp`.
func makeScratchDirectory(_ label: String = "aegis-data") throws -> String {
  let path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}

/// Removes a scratch directory.
func cleanUp(_ path: String) {
  try? FileManager.default.removeItem(atPath: path)
}

/// Writes `bytes` to `path` as a plain file.
func writePlain(_ bytes: [UInt8], to path: String) throws {
  try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Writes `bytes` to `path` gzip-compressed, with zlib's gzopen/gzwrite.
func writeGzip(_ bytes: [UInt8], to path: String) throws {
  guard let file = gzopen(path, "wb") else { throw DataError.writeFailed(path: path, reason: "gzopen failed") }
  let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
  let closed = gzclose(file)
  guard written == Int32(bytes.count) || bytes.isEmpty, closed == Z_OK else {
    throw DataError.writeFailed(path: path, reason: "gzwrite failed")
  }
}

/// Big-endian bytes of a UInt32.
func bigEndian(_ value: UInt32) -> [UInt8] {
  [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

/// An IDX image file: `count` images of `rows`×`cols`, pixel value `(i * 7 + p) % 256`.
func idxImageBytes(count: Int, rows: Int, cols: Int) -> [UInt8] {
  var bytes = bigEndian(0x0000_0803) + bigEndian(UInt32(count)) + bigEndian(UInt32(rows)) + bigEndian(UInt32(cols))
  for i in 0..<count {
    for p in 0..<(rows * cols) { bytes.append(UInt8((i * 7 + p) % 256)) }
  }
  return bytes
}

/// An IDX label file with the given labels.
func idxLabelBytes(_ labels: [UInt8]) -> [UInt8] {
  bigEndian(0x0000_0801) + bigEndian(UInt32(labels.count)) + labels
}

/// Writes a small MNIST-style split (`prefix` is `train` or `t10k`) into `directory`.
func writeIDXSplit(prefix: String, count: Int, in directory: String, gzip: Bool = true) throws {
  let labels = (0..<count).map { UInt8($0 % 10) }
  let suffix = gzip ? ".gz" : ""
  let write: ([UInt8], String) throws -> Void = gzip ? writeGzip : writePlain
  try write(idxImageBytes(count: count, rows: 28, cols: 28), "\(directory)/\(prefix)-images-idx3-ubyte\(suffix)")
  try write(idxLabelBytes(labels), "\(directory)/\(prefix)-labels-idx1-ubyte\(suffix)")
}

/// Asserts that `body` throws a `DataError` and hands it to `check`.
func assertDataError<T>(_ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line,
                        _ check: (DataError) -> Void = { _ in }) {
  do {
    _ = try body()
    XCTFail("expected a DataError", file: file, line: line)
  } catch let error as DataError {
    check(error)
  } catch {
    XCTFail("expected a DataError, got \(error)", file: file, line: line)
  }
}
