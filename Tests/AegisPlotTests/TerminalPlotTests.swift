// TerminalPlotTests: ASCII (dumb terminal) output returned as a string.

import AegisPlot
import XCTest

final class TerminalPlotTests: PlotTestCase {
  func testDumbPlotHasTitleLabelsAndRequestedWidth() throws {
    let out = try gnuplot().plot(sampleFigure(), to: .terminal(width: 70, height: 24))
    let text = try XCTUnwrap(out.text)
    for needle in ["sample figure", "epoch", "train loss", "val loss"] {
      XCTAssertTrue(text.contains(needle), "missing '\(needle)' in:\n\(text)")
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
    XCTAssertEqual(lines.map(\.count).max(), 70)
    XCTAssertEqual(lines.count, 24)
    XCTAssertFalse(text.hasPrefix("\u{0C}"))
  }

  func testScatterLabelsAppearInText() throws {
    let figure = Figure.accuracyScatter(points: [(label: "TRADES", sa: 0.8, ra: 0.5)])
    let out = try gnuplot().plot(figure, to: .terminal())
    let text = try XCTUnwrap(out.text)
    XCTAssertTrue(text.contains("TRADES"))
  }
}
