// FigureScript: turns a Figure into its data file text and gnuplot plot commands.

/// Builds the `PlotBody` of a `Figure`.
enum FigureScript {
  static func body(for figure: Figure) -> PlotBody {
    let series = figure.drawableSeries
    return PlotBody(data: dataFile(figure.title, series)) { data in
      settings(figure) + scatterLabels(figure, series)
        + [GnuplotText.plot(series.enumerated().map { element($1, index: $0, figure, data) })]
    }
  }

  // MARK: data file

  private static func dataFile(_ title: String, _ series: [PlotSeries]) -> String {
    var text = "# Aegis figure data: \(GnuplotText.singleLine(title))\n"
    text += "# tab-separated; one block per series, blocks separated by two blank lines "
    text += "(select with gnuplot `index N`); NaN marks a missing value\n"
    for (k, s) in series.enumerated() {
      text += (k == 0 ? "\n" : "\n\n") + block(s, index: k)
    }
    return text
  }

  private static func block(_ s: PlotSeries, index: Int) -> String {
    var header = ["x", "y"]
    if s.xError != nil { header.append("x_error") }
    if s.yError != nil { header.append("y_error") }
    if s.pointLabels != nil { header.append("label") }
    var text = "# [index \(index)] \(GnuplotText.singleLine(s.name))\n"
    text += "# " + header.joined(separator: "\t") + "\n"
    for i in 0..<s.count {
      var row = [GnuplotText.number(s.x[i]), GnuplotText.number(s.y[i])]
      if let e = s.xError { row.append(GnuplotText.number(e[i])) }
      if let e = s.yError { row.append(GnuplotText.number(e[i])) }
      if let l = s.pointLabels { row.append(GnuplotText.singleLine(l[i])) }
      text += row.joined(separator: "\t") + "\n"
    }
    return text
  }

  // MARK: commands

  private static func settings(_ f: Figure) -> [String] {
    var lines = ["set datafile separator tab", "set datafile missing 'NaN'"]
    if !f.title.isEmpty { lines.append("set title \(GnuplotText.quoted(f.title))") }
    if !f.xLabel.isEmpty { lines.append("set xlabel \(GnuplotText.quoted(f.xLabel))") }
    if !f.yLabel.isEmpty { lines.append("set ylabel \(GnuplotText.quoted(f.yLabel))") }
    if f.logScaleX { lines.append("set logscale x") }
    if f.logScaleY { lines.append("set logscale y") }
    if let r = f.xRange { lines.append("set xrange \(GnuplotText.range(r))") }
    if let r = f.yRange { lines.append("set yrange \(GnuplotText.range(r))") }
    lines.append("set grid")
    lines.append(f.showsLegend ? legend(f.legendPlacement) : "unset key")
    return lines
  }

  private static func legend(_ placement: Figure.LegendPlacement) -> String {
    switch placement {
    case .topRight: return "set key box opaque"
    case .bottomRight: return "set key box opaque bottom right"
    case .outsideRight: return "set key box outside right top"
    }
  }

  /// `set label` commands for scatter point labels (exact text, no data-file quoting limits).
  private static func scatterLabels(_ f: Figure, _ series: [PlotSeries]) -> [String] {
    guard f.kind == .scatter else { return [] }
    // Pad autoscaled axes so labels right of the outermost points (and error bars at the
    // edges) stay inside the plot.
    let labelled = series.contains { $0.pointLabels != nil }
    var lines = [labelled ? "set offsets graph 0.05, graph 0.2, graph 0.1, graph 0.05" : "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05"]
    for s in series {
      guard let labels = s.pointLabels else { continue }
      for i in 0..<s.count where s.x[i].isFinite && s.y[i].isFinite && !labels[i].isEmpty {
        let at = "\(GnuplotText.number(s.x[i])),\(GnuplotText.number(s.y[i]))"
        lines.append(
          "set label \(lines.count) \(GnuplotText.quoted(labels[i])) at \(at) "
            + "left offset character 1,0.5 front")
      }
    }
    return lines
  }

  private static func element(_ s: PlotSeries, index: Int, _ f: Figure, _ data: String) -> String {
    let columns = s.yError == nil ? "1:2" : (s.xError == nil ? "1:2:3" : "1:2:3:4")
    return "\(data) index \(index) using \(columns) with \(style(s, index: index, f)) "
      + "title \(GnuplotText.quoted(s.name))"
  }

  /// Filled circle, square, triangles, diamond, pentagon: shapes that stay apart when colours do not.
  private static let pointTypes = [7, 5, 9, 11, 13, 15]

  private static func style(_ s: PlotSeries, index: Int, _ f: Figure) -> String {
    let style = f.kind == .scatter ? .points : s.style
    // Labelled points share one shape (the label names them); legend-named ones each get their own.
    let pt = f.kind == .scatter && s.pointLabels == nil ? pointTypes[index % pointTypes.count] : 7
    switch (style, s.yError != nil) {
    case (.lines, false): return "lines lw 2"
    case (.points, false): return "points pt \(pt) ps 1.2"
    case (.linespoints, false): return "linespoints lw 2 pt 7 ps 0.8"
    case (.points, true): return "\(s.xError == nil ? "yerrorbars" : "xyerrorbars") pt \(pt) ps 1.2"
    case (.lines, true), (.linespoints, true): return "yerrorlines lw 2 pt 7 ps 0.8"
    }
  }
}
