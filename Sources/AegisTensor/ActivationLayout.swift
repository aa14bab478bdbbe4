// Where the channels of a 4-D activation sit in memory. Channels-first [N, C, H, W] is the
// engine's and PyTorch's public layout: images, datasets, attacks and checkpoints use it. Inside a
// ResNet, activations are kept in one of oneDNN's own layouts, so its convolutions need no
// reorders (docs/performance.md):
// - channels-last [N, H, W, C];
// - blocked [N, C/16, H, W, 16] (oneDNN's nChw16c, the layout its fastest AVX-512 kernels use).
// Shapes are honest: a blocked tensor really has that rank-5 shape, so an op that assumes
// channels first sees the wrong sizes instead of silently computing on the wrong values.

#if canImport(Glibc)
import Glibc
#endif

/// The memory order of 4-D activations.
public enum ActivationLayout: String, Sendable, CaseIterable {
  case channelsFirst = "nchw"
  case channelsLast = "nhwc"
  case blocked = "nChw16c"

  /// Channels per block in the blocked layout.
  public static let blockSize = 16

  /// The layout ResNets are built with: the fastest this machine's oneDNN has optimized kernels
  /// for (blocked on AVX-512, channels-last on AVX2; see LayoutSelection; blocked falls back to
  /// channels-last for widths that are not multiples of 16), unless `AEGIS_LAYOUT` names one
  /// (nchw, nhwc, nChw16c) — for measuring, and as the reference the tests compare against.
  public static let preferred: ActivationLayout = {
    if let name = getenv("AEGIS_LAYOUT").map({ String(cString: $0) }), let forced = ActivationLayout(rawValue: name) { return forced }
    return fastestSupported()
  }()

  /// `self`, or channels-last when `self` is blocked and `channels` do not fill whole blocks.
  public func supporting(channels: Int) -> ActivationLayout {
    self == .blocked && channels % Self.blockSize != 0 ? .channelsLast : self
  }

  /// How a model in this layout takes its [N, C, H, W] input images into the first convolution.
  /// oneDNN has fast first-layer kernels from NCHW images to blocked outputs and from NHWC to
  /// NHWC, but none from NCHW to NHWC: it falls back to its reference kernel there (measured:
  /// 17.6 s against 0.1 s for the stem's forward passes over a PGD-10 epoch). So channels-last
  /// models convert their input (a reshape for one channel) and blocked ones do not.
  public var imageLayout: ActivationLayout { self == .blocked ? .channelsFirst : self }

  /// The rank of a 4-D activation stored in this layout.
  public var rank: Int { self == .blocked ? 5 : 4 }

  /// Whether a tensor of rank `r` is a spatial activation here (rather than [N, C]).
  public func isSpatial(rank r: Int) -> Bool { r == rank }

  /// The stored shape of logical [n, c, h, w].
  public func shape(n: Int, c: Int, h: Int, w: Int) -> [Int] {
    switch self {
    case .channelsFirst: return [n, c, h, w]
    case .channelsLast: return [n, h, w, c]
    case .blocked: return [n, c / Self.blockSize, h, w, Self.blockSize]
    }
  }

  /// Logical (n, c, h, w) of a stored shape.
  public func dimensions(_ s: [Int]) -> (n: Int, c: Int, h: Int, w: Int) {
    switch self {
    case .channelsFirst: return (s[0], s[1], s[2], s[3])
    case .channelsLast: return (s[0], s[3], s[1], s[2])
    case .blocked: return (s[0], s[1] * s[4], s[2], s[3])
    }
  }

  /// Element index of logical (b, ch, y, x) in a tensor of logical sizes (c, h, w).
  @inline(__always)
  func index(_ b: Int, _ ch: Int, _ y: Int, _ x: Int, c: Int, h: Int, w: Int) -> Int {
    switch self {
    case .channelsFirst: return ((b * c + ch) * h + y) * w + x
    case .channelsLast: return ((b * h + y) * w + x) * c + ch
    case .blocked:
      let k = Self.blockSize
      return (((b * (c / k) + ch / k) * h + y) * w + x) * k + ch % k
    }
  }

  /// The channel count of a tensor of `shape` ([N, C] in every layout).
  public func channels(of shape: [Int]) -> Int { isSpatial(rank: shape.count) ? dimensions(shape).c : shape[1] }

  /// The axes a per-channel statistic reduces over.
  public func reductionAxes(rank r: Int) -> [Int] {
    guard isSpatial(rank: r) else { return [0] }
    return self == .channelsLast ? [0, 1, 2] : [0, 2, 3]
  }

  /// The shape of a per-channel vector [C] broadcast against a tensor of rank `r`.
  public func broadcastShape(channels c: Int, rank r: Int) -> [Int] {
    guard isSpatial(rank: r) else { return [1, c] }
    switch self {
    case .channelsFirst: return [1, c, 1, 1]
    case .channelsLast: return [1, 1, 1, c]
    case .blocked: return [1, c / Self.blockSize, 1, 1, Self.blockSize]
    }
  }
}

extension Tensor {
  /// `self` [N, C, H, W] stored in `layout` (differentiable).
  public func inLayout(_ layout: ActivationLayout) -> Tensor {
    precondition(rank == 4, "inLayout needs [N, C, H, W], got \(shape)")
    let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
    switch layout {
    case .channelsFirst: return self
    case .channelsLast: return c == 1 ? reshaped([n, h, w, 1]) : permuted([0, 2, 3, 1])
    case .blocked:
      let k = ActivationLayout.blockSize
      precondition(c % k == 0, "the blocked layout needs a multiple of \(k) channels, got \(c)")
      return reshaped([n, c / k, k, h, w]).permuted([0, 1, 3, 4, 2])
    }
  }

  /// `self`, an activation stored in `layout`, as [N, C, H, W] (differentiable).
  public func channelsFirst(from layout: ActivationLayout) -> Tensor {
    let (n, c, h, w) = layout.dimensions(shape)
    switch layout {
    case .channelsFirst: return self
    case .channelsLast: return c == 1 ? reshaped([n, 1, h, w]) : permuted([0, 3, 1, 2])
    case .blocked: return permuted([0, 1, 4, 2, 3]).reshaped([n, c, h, w])
    }
  }

  /// Mean over the spatial axes of an activation stored in `layout`: → [N, C].
  public func globalAvgPool(layout: ActivationLayout) -> Tensor {
    switch layout {
    case .channelsFirst: return mean(axes: [2, 3])
    case .channelsLast: return mean(axes: [1, 2])
    case .blocked: return mean(axes: [2, 3]).reshaped([shape[0], shape[1] * shape[4]])
    }
  }
}
