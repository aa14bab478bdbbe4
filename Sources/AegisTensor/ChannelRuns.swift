// A channels-last or blocked activation seen as runs of rows for the batch-norm kernels of
// batchnorm_nhwc.c: a row holds `width` consecutive channels of one position. Channels-last
// [N, H, W, C] is one run of N·H·W rows of C channels; blocked [N, C/16, H, W, 16] is one run of
// H·W rows of 16 channels per image and block. Each worker takes a fixed list of runs, and
// per-channel sums are added in worker order, so results do not depend on thread timing.

struct ChannelRuns {
  struct Run {
    let offset: Int   // first element
    let rows: Int
    let channel: Int  // first channel of each row
  }

  let channels: Int
  let width: Int
  /// Positions per channel: N·H·W (batch norm's M).
  let positions: Int
  let workers: [[Run]]

  init(shape: [Int], layout: ActivationLayout) {
    let total = shape.reduce(1, *)
    let parallel = total >= Parallel.threshold
    switch layout {
    case .blocked:
      let (n, blocks, hw, k) = (shape[0], shape[1], shape[2] * shape[3], shape[4])
      channels = blocks * k
      width = k
      positions = n * hw
      workers = ChannelRuns.split(n, into: parallel ? Parallel.workers : 1).map { images in
        images.flatMap { b in (0..<blocks).map { cb in Run(offset: (b * blocks + cb) * hw * k, rows: hw, channel: cb * k) } }
      }
    default:
      let c = shape[shape.count - 1]
      channels = c
      width = c
      positions = total / c
      workers = ChannelRuns.split(positions, into: parallel ? Parallel.workers : 1).map { rows in
        [Run(offset: rows.lowerBound * c, rows: rows.count, channel: 0)]
      }
    }
  }

  /// `0..<count` in at most `parts` non-empty contiguous ranges.
  static func split(_ count: Int, into parts: Int) -> [Range<Int>] {
    let size = max(1, (count + parts - 1) / parts)
    return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
  }

  /// Calls `body(run)` for every run, each worker's runs on one thread.
  func forEachRun(_ body: (Run) -> Void) {
    Parallel.forEach(workers.count) { w in for run in workers[w] { body(run) } }
  }

  /// Two per-channel sums: `body(run, sumA, sumB)` adds one run's rows into the (per-worker)
  /// arrays at the run's channels.
  func sums(_ body: (Run, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void) -> ([Double], [Double]) {
    let c = channels
    var partial = [Double](repeating: 0, count: workers.count * 2 * c)
    partial.withUnsafeMutableBufferPointer { p in
      let base = p.baseAddress!
      Parallel.forEach(workers.count) { w in
        for run in workers[w] { body(run, base + w * 2 * c + run.channel, base + w * 2 * c + c + run.channel) }
      }
    }
    var a = [Double](repeating: 0, count: c), b = [Double](repeating: 0, count: c)
    for w in 0..<workers.count {
      for ch in 0..<c {
        a[ch] += partial[w * 2 * c + ch]
        b[ch] += partial[w * 2 * c + c + ch]
      }
    }
    return (a, b)
  }
}

/// Base pointers of copies of small per-channel arrays, valid during `body`.
func withChannelPointers<R>(_ arrays: [[Float]], _ body: ([UnsafePointer<Float>]) -> R) -> R {
  let copies = arrays.map { a -> UnsafeMutablePointer<Float> in
    let p = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(a.count, 1))
    p.initialize(from: a, count: a.count)
    return p
  }
  defer { copies.forEach { $0.deallocate() } }
  return body(copies.map { UnsafePointer($0) })
}
