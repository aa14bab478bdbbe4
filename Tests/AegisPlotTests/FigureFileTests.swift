// FigureFileTests: PNG/SVG output, the NAME.dat/NAME.gp side files, and redrawing from them.

import AegisPlot
import Foundation
import XCTest

final class FigureFileTests: PlotTestCase {
  func testPNGHasSignatureAndRealSize() throws {
    let out = try gnuplot().plot(sampleFigure(), to: .png(path: path("curves.png")))
    let image = try XCTUnwrap(out.image)
    let data = try bytes(image)
    XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    XCTAssertGreaterThan(data.count, 1024)
  }

  func testSVGParsesAsXMLAndNamesEverySeries() throws {
    let out = try gnuplot().plot(sampleFigure(), to: .svg(path: path("curves.svg")))
    let (root, text) = try parseXML(try XCTUnwrap(out.image))
    XCTAssertEqual(root, "svg")
    for name in ["train loss", "val loss", "sample figure", "epoch", "loss"] {
      XCTAssertTrue(text.contains(name), "SVG text lacks '\(name)'")
    }
  }

  func testDataAndScriptAreWrittenNextToTheImage() throws {
    let out = try gnuplot().plot(sampleFigure(), to: .png(path: path("sub/dir/fig.png")))
    XCTAssertEqual(out.data?.path, path("sub/dir/fig.dat"))
    XCTAssertEqual(out.script?.path, path("sub/dir/fig.gp"))
    let data = try text(try XCTUnwrap(out.data))
    XCTAssertTrue(data.hasPrefix("# Aegis figure data: sample figure"))
    XCTAssertTrue(data.contains("# [index 0] train loss\n# x\ty\n1.0\t2.0\n"))
    XCTAssertTrue(data.contains("# [index 1] val loss\n# x\ty\ty_error\n1.0\t2.1\t0.1\n"))
    let script = try text(try XCTUnwrap(out.script))
    XCTAssertTrue(script.contains("'fig.dat' index 0"))
    XCTAssertTrue(script.contains("set output 'fig.png'"))
    XCTAssertFalse(script.contains("<< EOD"), "file scripts must read NAME.dat, not inline data")
  }

  func testRerunningTheScriptRegeneratesTheImage() throws {
    let gp = try gnuplot()
    let out = try gp.plot(sampleFigure(), to: .svg(path: path("again/fig.svg")))
    let image = try XCTUnwrap(out.image)
    let original = try bytes(image)
    try FileManager.default.removeItem(at: image)
    // Run from another working directory: the script resolves paths from its own location.
    let process = Process()
    process.executableURL = gp.executable
    process.arguments = [try XCTUnwrap(out.script).path]
    process.currentDirectoryURL = URL(fileURLWithPath: "/")
    try process.run()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0)
    XCTAssertEqual(try bytes(image).count, original.count)
    XCTAssertFalse(FileManager.default.fileExists(atPath: "/fig.svg"))
  }

  func testQuotesInTitlesAndLegendsAreEscaped() throws {
    let title = #"He said "hi" & it's 100% \n {x_1} done"#
    var figure = sampleFigure(title: title)
    figure.series[0].name = #"model 'A' "robust""#
    figure.xLabel = "eps's \"size\""
    let out = try gnuplot().plot(figure, to: .svg(path: path("quotes.svg")))
    let (_, text) = try parseXML(try XCTUnwrap(out.image))
    XCTAssertTrue(text.contains(title), "title was altered: \(text)")
    XCTAssertTrue(text.contains(#"model 'A' "robust""#))
    XCTAssertTrue(text.contains("eps's \"size\""))
  }

  func testBuildersRenderWithLabels() throws {
    let gp = try gnuplot()
    let scatter = Figure.accuracyScatter(points: [
      (label: "TRADES", sa: 0.85, ra: 0.53), (label: "Madry's AT", sa: 0.87, ra: 0.47),
      (label: "ours", sa: 0.86, ra: 0.55),
    ])
    let (_, scatterText) = try parseXML(
      try XCTUnwrap(gp.plot(scatter, to: .svg(path: path("scatter.svg"))).image))
    for label in ["TRADES", "Madry's AT", "ours", "robust accuracy (RA)"] {
      XCTAssertTrue(scatterText.contains(label), "scatter lacks '\(label)'")
    }
    let robust = Figure.robustnessCurves([
      (name: "AT", eps: [0, 2.0 / 255, 8.0 / 255], accuracy: [0.87, 0.7, 0.47]),
      (name: "standard", eps: [0, 2.0 / 255, 8.0 / 255], accuracy: [0.94, 0.1, 0]),
    ])
    let (_, robustText) = try parseXML(
      try XCTUnwrap(gp.plot(robust, to: .svg(path: path("robust.svg"))).image))
    XCTAssertTrue(robustText.contains("epsilon (L-inf, [0,1] units)"))
    XCTAssertTrue(robustText.contains("standard"))
    let curves = Figure.learningCurves([
      (name: "train loss", values: [1.0, 0.7, 0.5]),
      (name: "val robust acc", values: [.nan, 0.3, 0.4]),
    ])
    let png = try gp.plot(curves, to: .png(path: path("learning.png")))
    XCTAssertGreaterThan(try bytes(try XCTUnwrap(png.image)).count, 1024)
  }

  /// Points with intervals on both axes, each named in a legend placed outside the plot (as the
  /// study's Figure 1), and a rising curve's legend moved out of its way.
  func testBothErrorBarsAndLegendPlacement() throws {
    let gp = try gnuplot()
    let points = [("P1F4", 0.82, 0.71, 0.01, 0.02), ("rotation P3F4", 0.84, 0.73, 0.005, 0.01)].map { label, sa, ra, saE, raE in
      PlotSeries(name: label, x: [sa], y: [ra], yError: [raE], xError: [saE], style: .points)
    }
    let figure = Figure(title: "SA vs RA", series: points, kind: .scatter, legendPlacement: .outsideRight)
    let out = try gp.plot(figure, to: .svg(path: path("both.svg")))
    let data = try text(try XCTUnwrap(out.data)), script = try text(try XCTUnwrap(out.script))
    XCTAssertTrue(data.contains("# [index 0] P1F4\n# x\ty\tx_error\ty_error\n0.82\t0.71\t0.01\t0.02\n"), data)
    XCTAssertTrue(script.contains("index 0 using 1:2:3:4 with xyerrorbars pt 7"), script)
    XCTAssertTrue(script.contains("index 1 using 1:2:3:4 with xyerrorbars pt 5"), "each legend-named point its own shape")
    XCTAssertTrue(script.contains("set key box outside right top"))
    let (_, svg) = try parseXML(try XCTUnwrap(out.image))
    XCTAssertTrue(svg.contains("rotation P3F4"))
    let rising = Figure.learningCurves([(name: "val RA", values: [0.5, 0.6, 0.7])], legendPlacement: .bottomRight)
    let curveScript = try text(try XCTUnwrap(gp.plot(rising, to: .png(path: path("rising.png"))).script))
    XCTAssertTrue(curveScript.contains("set key box opaque bottom right"))
    var bad = points[0]
    bad.yError = nil
    XCTAssertThrowsError(try gp.plot(Figure(series: [bad], kind: .scatter), to: .png(path: path("bad.png")))) {
      XCTAssertTrue("\($0)".contains("x errors but no y errors"), "\($0)")
    }
  }
}
