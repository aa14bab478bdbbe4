// Copies of activations between a stored layout and channels-first, for the kernels that only
// exist in channels-first form (the im2col reference convolution). oneDNN, the fast path, takes
// every layout directly and never needs these.

enum LayoutCopy {
  /// `p`, logical [n, c, h, w] stored in `layout`, copied to a new channels-first buffer.
  static func channelsFirst(_ p: UnsafePointer<Float>, _ layout: ActivationLayout, n: Int, c: Int, h: Int, w: Int)
    -> UnsafeMutablePointer<Float>
  {
    let out = UnsafeMutablePointer<Float>.allocate(capacity: n * c * h * w)
    var i = 0
    for b in 0..<n { for ch in 0..<c { for y in 0..<h { for x in 0..<w {
      out[i] = p[layout.index(b, ch, y, x, c: c, h: h, w: w)]
      i += 1
    } } } }
    return out
  }

  /// Channels-first `p` [n, c, h, w] written into `out` stored in `layout`.
  static func write(_ p: UnsafePointer<Float>, to layout: ActivationLayout, n: Int, c: Int, h: Int, w: Int,
                    into out: UnsafeMutablePointer<Float>) {
    var i = 0
    for b in 0..<n { for ch in 0..<c { for y in 0..<h { for x in 0..<w {
      out[layout.index(b, ch, y, x, c: c, h: h, w: w)] = p[i]
      i += 1
    } } } }
  }

  /// Runs a channels-first kernel `body(geometry, inputs, output)` for `geo`: directly when
  /// both of `geo`'s layouts are channels-first; otherwise on channels-first copies of `inputs`
  /// (pointer, layout, logical channels, height, width), writing its [n, outputSize] result into
  /// `output` stored in `outputLayout`.
  static func run(_ geo: ConvGeometry, inputs: [(UnsafePointer<Float>, ActivationLayout, Int, Int, Int)],
                  output: UnsafeMutablePointer<Float>, outputLayout: ActivationLayout, outputSize: (c: Int, h: Int, w: Int),
                  _ body: (ConvGeometry, [UnsafePointer<Float>], UnsafeMutablePointer<Float>) -> Void) {
    guard geo.inputLayout != .channelsFirst || geo.outputLayout != .channelsFirst else {
      return body(geo, inputs.map(\.0), output)
    }
    let copies = inputs.map { channelsFirst($0.0, $0.1, n: geo.n, c: $0.2, h: $0.3, w: $0.4) }
    let result = UnsafeMutablePointer<Float>.allocate(capacity: geo.n * outputSize.c * outputSize.h * outputSize.w)
    defer { copies.forEach { $0.deallocate() }; result.deallocate() }
    body(geo.channelsFirst, copies.map { UnsafePointer($0) }, result)
    write(result, to: outputLayout, n: geo.n, c: outputSize.c, h: outputSize.h, w: outputSize.w, into: output)
  }
}
