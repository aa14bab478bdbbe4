// Figure: a 2-D chart description (axes, scales, series) that the Gnuplot driver renders.

/// A 2-D chart: title, axis labels and scales, and the series to draw.
public struct Figure: Equatable, Sendable {
  /// What kind of chart this is.
  public enum Kind: Equatable, Sendable {
    /// Curves (each series drawn in its own `style`).
    case lines
    /// Points with a text label next to each one (series `pointLabels`), e.g. SA vs RA.
    case scatter
  }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  /// Log-scale the x axis (non-positive x values are skipped by gnuplot).
  public var logScaleX: Bool
  /// Log-scale the y axis (non-positive y values are skipped by gnuplot).
  public var logScaleY: Bool
  /// Fixed x range; `nil` lets gnuplot choose.
  public var xRange: ClosedRange<Double>?
  /// Fixed y range; `nil` lets gnuplot choose.
  public var yRange: ClosedRange<Double>?
  /// The series, drawn in order. Series without points are skipped.
  public var series: [PlotSeries]
  public var kind: Kind
  /// Whether to draw the legend (key).
  public var showsLegend: Bool
  /// Where the legend goes: inside top right covers the last points of rising curves.
  public var legendPlacement: LegendPlacement

  /// Where a figure's legend is drawn.
  public enum LegendPlacement: Equatable, Sendable {
    /// Inside the plot, top right (gnuplot's default place).
    case topRight
    /// Inside the plot, bottom right: for curves that rise (accuracy per epoch).
    case bottomRight
    /// Outside the plot, to its right: for many entries or crowded points.
    case outsideRight
  }

  /// Creates a figure.
  public init(
    title: String = "", xLabel: String = "", yLabel: String = "",
    logScaleX: Bool = false, logScaleY: Bool = false,
    xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double>? = nil,
    series: [PlotSeries] = [], kind: Kind = .lines, showsLegend: Bool = true,
    legendPlacement: LegendPlacement = .topRight
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.logScaleX = logScaleX
    self.logScaleY = logScaleY
    self.xRange = xRange
    self.yRange = yRange
    self.series = series
    self.kind = kind
    self.showsLegend = showsLegend
    self.legendPlacement = legendPlacement
  }

  /// The series that have at least one point.
  var drawableSeries: [PlotSeries] { series.filter { $0.count > 0 } }

  /// Throws `PlotError.invalidData` if a series is inconsistent or nothing can be drawn.
  func validate() throws {
    for s in series { try s.validate() }
    guard !drawableSeries.isEmpty else {
      throw PlotError.invalidData(
        "figure '\(title)' has no points to draw: add a PlotSeries with at least one point")
    }
  }
}
