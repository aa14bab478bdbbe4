// GridImage: one grayscale or RGB image (C×H×W floats in [0,1]) with a caption.

/// One image of an `ImageGrid`: `channels × height × width` floats in [0, 1], channel-major.
public struct GridImage: Equatable, Sendable {
  /// Pixel values, index `c * height * width + row * width + col`; clamped to [0, 1] when drawn.
  public var pixels: [Float]
  /// 1 (grayscale) or 3 (RGB).
  public var channels: Int
  public var height: Int
  public var width: Int
  /// Text drawn under the image; may be empty.
  public var caption: String

  /// Creates an image from channel-major pixels.
  public init(pixels: [Float], channels: Int, height: Int, width: Int, caption: String = "") {
    self.pixels = pixels
    self.channels = channels
    self.height = height
    self.width = width
    self.caption = caption
  }

  /// The value of channel `c` at (`row`, `col`) as an integer in 0...255.
  func byte(channel c: Int, row: Int, col: Int) -> Int {
    let v = pixels[(c * height + row) * width + col]
    guard v.isFinite else { return 0 }
    return Int((min(max(v, 0), 1) * 255).rounded())
  }

  /// Throws `PlotError.invalidData` if the shape is unsupported or disagrees with `pixels`.
  func validate(index: Int) throws {
    guard channels == 1 || channels == 3 else {
      throw PlotError.invalidData(
        "image \(index) has \(channels) channels: give 1 (grayscale) or 3 (RGB)")
    }
    guard height > 0, width > 0 else {
      throw PlotError.invalidData("image \(index) is \(height)×\(width): both sides must be ≥ 1")
    }
    guard pixels.count == channels * height * width else {
      throw PlotError.invalidData(
        "image \(index) has \(pixels.count) values but \(channels)×\(height)×\(width) = "
          + "\(channels * height * width) are needed: check the C×H×W shape")
    }
  }
}
