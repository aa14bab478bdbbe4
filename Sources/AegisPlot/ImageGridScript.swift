// ImageGridScript: turns an ImageGrid into pixel data blocks and gnuplot image commands.

/// Builds the `PlotBody` of an `ImageGrid`.
///
/// Image `k` sits in cell (`k / cols`, `k % cols`). Pixel (row, col) of a cell is drawn at
/// x = cellX + col, y = cellY - row (y grows upwards, so rows go down the page). Captions are
/// `set label`s (one or more lines) below each image; the gaps leave room for them.
enum ImageGridScript {
  static func body(for grid: ImageGrid) -> PlotBody {
    let layout = Layout(grid)
    return PlotBody(data: dataFile(grid, layout)) { data in
      settings(grid, layout) + captions(grid, layout)
        + [GnuplotText.plot(grid.images.indices.map { element($0, grid, data) })]
    }
  }

  /// Cell geometry in data (pixel) units. Gaps leave room for each caption's lines at
  /// `ImageGrid.pixelsPerUnit` screen pixels per image pixel: wide captions widen the column
  /// gap, two-line captions deepen the row gap, so neighbouring captions never overlap.
  struct Layout {
    let cellWidth: Int, cellHeight: Int, gapX: Int, gapY: Int, cols: Int, rows: Int

    init(_ grid: ImageGrid) {
      cellWidth = grid.images.map(\.width).max() ?? 1
      cellHeight = grid.images.map(\.height).max() ?? 1
      let scale = Double(ImageGrid.pixelsPerUnit(grid))
      let lines = grid.images.map { ImageGrid.captionLines($0.caption) }
      let widest = lines.flatMap { $0 }.map(\.count).max() ?? 0
      let deepest = lines.map(\.count).max() ?? 0
      let captionWidth = (Double(widest) * ImageGrid.characterWidth + ImageGrid.characterWidth) / scale
      gapX = max(1, cellWidth / 10, Int((captionWidth - Double(cellWidth)).rounded(.up)))
      gapY = deepest == 0 ? max(1, cellHeight / 10)
        : Int(((Double(deepest) + 0.6) * ImageGrid.lineHeight / scale).rounded(.up)) + 1
      cols = grid.cols
      rows = grid.rows
    }

    /// Top-left pixel centre of image `k` (horizontally centred in its cell).
    func origin(of k: Int, width: Int) -> (x: Int, y: Int) {
      let x = (k % cols) * (cellWidth + gapX) + (cellWidth - width) / 2
      return (x, -(k / cols) * (cellHeight + gapY))
    }

    /// Width and height of the whole grid in data units.
    var extent: (width: Int, height: Int) { (cols * (cellWidth + gapX), rows * (cellHeight + gapY)) }

    /// The x range covering all columns, with half a gap on each side.
    var xRange: String {
      let lo = -0.5 - Double(gapX) / 2
      return "[\(lo):\(lo + Double(extent.width))]"
    }

    /// The y range from the top pixel row down to the last row's caption space.
    var yRange: String { "[\(0.5 - Double(extent.height)):0.5]" }
  }

  // MARK: data file

  private static func dataFile(_ grid: ImageGrid, _ layout: Layout) -> String {
    let columns = grid.isGrayscale ? "x\ty\tvalue" : "x\ty\tr\tg\tb"
    var text = "# Aegis image grid: \(grid.rows) rows × \(grid.cols) cols"
    text += grid.title.isEmpty ? "\n" : ": \(GnuplotText.singleLine(grid.title))\n"
    text += "# tab-separated; one block per image (select with gnuplot `index N`), "
    text += "one blank line between pixel rows; values 0-255\n# columns: \(columns)\n"
    for (k, image) in grid.images.enumerated() {
      text += (k == 0 ? "\n" : "\n\n") + block(image, index: k, grid.isGrayscale, layout)
    }
    return text
  }

  private static func block(_ image: GridImage, index k: Int, _ gray: Bool, _ layout: Layout)
    -> String
  {
    let o = layout.origin(of: k, width: image.width)
    var text = "# [index \(k)] \(GnuplotText.singleLine(image.caption))\n"
    text.reserveCapacity(image.height * image.width * (gray ? 12 : 20))
    for row in 0..<image.height {
      for col in 0..<image.width {
        text += "\(o.x + col)\t\(o.y - row)\t" + pixel(image, row, col, gray) + "\n"
      }
      text += "\n"
    }
    return text
  }

  /// The value column(s) of one pixel; grayscale images are replicated in RGB grids.
  private static func pixel(_ image: GridImage, _ row: Int, _ col: Int, _ gray: Bool) -> String {
    if gray { return "\(image.byte(channel: 0, row: row, col: col))" }
    let channels = image.channels == 3 ? [0, 1, 2] : [0, 0, 0]
    return channels.map { "\(image.byte(channel: $0, row: row, col: col))" }
      .joined(separator: "\t")
  }

  // MARK: commands

  private static func settings(_ grid: ImageGrid, _ layout: Layout) -> [String] {
    var lines = ["set datafile separator tab"]
    if !grid.title.isEmpty { lines.append("set title \(GnuplotText.quoted(grid.title))") }
    lines += [
      "unset border", "unset tics", "unset key", "unset colorbox", "unset grid",
      "set size ratio -1",
      "set lmargin 1", "set rmargin 1", "set bmargin 1",
      "set tmargin \(grid.title.isEmpty ? 1 : 3)",
      "set xrange \(layout.xRange)", "set yrange \(layout.yRange)",
    ]
    if grid.isGrayscale { lines += ["set palette gray", "set cbrange [0:255]"] }
    return lines
  }

  private static func captions(_ grid: ImageGrid, _ layout: Layout) -> [String] {
    var lines: [String] = []
    for (k, image) in grid.images.enumerated() where !image.caption.isEmpty {
      let o = layout.origin(of: k, width: image.width)
      let x = Double(o.x) + Double(image.width - 1) / 2
      // The first line's centre sits just under the image; gnuplot stacks further lines below.
      let y = Double(o.y - image.height) + 0.5 - 0.7 * ImageGrid.lineHeight / Double(ImageGrid.pixelsPerUnit(grid))
      lines.append(
        "set label \(lines.count + 1) \(captionText(image.caption)) at \(x),\(y) "
          + "center font \",\(ImageGrid.fontSize)\" front")
    }
    return lines
  }

  /// A caption as a double-quoted gnuplot string whose lines are joined by `\\n`.
  static func captionText(_ caption: String) -> String {
    let lines = ImageGrid.captionLines(caption).map {
      GnuplotText.singleLine($0).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
    return "\"" + lines.joined(separator: "\\n") + "\""
  }

  private static func element(_ k: Int, _ grid: ImageGrid, _ data: String) -> String {
    let using = grid.isGrayscale ? "1:2:3 with image" : "1:2:3:4:5 with rgbimage"
    return "\(data) index \(k) using \(using) notitle"
  }
}
