// Ready-made figures for the product: learning curves, robustness curves, SA-vs-RA scatter.

extension Figure {
  /// Per-epoch curves such as "train loss", "val clean acc", "val robust acc".
  ///
  /// Each series gets x = `firstEpoch, firstEpoch + 1, ...`; use `Double.nan` for epochs that
  /// have no value (drawn as gaps).
  public static func learningCurves(
    _ series: [(name: String, values: [Double])],
    title: String = "learning curves", xLabel: String = "epoch", yLabel: String = "value",
    firstEpoch: Int = 1, legendPlacement: LegendPlacement = .topRight
  ) -> Figure {
    let curves = series.map {
      PlotSeries(name: $0.name, y: $0.values, firstX: Double(firstEpoch), style: .linespoints)
    }
    return Figure(title: title, xLabel: xLabel, yLabel: yLabel, series: curves, legendPlacement: legendPlacement)
  }

  /// Accuracy against attack strength, one curve per model.
  ///
  /// The y range is fixed to [0, 1] when every accuracy lies in it.
  public static func robustnessCurves(
    _ models: [(name: String, eps: [Double], accuracy: [Double])],
    title: String = "robustness"
  ) -> Figure {
    let curves = models.map {
      PlotSeries(name: $0.name, x: $0.eps, y: $0.accuracy, style: .linespoints)
    }
    let values = models.flatMap(\.accuracy).filter(\.isFinite)
    let unit = !values.isEmpty && values.allSatisfy { (0...1).contains($0) }
    return Figure(
      title: title, xLabel: "epsilon (L-inf, [0,1] units)", yLabel: "accuracy",
      yRange: unit ? 0...1 : nil, series: curves)
  }

  /// Standard accuracy (x) against robust accuracy (y), one labelled point per model.
  public static func accuracyScatter(
    points: [(label: String, sa: Double, ra: Double)],
    title: String = "standard vs robust accuracy"
  ) -> Figure {
    let series = PlotSeries(
      name: "models", x: points.map(\.sa), y: points.map(\.ra), style: .points,
      pointLabels: points.map(\.label))
    return Figure(
      title: title, xLabel: "standard accuracy (SA)", yLabel: "robust accuracy (RA)",
      series: [series], kind: .scatter, showsLegend: false)
  }
}
