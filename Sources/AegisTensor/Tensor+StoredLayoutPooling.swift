// Max pooling of activations stored channels-last [N, H, W, C] or blocked [N, C/16, H, W, 16]:
// both are "pixels of contiguous channels" (blocked is channels-last over N·C/16 planes of 16
// channels), so one loop serves both, its inner loop running along the channels. It picks the
// same window element as the channels-first loop (first maximum in row-major window order), so
// values and gradients match it exactly, and the gradient is the same scatter to the recorded
// source positions.

extension Tensor {
  /// Max pooling (square window, no padding) of an activation stored in `layout`.
  public func maxPool2d(kernel: Int, stride: Int? = nil, layout: ActivationLayout) -> Tensor {
    guard layout != .channelsFirst else { return maxPool2d(kernel: kernel, stride: stride) }
    let s = stride ?? kernel
    let (n, c, h, w) = layout.dimensions(shape)
    let (planes, k) = layout == .blocked ? (n * c / ActivationLayout.blockSize, ActivationLayout.blockSize) : (n, c)
    let oh = (h - kernel) / s + 1, ow = (w - kernel) / s + 1
    var out = [Float](repeating: 0, count: planes * oh * ow * k)
    var source = [Int](repeating: 0, count: out.count)
    storage.withUnsafeBufferPointer { p in
      out.withUnsafeMutableBufferPointer { o in
        source.withUnsafeMutableBufferPointer { src in
          Parallel.forRanges(planes * oh, grain: 8) { rows in
            for row in rows {
              let plane = row / oh, y = row % oh
              for x in 0..<ow {
                let ob = (row * ow + x) * k
                for i in 0..<kernel {
                  for j in 0..<kernel {
                    let ib = ((plane * h + y * s + i) * w + x * s + j) * k
                    if i == 0 && j == 0 {
                      for ch in 0..<k { o[ob + ch] = p[ib + ch]; src[ob + ch] = ib + ch }
                    } else {
                      // Branch-free, so the channel loop vectorizes (select, not jump).
                      for ch in 0..<k {
                        let v = p[ib + ch], better = v > o[ob + ch]
                        o[ob + ch] = better ? v : o[ob + ch]
                        src[ob + ch] = better ? ib + ch : src[ob + ch]
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    let inputShape = shape
    return Tensor(shape: layout.shape(n: n, c: c, h: oh, w: ow), storage: out).recorded("maxPool2d", [self]) { g in
      [g.scatterFlat(source, into: inputShape, distinct: s >= kernel)]
    }
  }
}
