// `aegis bench [--json] [--quick] [--profile]`: images/s of the SmallCNN and the default ResNet (inference,
// SGD step, PGD-10 step) from AegisRobust's Benchmark, as a table or JSON. `--quick` (batch 16,
// one timed run, no warm-up) checks the wiring in a second or two; its figures are not stable.

import AegisRobust
import ArgumentParser
import Foundation

/// `aegis bench`.
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure training and attack throughput.")

  @Flag(help: "Print JSON keyed by model, then figure.")
  var json = false

  @Flag(help: "Batch 16 and one run: fast, for smoke tests.")
  var quick = false

  @Flag(help: "Print time per op kind (forward, backward), share of the step and GFLOP/s.")
  var profile = false

  func run() throws {
    if profile {
      print(Benchmark.engineLine())
      print(try Benchmark.profile(batch: quick ? 16 : 128, steps: quick ? 1 : 3))
      return
    }
    let figures = try quick
      ? Benchmark.run(batch: 16, repeats: 1, warmup: 0, quick: true, report: Self.announce)
      : Benchmark.run(report: Self.announce)
    print(json ? Benchmark.json(figures) : Benchmark.table(figures))
  }

  /// Each figure as it is measured, on stderr when that is a terminal (a full run takes minutes).
  static func announce(_ figure: BenchmarkFigure) {
    guard isatty(STDERR_FILENO) == 1 else { return }
    Terminal.err("  \(figure.model) \(figure.figure) " + String(format: "%.1f", figure.median))
  }
}
