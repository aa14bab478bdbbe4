// Time per op kind, for `profile(expr)` and `aegis bench --profile`. Off by default, and then a
// measured op costs one branch. Times are exclusive: an op measured inside another (the
// convolution kernels inside a layer's forward or an autograd node's backward) is subtracted
// from its parent, so the rows add up to the wall time. Measured ops run on the calling thread
// (they parallelize inside), so the profiler needs no locks.

#if canImport(Glibc)
import Glibc
#endif

/// Per-op-kind timing.
public enum Profiler {
  /// One row: an op kind in one phase.
  public struct Row: Sendable {
    public var name: String
    public var phase: String
    public var calls: Int
    public var seconds: Double
    public var flops: Double
  }

  nonisolated(unsafe) public private(set) static var isEnabled = false
  /// "forward" or "backward"; set by the autograd while it propagates.
  nonisolated(unsafe) static var phase = "forward"
  nonisolated(unsafe) static var rows: [String: Row] = [:]
  /// Time spent in nested measurements, one slot per open measurement.
  nonisolated(unsafe) static var childSeconds: [Double] = []

  /// Runs `body` with profiling on; returns its result and the rows it recorded, slowest first.
  public static func run<T>(_ body: () throws -> T) rethrows -> (T, [Row], seconds: Double) {
    let saved = (isEnabled, rows, childSeconds)
    isEnabled = true; rows = [:]; childSeconds = [0]
    defer { (isEnabled, rows, childSeconds) = saved }
    let start = now()
    let value = try body()
    let total = now() - start
    var result = Array(rows.values)
    let measured = result.reduce(0) { $0 + $1.seconds }
    if total > measured { result.append(Row(name: "other", phase: "", calls: 1, seconds: total - measured, flops: 0)) }
    return (value, result.sorted { $0.seconds > $1.seconds }, total)
  }

  /// Times `body` as op `name` (doing `flops` floating-point operations) when profiling is on.
  @inline(__always)
  public static func measure<T>(_ name: String, flops: Double = 0, _ body: () throws -> T) rethrows -> T {
    guard isEnabled else { return try body() }
    return try timed(name, flops, body)
  }

  static func timed<T>(_ name: String, _ flops: Double, _ body: () throws -> T) rethrows -> T {
    childSeconds.append(0)
    let start = now()
    let value = try body()
    let elapsed = now() - start
    let own = elapsed - childSeconds.removeLast()
    if !childSeconds.isEmpty { childSeconds[childSeconds.count - 1] += elapsed }
    let key = phase + "/" + name
    var row = rows[key] ?? Row(name: name, phase: phase, calls: 0, seconds: 0, flops: 0)
    row.calls += 1; row.seconds += own; row.flops += flops
    rows[key] = row
    return value
  }

  /// Runs `body` as part of the backward pass (rows are labelled "backward").
  @inline(__always)
  static func inBackward<T>(_ body: () throws -> T) rethrows -> T {
    guard isEnabled else { return try body() }
    let saved = phase
    phase = "backward"
    defer { phase = saved }
    return try body()
  }

  /// A table: op, phase, calls, ms (per `steps`), share of the total, GFLOP/s where known.
  public static func table(_ rows: [Row], seconds: Double, steps: Int = 1) -> String {
    func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
    func lpad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    var lines = [pad("op", 26) + pad("phase", 10) + lpad("calls", 7) + lpad("ms", 10) + lpad("share", 8) + lpad("GFLOP/s", 9)]
    for r in rows {
      let ms = r.seconds * 1000 / Double(steps)
      let share = seconds > 0 ? 100 * r.seconds / seconds : 0
      let gflops = r.flops > 0 && r.seconds > 0 ? fmt("%.1f", r.flops / r.seconds / 1e9) : "–"
      lines.append(pad(r.name, 26) + pad(r.phase, 10) + lpad("\(r.calls / steps)", 7) + lpad(fmt("%.2f", ms), 10)
        + lpad(fmt("%.1f%%", share), 8) + lpad(gflops, 9))
    }
    let totalFlops = rows.reduce(0) { $0 + $1.flops }
    lines.append(pad("total", 36) + lpad("", 7) + lpad(fmt("%.2f", seconds * 1000 / Double(steps)), 10) + lpad("100%", 8)
      + lpad(fmt("%.1f", totalFlops / max(seconds, 1e-12) / 1e9), 9))
    return lines.joined(separator: "\n")
  }

  public static func fmt(_ f: String, _ v: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 32)
    _ = withVaList([v]) { vsnprintf(&buffer, 32, f, $0) }
    return String(cString: buffer)
  }

  @inline(__always)
  static func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
  }
}
