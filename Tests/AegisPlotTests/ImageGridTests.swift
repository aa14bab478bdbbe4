// ImageGridTests: grids of grayscale and RGB images rendered to PNG.

import AegisPlot
import Foundation
import XCTest

final class ImageGridTests: PlotTestCase {
  private func ramp(channels: Int, size: Int, caption: String) -> GridImage {
    let n = channels * size * size
    return GridImage(
      pixels: (0..<n).map { Float($0) / Float(n - 1) }, channels: channels, height: size,
      width: size, caption: caption)
  }

  func testRGBGridRendersToPNG() throws {
    let grid = ImageGrid(
      images: (0..<6).map { ramp(channels: 3, size: 16, caption: "eps=\($0)/255 'x'") },
      cols: 3, title: "clean vs adversarial")
    let out = try gnuplot().plot(grid, to: .png(path: path("grid.png")))
    let data = try bytes(try XCTUnwrap(out.image))
    XCTAssertEqual(Array(data.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    XCTAssertGreaterThan(data.count, 1024)
    let script = try text(try XCTUnwrap(out.script))
    XCTAssertTrue(script.contains("with rgbimage"))
  }

  func testGrayscaleBatchRendersWithImage() throws {
    let values = (0..<(4 * 8 * 8)).map { Float($0 % 64) / 63 }
    let grid = try ImageGrid.batch(
      values, count: 4, channels: 1, height: 8, width: 8, captions: ["a", "b", "c", "d"], cols: 2)
    XCTAssertEqual(grid.rows, 2)
    let out = try gnuplot().plot(grid, to: .png(path: path("gray.png")))
    XCTAssertGreaterThan(try bytes(try XCTUnwrap(out.image)).count, 1024)
    XCTAssertTrue(try text(try XCTUnwrap(out.script)).contains("with image"))
  }

  func testMixedGrayAndRGBRendersToSVG() throws {
    let grid = ImageGrid(
      images: [
        ramp(channels: 1, size: 4, caption: "gray"), ramp(channels: 3, size: 6, caption: "rgb"),
      ],
      cols: 2)
    let out = try gnuplot().plot(grid, to: .svg(path: path("mixed.svg")))
    let (_, text) = try parseXML(try XCTUnwrap(out.image))
    XCTAssertTrue(text.contains("gray") && text.contains("rgb"))
  }

  func testBadGridsThrowHelpfulErrors() {
    let image = GridImage(pixels: [0, 1], channels: 1, height: 2, width: 2)
    XCTAssertThrowsError(try Gnuplot(executable: URL(fileURLWithPath: "/bin/false"))
      .plot(ImageGrid(images: [image], cols: 1), to: .terminal())) { error in
      XCTAssertTrue("\(error)".contains("C×H×W"), "\(error)")
    }
    let tooMany = ImageGrid(
      images: Array(repeating: ramp(channels: 1, size: 2, caption: ""), count: 5), cols: 2, rows: 2)
    XCTAssertThrowsError(try Gnuplot(executable: URL(fileURLWithPath: "/bin/false"))
      .plot(tooMany, to: .terminal())) { error in
      XCTAssertTrue("\(error)".contains("raise rows or cols"), "\(error)")
    }
    XCTAssertThrowsError(
      try ImageGrid.batch([0, 1, 2], count: 2, channels: 1, height: 1, width: 1, cols: 1))
  }

  /// show_images' canvas: wide enough that the widest caption line fits in every column (7 px a
  /// character at the 9-pt caption font), deep enough for two-line captions, for n up to 16.
  func testCanvasGrowsWithColumnsAndCaptions() throws {
    func grid(_ n: Int, _ caption: String) -> ImageGrid {
      ImageGrid(images: (0..<(3 * n)).map { _ in ramp(channels: 1, size: 28, caption: caption) }, cols: n, title: "t")
    }
    let short = grid(8, "a\n→ b"), long = grid(8, "Ankle boot\n→ Sneaker"), wide = grid(16, "Ankle boot\n→ Sneaker")
    XCTAssertGreaterThanOrEqual(long.suggestedSize.width, 8 * 11 * 7, "each column fits an 11-character line")
    XCTAssertGreaterThan(grid(8, "a twenty-letter line\n→ b").suggestedSize.width, short.suggestedSize.width)
    XCTAssertGreaterThan(wide.suggestedSize.width, 2 * long.suggestedSize.width - 100)
    XCTAssertGreaterThan(grid(8, "one").suggestedSize.height, grid(8, "").suggestedSize.height)
    XCTAssertGreaterThan(long.suggestedSize.height, grid(8, "one").suggestedSize.height)
    let out = try gnuplot().plot(wide, to: .png(path: path("wide.png"), width: wide.suggestedSize.width, height: wide.suggestedSize.height))
    let script = try text(try XCTUnwrap(out.script))
    XCTAssertTrue(script.contains("\"Ankle boot\\n→ Sneaker\""), "two caption lines in one label")
  }
}
