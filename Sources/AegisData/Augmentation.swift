// Augmentation: the standard image augmentations for small-image training, random crop with
// zero padding and random horizontal flip, applied to a whole [N, C, H, W] batch with a seeded
// generator so runs are reproducible.

import AegisTensor

/// Random crop (after zero padding) and random horizontal flip, per image.
public struct Augmentation: Equatable, CustomStringConvertible {
  /// Zero padding on each side before cropping back to the original size (0 = no crop).
  public let padding: Int
  /// Whether each image is mirrored left-right with probability 1/2.
  public let horizontalFlip: Bool

  /// An augmentation; `padding` must be 0 or more.
  public init(padding: Int = 0, horizontalFlip: Bool = false) throws {
    guard padding >= 0 else { throw DataError.invalidArgument("augmentation padding must be 0 or more, got \(padding)") }
    self.padding = padding
    self.horizontalFlip = horizontalFlip
  }

  private init(trustedPadding padding: Int, horizontalFlip: Bool) {
    self.padding = padding
    self.horizontalFlip = horizontalFlip
  }

  /// CIFAR-10's usual recipe: pad 4, random crop 32×32, random flip.
  public static let cifar = Augmentation(trustedPadding: 4, horizontalFlip: true)
  /// A recipe for 28×28 Fashion-MNIST: pad 2, random crop, random flip.
  public static let fashionMNIST = Augmentation(trustedPadding: 2, horizontalFlip: true)
  /// A recipe for MNIST digits: pad 2, random crop, no flip (mirrored digits are other shapes).
  public static let mnist = Augmentation(trustedPadding: 2, horizontalFlip: false)

  public var description: String { "Augmentation(padding: \(padding), horizontalFlip: \(horizontalFlip))" }

  /// Augments every image of `batch` (`[N, C, H, W]`), drawing from `rng`.
  public func apply(to batch: Tensor, rng: inout RandomGenerator) throws -> Tensor {
    guard batch.rank == 4 else {
      throw DataError.invalidArgument("augmentation needs a batch of shape [N, C, H, W], got \(batch.shape)")
    }
    return applyUnchecked(to: batch, rng: &rng)
  }

  /// Augments every image of `batch` with a generator seeded by `seed`.
  public func apply(to batch: Tensor, seed: UInt64) throws -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return try apply(to: batch, rng: &rng)
  }

  /// `batch` (`[N, C, H, W]`) mirrored left-right, every image.
  public static func horizontallyFlipped(_ batch: Tensor) throws -> Tensor {
    guard batch.rank == 4 else {
      throw DataError.invalidArgument("horizontal flip needs a batch of shape [N, C, H, W], got \(batch.shape)")
    }
    let (n, c, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
    let place = Placement(offsetY: 0, offsetX: 0, flip: true)
    let values = transform(batch.storage, images: n, planeSize: h * w, channels: c, width: w, height: h) { _ in place }
    return Tensor(shape: batch.shape, storage: values)
  }

  /// As `apply(to:rng:)` for a batch already known to be rank 4.
  func applyUnchecked(to batch: Tensor, rng: inout RandomGenerator) -> Tensor {
    let (n, c, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
    let places = (0..<n).map { _ in drawPlacement(&rng) }
    let values = Self.transform(batch.storage, images: n, planeSize: h * w, channels: c, width: w, height: h) { places[$0] }
    return Tensor(shape: batch.shape, storage: values)
  }

  // MARK: - Internals

  /// Where one image's crop window sits, and whether it is mirrored.
  struct Placement {
    /// Shift of the crop window relative to the original image, in `-padding...padding`.
    var offsetY: Int
    var offsetX: Int
    var flip: Bool
  }

  private func drawPlacement(_ rng: inout RandomGenerator) -> Placement {
    let dy = padding > 0 ? rng.nextInt(2 * padding + 1) - padding : 0
    let dx = padding > 0 ? rng.nextInt(2 * padding + 1) - padding : 0
    let flip = horizontalFlip && rng.nextFloat() < 0.5
    return Placement(offsetY: dy, offsetX: dx, flip: flip)
  }

  /// Applies each image's placement: `out[y][x] = in[y + dy][x + dx]` (0 outside), then mirrors.
  private static func transform(
    _ input: [Float], images: Int, planeSize: Int, channels: Int, width: Int, height: Int,
    placement: (Int) -> Placement
  ) -> [Float] {
    var output = [Float](repeating: 0, count: input.count)
    input.withUnsafeBufferPointer { src in
      output.withUnsafeMutableBufferPointer { dst in
        for i in 0..<images {
          let place = placement(i)
          for ch in 0..<channels {
            let base = (i * channels + ch) * planeSize
            copyPlane(src, dst, base: base, width: width, height: height, place: place)
          }
        }
      }
    }
    return output
  }

  /// Shifts (and maybe mirrors) one H×W plane starting at `base`.
  private static func copyPlane(
    _ src: UnsafeBufferPointer<Float>, _ dst: UnsafeMutableBufferPointer<Float>,
    base: Int, width: Int, height: Int, place: Placement
  ) {
    guard let srcBase = src.baseAddress, let dstBase = dst.baseAddress else { return }
    let xLow = max(0, -place.offsetX), xHigh = min(width, width - place.offsetX)
    for y in 0..<height {
      let row = dstBase + base + y * width
      let sy = y + place.offsetY
      if sy >= 0, sy < height, xLow < xHigh {
        (row + xLow).update(from: srcBase + base + sy * width + xLow + place.offsetX, count: xHigh - xLow)
      }
      if place.flip {
        var mirrored = UnsafeMutableBufferPointer(start: row, count: width)
        mirrored.reverse()
      }
    }
  }
}
