// Where the channel axis of a 4-D activation sits. Channels-first [N, C, H, W] is the engine's
// and PyTorch's public layout (images, datasets, attacks). Channels-last [N, H, W, C] is what a
// ResNet keeps between its layers, because oneDNN convolves it with no reorder of activations
// (docs/performance.md). The shape is honest: a channels-last tensor has shape [N, H, W, C], so
// an op that assumes channels first sees the wrong sizes instead of silently wrong values.

#if canImport(Glibc)
import Glibc
#endif

/// The memory order of 4-D activations.
public enum ActivationLayout: String, Sendable, CaseIterable {
  case channelsFirst = "nchw"
  case channelsLast = "nhwc"

  /// The layout ResNets are built with: channels-last, unless `AEGIS_LAYOUT=nchw` asks for the
  /// channels-first path (for measuring, and as the reference the tests compare against).
  public static let preferred: ActivationLayout = {
    guard let name = getenv("AEGIS_LAYOUT").map({ String(cString: $0) }) else { return .channelsLast }
    return ActivationLayout(rawValue: name) ?? .channelsLast
  }()

  /// The channel axis of a tensor of `rank` (rank 2 is [N, C] in either layout).
  public func channelAxis(rank: Int) -> Int { rank == 4 && self == .channelsLast ? 3 : 1 }

  /// The axes a per-channel statistic reduces over.
  public func reductionAxes(rank: Int) -> [Int] {
    guard rank == 4 else { return [0] }
    return self == .channelsLast ? [0, 1, 2] : [0, 2, 3]
  }

  /// The shape of a per-channel vector broadcast against a tensor of `rank`.
  public func broadcastShape(channels c: Int, rank: Int) -> [Int] {
    guard rank == 4 else { return [1, c] }
    return self == .channelsLast ? [1, 1, 1, c] : [1, c, 1, 1]
  }

  /// [N, C, H, W] sizes in this layout's order.
  public func shape(n: Int, c: Int, h: Int, w: Int) -> [Int] { self == .channelsLast ? [n, h, w, c] : [n, c, h, w] }
}

extension Tensor {
  /// [N, C, H, W] → [N, H, W, C] (differentiable; a reshape when C = 1).
  public func toChannelsLast() -> Tensor {
    precondition(rank == 4, "toChannelsLast needs [N, C, H, W], got \(shape)")
    if shape[1] == 1 { return reshaped([shape[0], shape[2], shape[3], 1]) }
    return permuted([0, 2, 3, 1])
  }

  /// [N, H, W, C] → [N, C, H, W] (differentiable; a reshape when C = 1).
  public func toChannelsFirst() -> Tensor {
    precondition(rank == 4, "toChannelsFirst needs [N, H, W, C], got \(shape)")
    if shape[3] == 1 { return reshaped([shape[0], 1, shape[1], shape[2]]) }
    return permuted([0, 3, 1, 2])
  }

  /// `self` [N, C, H, W] in `layout`.
  public func inLayout(_ layout: ActivationLayout) -> Tensor { layout == .channelsLast ? toChannelsLast() : self }

  /// Mean over the spatial axes of a 4-D tensor in `layout`: → [N, C].
  public func globalAvgPool(layout: ActivationLayout) -> Tensor {
    layout == .channelsLast ? mean(axes: [1, 2]) : mean(axes: [2, 3])
  }
}
