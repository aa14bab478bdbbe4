// What one cell produced: printed lines, the value of its last expression, an error and plot
// files. This is also what the cache stores: workspace values are never serialized.

/// The rendered output of one cell.
public struct CellOutput: Codable, Equatable, Sendable {
  /// Printed lines (`print`, progress lines, tables), joined with newlines.
  public var text: String
  /// The auto-printed value of the last expression, when there is one.
  public var value: String?
  /// The rendered diagnostic, when the cell failed.
  public var error: String?
  /// Plot files produced, as names inside the notebook's `_files` folder, in order.
  public var plots: [String]
  /// Wall time of the cell, in seconds.
  public var seconds: Double
  /// The session seed after the cell ran (the last `seed(n)`, 0 when never called).
  public var seed: UInt64

  /// Creates an output.
  public init(text: String = "", value: String? = nil, error: String? = nil, plots: [String] = [],
              seconds: Double = 0, seed: UInt64 = 0) {
    self.text = text
    self.value = value
    self.error = error
    self.plots = plots
    self.seconds = seconds
    self.seed = seed
  }

  /// The printed text and the value, as shown in the output block (nil when both are empty).
  public var shownText: String? {
    let parts = [text, value ?? ""].filter { !$0.isEmpty }
    return parts.isEmpty ? nil : parts.joined(separator: "\n")
  }
}
