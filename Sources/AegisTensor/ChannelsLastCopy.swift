// Copies between channels-last and channels-first storage, for the kernels that only exist in
// channels-first form (the im2col reference convolution). oneDNN, the fast path, takes
// channels-last activations directly and never needs these.

enum ChannelsLastCopy {
  /// `p` [n, h, w, c] copied to a new buffer [n, c, h, w].
  static func channelsFirst(_ p: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int) -> UnsafeMutablePointer<Float> {
    let out = UnsafeMutablePointer<Float>.allocate(capacity: n * c * h * w)
    let plane = h * w
    for b in 0..<n {
      let src = p + b * plane * c, dst = out + b * plane * c
      for s in 0..<plane { for ch in 0..<c { dst[ch * plane + s] = src[s * c + ch] } }
    }
    return out
  }

  /// `p` [n, c, h, w] written into `out` as [n, h, w, c].
  static func writeChannelsLast(_ p: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, into out: UnsafeMutablePointer<Float>) {
    let plane = h * w
    for b in 0..<n {
      let src = p + b * plane * c, dst = out + b * plane * c
      for ch in 0..<c { for s in 0..<plane { dst[s * c + ch] = src[ch * plane + s] } }
    }
  }

  /// Runs a channels-first kernel `body(geometry, inputs, output)` for `geo`: directly when
  /// `geo` is channels-first; otherwise on channels-first copies of the `inputs` (pointer,
  /// channels, height, width), writing its [n, outputSize] result back channels-last into `output`.
  static func run(_ geo: ConvGeometry, inputs: [(UnsafePointer<Float>, Int, Int, Int)], output: UnsafeMutablePointer<Float>,
                  outputSize: (c: Int, h: Int, w: Int),
                  _ body: (ConvGeometry, [UnsafePointer<Float>], UnsafeMutablePointer<Float>) -> Void) {
    guard geo.layout == .channelsLast else { return body(geo, inputs.map(\.0), output) }
    let copies = inputs.map { channelsFirst($0.0, n: geo.n, c: $0.1, h: $0.2, w: $0.3) }
    let result = UnsafeMutablePointer<Float>.allocate(capacity: geo.n * outputSize.c * outputSize.h * outputSize.w)
    defer { copies.forEach { $0.deallocate() }; result.deallocate() }
    body(geo.channelsFirst, copies.map { UnsafePointer($0) }, result)
    writeChannelsLast(result, n: geo.n, c: outputSize.c, h: outputSize.h, w: outputSize.w, into: output)
  }
}
