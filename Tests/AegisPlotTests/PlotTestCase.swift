// PlotTestCase: shared setup for the gnuplot tests (scratch directory, skip without gnuplot).

import AegisPlot
import Foundation
import XCTest

/// Base class: a fresh scratch directory per test and a gnuplot driver (or a skip).
class PlotTestCase: XCTestCase {
  var directory = URL(fileURLWithPath: NSTemporaryDirectory())

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("aegis-plot-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  /// The driver, or an XCTSkip when gnuplot is not installed.
  func gnuplot() throws -> Gnuplot {
    guard Gnuplot.isAvailable() else {
      throw XCTSkip("gnuplot is not installed (apt-get install gnuplot-nox)")
    }
    return try Gnuplot()
  }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  func bytes(_ url: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: url)) }

  func text(_ url: URL) throws -> String {
    String(decoding: try Data(contentsOf: url), as: UTF8.self)
  }

  /// A two-series figure with an error-bar series.
  func sampleFigure(title: String = "sample figure") -> Figure {
    Figure(
      title: title, xLabel: "epoch", yLabel: "loss",
      series: [
        PlotSeries(name: "train loss", x: [1, 2, 3, 4], y: [2.0, 1.2, 0.8, 0.6]),
        PlotSeries(
          name: "val loss", x: [1, 2, 3, 4], y: [2.1, 1.5, 1.1, 1.0],
          yError: [0.1, 0.1, 0.2, 0.1], style: .linespoints),
      ])
  }
}
