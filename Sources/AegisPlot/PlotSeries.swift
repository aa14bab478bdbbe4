// PlotSeries: one named curve (or point set) of a figure, as plain numbers.

/// One curve or point set of a `Figure`: x/y values, optional error bars and point labels.
public struct PlotSeries: Equatable, Sendable {
  /// How the points are drawn.
  public enum Style: String, Equatable, Sendable {
    case lines, points, linespoints
  }

  /// Legend text.
  public var name: String
  /// X coordinates, one per point.
  public var x: [Double]
  /// Y coordinates, one per point; non-finite values are drawn as gaps.
  public var y: [Double]
  /// Optional symmetric y error (half-width of the bar), one per point.
  public var yError: [Double]?
  /// Optional symmetric x error, one per point; drawn only together with `yError` (both bars).
  public var xError: [Double]?
  /// Drawing style.
  public var style: Style
  /// Optional text drawn next to each point (used by `.scatter` figures).
  public var pointLabels: [String]?

  /// Creates a series from explicit x and y values.
  public init(
    name: String, x: [Double], y: [Double], yError: [Double]? = nil, xError: [Double]? = nil,
    style: Style = .lines, pointLabels: [String]? = nil
  ) {
    self.name = name
    self.x = x
    self.y = y
    self.yError = yError
    self.xError = xError
    self.style = style
    self.pointLabels = pointLabels
  }

  /// Creates a series whose x values are `firstX, firstX + 1, ...` (e.g. epochs).
  public init(name: String, y: [Double], firstX: Double = 1, style: Style = .lines) {
    self.init(name: name, x: y.indices.map { firstX + Double($0) }, y: y, style: style)
  }

  /// Number of points.
  public var count: Int { y.count }

  /// Throws `PlotError.invalidData` if the per-point arrays disagree in length.
  func validate() throws {
    try requireCount(x.count, of: "x values")
    if let yError { try requireCount(yError.count, of: "y errors") }
    if let xError {
      try requireCount(xError.count, of: "x errors")
      guard yError != nil else {
        throw PlotError.invalidData("series '\(name)' has x errors but no y errors: give both (use 0 for no y bar)")
      }
    }
    if let pointLabels { try requireCount(pointLabels.count, of: "point labels") }
  }

  private func requireCount(_ n: Int, of what: String) throws {
    guard n == y.count else {
      throw PlotError.invalidData(
        "series '\(name)' has \(n) \(what) but \(y.count) y values: give one per point")
    }
  }
}
