// Tests for IDXReader: generated plain and gzip IDX files, limits, and each documented error.

import XCTest
@testable import AegisData

final class IDXReaderTests: XCTestCase {
  var dir = ""
  override func setUpWithError() throws { dir = try makeScratchDirectory() }
  override func tearDown() { cleanUp(dir) }

  func testReadsPlainAndGzipImages() throws {
    let bytes = idxImageBytes(count: 3, rows: 4, cols: 5)
    try writePlain(bytes, to: dir + "/img")
    try writeGzip(bytes, to: dir + "/img.gz")
    for path in [dir + "/img", dir + "/img.gz"] {
      let images = try IDXReader.readImages(path: path)
      XCTAssertEqual(images.dimensions, [3, 4, 5])
      XCTAssertEqual(images.bytes, Array(bytes[16...]))
    }
  }

  func testReadsLabelsWithLimit() throws {
    try writeGzip(idxLabelBytes([3, 1, 4, 1, 5]), to: dir + "/lab.gz")
    XCTAssertEqual(try IDXReader.readLabels(path: dir + "/lab.gz").bytes, [3, 1, 4, 1, 5])
    let limited = try IDXReader.readLabels(path: dir + "/lab.gz", limit: 2)
    XCTAssertEqual(limited.dimensions, [2])
    XCTAssertEqual(limited.bytes, [3, 1])
    XCTAssertEqual(try IDXReader.readLabels(path: dir + "/lab.gz", limit: 99).bytes.count, 5)
  }

  func testWrongMagic() throws {
    try writeGzip(idxLabelBytes([1, 2]), to: dir + "/lab.gz")
    assertDataError(try IDXReader.readImages(path: dir + "/lab.gz")) { error in
      guard case .badMagic(let path, let found, _) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(path, self.dir + "/lab.gz")
      XCTAssertEqual(found, 0x0801)
    }
    assertDataError(try IDXReader.parse([0x12, 0x34, 0x56, 0x78], magic: IDXReader.labelsMagic, path: "x")) { error in
      guard case .badMagic = error else { return XCTFail("\(error)") }
    }
  }

  func testTruncatedData() throws {
    let bytes = idxImageBytes(count: 3, rows: 4, cols: 5)
    try writeGzip(Array(bytes.dropLast(7)), to: dir + "/short.gz")
    assertDataError(try IDXReader.readImages(path: dir + "/short.gz")) { error in
      XCTAssertEqual(error, .truncatedFile(path: self.dir + "/short.gz", expectedBytes: bytes.count, actualBytes: bytes.count - 7))
      XCTAssertTrue(error.description.contains("short.gz"))
    }
  }

  func testTruncatedHeader() {
    assertDataError(try IDXReader.parse([0, 0], magic: IDXReader.imagesMagic, path: "x")) { error in
      XCTAssertEqual(error, .truncatedFile(path: "x", expectedBytes: 4, actualBytes: 2))
    }
    let header = bigEndian(IDXReader.imagesMagic) + bigEndian(10)
    assertDataError(try IDXReader.parse(header, magic: IDXReader.imagesMagic, path: "x")) { error in
      XCTAssertEqual(error, .truncatedFile(path: "x", expectedBytes: 16, actualBytes: 8))
    }
  }

  func testTrailingBytesAndZeroSizeAreCorrupt() {
    assertDataError(try IDXReader.parse(idxLabelBytes([1, 2]) + [9], magic: IDXReader.labelsMagic, path: "x")) { error in
      guard case .corruptFile = error else { return XCTFail("\(error)") }
    }
    let zeroRows = bigEndian(IDXReader.imagesMagic) + bigEndian(1) + bigEndian(0) + bigEndian(28)
    assertDataError(try IDXReader.parse(zeroRows, magic: IDXReader.imagesMagic, path: "x")) { error in
      guard case .corruptFile = error else { return XCTFail("\(error)") }
    }
  }

  func testHugeDimensionsDoNotOverflow() {
    let huge = bigEndian(IDXReader.imagesMagic) + bigEndian(.max) + bigEndian(.max) + bigEndian(.max)
    assertDataError(try IDXReader.parse(huge, magic: IDXReader.imagesMagic, path: "x"))
  }

  func testCorruptGzipNamesTheFile() throws {
    try writePlain([0x1F, 0x8B, 8, 0, 1, 2, 3], to: dir + "/broken.gz")
    assertDataError(try IDXReader.readImages(path: dir + "/broken.gz")) { error in
      XCTAssertTrue(error.description.contains("broken.gz"), error.description)
    }
  }

  func testNegativeLimitIsRejected() {
    assertDataError(try IDXReader.parse(idxLabelBytes([1]), magic: IDXReader.labelsMagic, path: "x", limit: -1))
  }

  func testRealFashionMNISTFiles() throws {
    let dir = FashionMNIST.installDirectory
    try XCTSkipUnless(DataFile.isDirectory(dir), "Fashion-MNIST is not installed at \(dir)")
    let images = try IDXReader.readImages(path: dir + "/t10k-images-idx3-ubyte.gz")
    XCTAssertEqual(images.dimensions, [10000, 28, 28])
    let labels = try IDXReader.readLabels(path: dir + "/train-labels-idx1-ubyte.gz")
    XCTAssertEqual(labels.dimensions, [60000])
    XCTAssertEqual(labels.bytes.max(), 9)
  }
}
