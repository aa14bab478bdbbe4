// ImageGrid: rows × cols images with captions (e.g. clean vs adversarial examples).

/// A grid of captioned images, filled row by row, drawn with gnuplot `with image`/`rgbimage`.
public struct ImageGrid: Equatable, Sendable {
  public var rows: Int
  public var cols: Int
  /// Images in row-major cell order; at most `rows * cols`.
  public var images: [GridImage]
  /// Title above the grid; may be empty.
  public var title: String

  /// Creates a grid; `rows` defaults to as many as `images` need.
  public init(images: [GridImage], cols: Int, rows: Int? = nil, title: String = "") {
    self.images = images
    self.cols = cols
    self.rows = rows ?? (cols > 0 ? (images.count + cols - 1) / cols : 0)
    self.title = title
  }

  /// Creates a grid from a flat N×C×H×W batch (e.g. a tensor's storage).
  public static func batch(
    _ values: [Float], count: Int, channels: Int, height: Int, width: Int,
    captions: [String] = [], cols: Int, title: String = ""
  ) throws -> ImageGrid {
    let size = channels * height * width
    guard count >= 0, size > 0, values.count == count * size else {
      throw PlotError.invalidData(
        "batch has \(values.count) values but \(count)×\(channels)×\(height)×\(width) = "
          + "\(count * size) are needed: check the N×C×H×W shape")
    }
    let images = (0..<count).map { i in
      GridImage(
        pixels: Array(values[i * size..<(i + 1) * size]), channels: channels,
        height: height, width: width, caption: i < captions.count ? captions[i] : "")
    }
    return ImageGrid(images: images, cols: cols, title: title)
  }

  // MARK: canvas size

  /// Caption font size (points) and the screen size of its characters, measured on pngcairo.
  static let fontSize = 9
  static let characterWidth = 7.0
  static let lineHeight = 14.0

  /// The lines of a caption (split at newlines; empty captions have none).
  static func captionLines(_ caption: String) -> [String] {
    caption.isEmpty ? [] : caption.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  }

  /// Screen pixels per image pixel: 3 for 28×28 images, fewer for large ones, at least 1.
  static func pixelsPerUnit(_ grid: ImageGrid) -> Int {
    max(1, min(4, 96 / max(1, grid.images.map(\.height).max() ?? 1)))
  }

  /// A canvas (pixels) on which every image and caption has room: grows with the columns,
  /// the rows and the caption lengths, so `show_images(n: 16)` stays readable.
  public var suggestedSize: (width: Int, height: Int) {
    let layout = ImageGridScript.Layout(self)
    let scale = Self.pixelsPerUnit(self)
    let margin = 24, titleSpace = title.isEmpty ? 12 : 44
    return (layout.extent.width * scale + 2 * margin, layout.extent.height * scale + titleSpace + margin)
  }

  /// Whether every image is single-channel (drawn with a gray palette).
  var isGrayscale: Bool { images.allSatisfy { $0.channels == 1 } }

  /// Throws `PlotError.invalidData` if the grid or any image is inconsistent.
  func validate() throws {
    guard rows > 0, cols > 0 else {
      throw PlotError.invalidData("image grid is \(rows)×\(cols): rows and cols must be ≥ 1")
    }
    guard !images.isEmpty else {
      throw PlotError.invalidData("image grid has no images: add at least one GridImage")
    }
    guard images.count <= rows * cols else {
      throw PlotError.invalidData(
        "image grid has \(images.count) images but only \(rows)×\(cols) = \(rows * cols) "
          + "cells: raise rows or cols")
    }
    for (i, image) in images.enumerated() { try image.validate(index: i) }
  }
}
