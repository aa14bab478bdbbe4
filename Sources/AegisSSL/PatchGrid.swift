// The 4×4 patch grid shared by Jigsaw and Selfie (method.md §3.2–3.3): 8×8 patches on 32×32
// CIFAR images, 7×7 on 28×28 Fashion-MNIST (product.md, "The paper at workstation scale").
// Patches are indexed row-major; splitting and reassembly are reshapes and permutations, so
// they are exact and differentiable.

import AegisTensor

/// A `rows × columns` grid of equal patches over `[C, H, W]` images.
public struct PatchGrid: Equatable, Sendable {
  /// Patches per column and per row of the grid (4 and 4 in the paper).
  public let rows: Int, columns: Int
  /// The image shape `[C, H, W]` the grid covers.
  public let channels: Int, height: Int, width: Int

  /// A grid over images of shape `[C, H, W]`; H and W must be divisible by the grid size.
  /// `task` names the caller in error messages.
  public init(imageShape: [Int], rows: Int = 4, columns: Int = 4, task: String = "patch grid") throws {
    guard imageShape.count == 3, imageShape.allSatisfy({ $0 > 0 }) else {
      throw SSLError("\(task): images must have shape [channels, height, width], got \(imageShape)")
    }
    guard rows >= 1, columns >= 1 else { throw SSLError("\(task): the grid needs at least 1 row and 1 column, got \(rows)×\(columns)") }
    let (h, w) = (imageShape[1], imageShape[2])
    guard h % rows == 0, w % columns == 0 else {
      throw SSLError("\(task): a \(rows)×\(columns) grid needs the image height divisible by \(rows) and the width by \(columns), "
        + "got \(h)×\(w); crop or pad the images (28×28 gives 7×7 patches, 32×32 gives 8×8)")
    }
    self.rows = rows
    self.columns = columns
    channels = imageShape[0]
    height = h
    width = w
  }

  /// Number of patches per image.
  public var count: Int { rows * columns }
  /// Size of one patch in pixels (7×7 on 28×28, 8×8 on 32×32).
  public var patchHeight: Int { height / rows }
  public var patchWidth: Int { width / columns }
  /// Shape of one patch, `[C, patchHeight, patchWidth]`.
  public var patchShape: [Int] { [channels, patchHeight, patchWidth] }

  /// `[N, C, H, W]` → `[N·count, C, ph, pw]`: image-major, patches row-major inside an image.
  public func split(_ images: Tensor) throws -> Tensor {
    try check(images)
    return splitUnchecked(images)
  }

  /// `split` for images already known to fit the grid.
  func splitUnchecked(_ images: Tensor) -> Tensor {
    let n = images.shape[0]
    return images.reshaped([n, channels, rows, patchHeight, columns, patchWidth])
      .permuted([0, 2, 4, 1, 3, 5])
      .reshaped([n * count] + patchShape)
  }

  /// The inverse of `split`: `[N·count, C, ph, pw]` → `[N, C, H, W]`.
  public func assemble(_ patches: Tensor) throws -> Tensor {
    guard patches.rank == 4, Array(patches.shape.dropFirst()) == patchShape, patches.shape[0] % count == 0 else {
      throw SSLError("assemble: expected patches of shape [N·\(count), \(patchShape.map(String.init).joined(separator: ", "))], got \(patches.shape)")
    }
    let n = patches.shape[0] / count
    return patches.reshaped([n, rows, columns, channels, patchHeight, patchWidth])
      .permuted([0, 3, 1, 4, 2, 5])
      .reshaped([n, channels, height, width])
  }

  /// Rearranges the patches of each image: output patch `j` of image `i` is input patch
  /// `orders[i][j]` (the official `new_batches = [batches[perm[j]] for j in range(16)]`).
  public func rearrange(_ images: Tensor, orders: [[Int]]) throws -> Tensor {
    try check(images)
    guard orders.count == images.shape[0] else {
      throw SSLError("rearrange: \(images.shape[0]) images but \(orders.count) patch orders; give one order per image")
    }
    for order in orders where Set(order) != Set(0..<count) || order.count != count {
      throw SSLError("rearrange: \(order) is not a permutation of 0..<\(count)")
    }
    let indices = orders.enumerated().flatMap { i, order in order.map { i * count + $0 } }
    return try assemble(split(images).gatherRows(indices))
  }

  /// Row index of patch `position` of image `image` in the output of `split`.
  func row(image: Int, position: Int) -> Int { image * count + position }

  private func check(_ images: Tensor) throws {
    guard images.rank == 4, Array(images.shape.dropFirst()) == [channels, height, width] else {
      throw SSLError("patch grid: expected images of shape [N, \(channels), \(height), \(width)], got \(images.shape)")
    }
  }
}
