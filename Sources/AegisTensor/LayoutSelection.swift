// Which stored layout this machine's oneDNN convolves fastest, decided by asking oneDNN which
// kernels it would run. Blocked nChw16c is the fastest on AVX-512 (its native layout), but on
// AVX2-only CPUs oneDNN has no optimized kernel for it and falls back to its reference code
// (measured with ONEDNN_MAX_CPU_ISA=AVX2: 74 s against 0.05 s for the same forward passes);
// channels-last has optimized kernels on both (jit:avx2, and jit/brgconv:avx512_core).

import AegisKernels

extension ConvBackend {
  /// The name of the oneDNN implementation for `kind` of `geo` ("" when none).
  static func implementation(_ geo: ConvGeometry, kind: aegis_conv_kind) -> String {
    var s = shape(geo, images: geo.n, bias: false, relu: false, worker: 0)
    return String(cString: aegis_conv_implementation(&s, Int32(kind.rawValue)))
  }

  /// The kernels oneDNN picks for a ResNet's convolutions stored in `layout`: the stem from
  /// one-channel images, a 3×3 and a strided 1×1 convolution, each forward, backward-data and
  /// backward-weights.
  public static func kernelNames(for layout: ActivationLayout) -> [String] {
    // Logical [N, C, H, W] inputs, stored as each probe's input layout says.
    let probes: [(input: [Int], weight: [Int], stride: Int, padding: Int, layouts: ConvLayouts)] = [
      ([2, 1, 8, 8], [16, 1, 3, 3], 1, 1, ConvLayouts(input: layout.imageLayout, output: layout)),
      ([2, 16, 8, 8], [16, 16, 3, 3], 1, 1, ConvLayouts(input: layout, output: layout)),
      ([2, 16, 8, 8], [32, 16, 1, 1], 2, 0, ConvLayouts(input: layout, output: layout)),
    ]
    return probes.flatMap { p -> [String] in
      let (n, c, h, w) = (p.input[0], p.input[1], p.input[2], p.input[3])
      let geo = ConvGeometry(input: p.layouts.input.shape(n: n, c: c, h: h, w: w),
                             weight: p.weight, stride: p.stride, padding: p.padding, layouts: p.layouts)
      return [AEGIS_CONV_FORWARD_TRAINING, AEGIS_CONV_BACKWARD_DATA, AEGIS_CONV_BACKWARD_WEIGHTS].map { implementation(geo, kind: $0) }
    }
  }

  /// Whether every probed convolution in `layout` runs an optimized (not reference) kernel.
  public static func hasOptimizedKernels(for layout: ActivationLayout) -> Bool {
    kernelNames(for: layout).allSatisfy { !$0.isEmpty && !$0.hasPrefix("ref") }
  }
}

extension ActivationLayout {
  /// The first of blocked, channels-last with optimized oneDNN kernels on this machine
  /// (channels-first otherwise).
  static func fastestSupported() -> ActivationLayout {
    [ActivationLayout.blocked, .channelsLast].first { ConvBackend.hasOptimizedKernels(for: $0) } ?? .channelsFirst
  }
}
