// DriverErrorTests: missing gnuplot, gnuplot failures, bad input and display errors.

@testable import AegisPlot
import Foundation
import XCTest

final class DriverErrorTests: PlotTestCase {
  func testMissingGnuplotGivesDocumentedError() {
    let env = ["AEGIS_GNUPLOT": "/nonexistent", "PATH": "/usr/bin:/bin"]
    XCTAssertFalse(Gnuplot.isAvailable(environment: env))
    XCTAssertThrowsError(try Gnuplot(environment: env)) { error in
      guard case PlotError.gnuplotNotFound = error else { return XCTFail("\(error)") }
      let message = "\(error)"
      XCTAssertTrue(message.hasPrefix(
        "gnuplot not found: install it with `apt-get install gnuplot-nox` (or set AEGIS_GNUPLOT)"),
        message)
      XCTAssertTrue(message.contains("/nonexistent"))
    }
  }

  func testNoGnuplotOnPathGivesDocumentedError() {
    XCTAssertThrowsError(try Gnuplot(environment: ["PATH": directory.path])) { error in
      XCTAssertEqual("\(error)", PlotError.notFoundMessage)
    }
  }

  func testGnuplotErrorsAreThrownWithItsMessage() throws {
    let gp = try gnuplot()
    let script = directory.appendingPathComponent("bad.gp")
    try Data("plot sin(x) with nonsense\n".utf8).write(to: script)
    XCTAssertThrowsError(try gp.run(scriptFile: script)) { error in
      guard case PlotError.gnuplotFailed(let status, let message, _) = error else {
        return XCTFail("\(error)")
      }
      XCTAssertNotEqual(status, 0)
      XCTAssertTrue(message.contains("line 1"), message)
      XCTAssertTrue("\(error)".contains("bad.gp"))
    }
  }

  func testMismatchedSeriesThrowsBeforeRunning() {
    let figure = Figure(series: [PlotSeries(name: "s", x: [1, 2], y: [1])])
    XCTAssertThrowsError(try Gnuplot(executable: URL(fileURLWithPath: "/bin/false"))
      .plot(figure, to: .terminal())) { error in
      XCTAssertEqual(
        "\(error)", "series 's' has 2 x values but 1 y values: give one per point")
    }
    XCTAssertThrowsError(try Gnuplot(executable: URL(fileURLWithPath: "/bin/false"))
      .plot(Figure(title: "empty"), to: .terminal()))
  }

  func testWindowWithoutDisplayThrows() {
    let gp = Gnuplot(executable: URL(fileURLWithPath: "/bin/false"), environment: [:])
    XCTAssertThrowsError(try gp.plot(sampleFigure(), to: .window)) { error in
      XCTAssertEqual(error as? PlotError, .noDisplay)
    }
    XCTAssertEqual(PlotTarget.automatic(environment: [:]), .terminal(width: 80, height: 25))
    XCTAssertEqual(PlotTarget.automatic(environment: ["DISPLAY": ":0"]), .window)
  }

  func testReservedImageExtensionsAreRejected() {
    let gp = Gnuplot(executable: URL(fileURLWithPath: "/bin/false"))
    XCTAssertThrowsError(try gp.plot(sampleFigure(), to: .png(path: path("fig.dat"))))
  }

  func testQuotingDoublesSingleQuotesAndFlattensLines() {
    XCTAssertEqual(GnuplotText.quoted("it's \"x\"\nnext"), "'it''s \"x\" next'")
    XCTAssertEqual(GnuplotText.number(.infinity), "NaN")
    XCTAssertEqual(GnuplotText.number(0.5), "0.5")
  }
}
