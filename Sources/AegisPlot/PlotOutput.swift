// PlotOutput: what a plot call produced (text or files) plus gnuplot's warnings.

import Foundation

/// The result of drawing a figure or image grid.
public struct PlotOutput: Equatable, Sendable {
  /// The ASCII plot for `.terminal` targets (leading form feed removed), else `nil`.
  public var text: String?
  /// The image file for `.png` / `.svg` targets.
  public var image: URL?
  /// The tab-separated data file (`NAME.dat`) for file targets.
  public var data: URL?
  /// The gnuplot script (`NAME.gp`) for file targets; `gnuplot NAME.gp` redraws the image.
  public var script: URL?
  /// Anything gnuplot printed on stderr although it succeeded (usually warnings).
  public var warnings: String

  public init(
    text: String? = nil, image: URL? = nil, data: URL? = nil, script: URL? = nil,
    warnings: String = ""
  ) {
    self.text = text
    self.image = image
    self.data = data
    self.script = script
    self.warnings = warnings
  }
}
