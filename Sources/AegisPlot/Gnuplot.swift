// Gnuplot: the driver that renders Figures and ImageGrids by running the gnuplot executable.

import Foundation

/// Renders figures with the `gnuplot` executable.
///
/// File targets write `NAME.dat` (tab-separated data) and `NAME.gp` (the script) next to the
/// image and then run `gnuplot NAME.gp`, so the same command redraws it later. Terminal and
/// window targets use a temporary script with the data inline. Every call waits for gnuplot to
/// exit, so the files are complete when it returns.
public struct Gnuplot: Sendable {
  /// The environment variable that names the gnuplot executable, overriding `$PATH`.
  public static let overrideVariable = GnuplotLocator.overrideVariable

  /// The gnuplot binary this driver runs.
  public let executable: URL
  /// The environment gnuplot runs with (also consulted for `$DISPLAY`).
  public let environment: [String: String]

  /// Uses an explicit gnuplot binary.
  public init(
    executable: URL, environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.executable = executable
    self.environment = environment
  }

  /// Finds gnuplot via `$AEGIS_GNUPLOT`, then `$PATH`; throws `PlotError.gnuplotNotFound`.
  public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    try self.init(
      executable: GnuplotLocator.locate(environment: environment), environment: environment)
  }

  /// Whether a gnuplot executable can be found.
  public static func isAvailable(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> Bool {
    (try? GnuplotLocator.locate(environment: environment)) != nil
  }

  /// Draws a chart.
  @discardableResult
  public func plot(_ figure: Figure, to target: PlotTarget) throws -> PlotOutput {
    try figure.validate()
    return try render(FigureScript.body(for: figure), title: figure.title, to: target)
  }

  /// Draws a grid of captioned images.
  @discardableResult
  public func plot(_ grid: ImageGrid, to target: PlotTarget) throws -> PlotOutput {
    try grid.validate()
    return try render(ImageGridScript.body(for: grid), title: grid.title, to: target)
  }

  /// Runs a gnuplot script file; returns stdout, throws `PlotError.gnuplotFailed` on error.
  @discardableResult
  public func run(scriptFile: URL) throws -> String {
    try execute(scriptFile: scriptFile, persist: false, reportScript: true).stdout
  }

  // MARK: rendering

  private func render(_ body: PlotBody, title: String, to target: PlotTarget) throws
    -> PlotOutput
  {
    try checkSize(target)
    if let path = target.path {
      return try renderFile(body, title: title, to: target, path: path)
    }
    if target == .window, (environment["DISPLAY"] ?? "").isEmpty { throw PlotError.noDisplay }
    let script = GnuplotScript.inline(body, target: target)
    let result = try runInline(script, persist: target == .window)
    let text = target == .window ? nil : String(result.stdout.drop { $0 == "\u{0C}" })
    return PlotOutput(text: text, warnings: trimmed(result.stderr))
  }

  private func renderFile(_ body: PlotBody, title: String, to target: PlotTarget, path: String)
    throws -> PlotOutput
  {
    let files = try PlotFiles(imagePath: path)
    try? FileManager.default.removeItem(at: files.image)
    let script = GnuplotScript.file(body, target: target, files: files, title: title)
    try files.write(data: body.data, script: script)
    let result = try execute(scriptFile: files.script, persist: false, reportScript: true)
    let size = (try? FileManager.default.attributesOfItem(atPath: files.image.path))?[.size]
    guard let bytes = size as? NSNumber, bytes.intValue > 0 else {
      throw PlotError.gnuplotFailed(
        status: 0,
        message: "no image was written at \(files.image.path): \(trimmed(result.stderr))",
        script: files.script.path)
    }
    return PlotOutput(
      image: files.image, data: files.data, script: files.script, warnings: trimmed(result.stderr))
  }

  /// Writes `script` to a temporary file, runs it and deletes it.
  private func runInline(_ script: String, persist: Bool) throws -> GnuplotProcess {
    let file = try TemporaryFile(suffix: ".gp")
    defer { file.remove() }
    do {
      try file.handle.write(contentsOf: Data(script.utf8))
      try file.handle.synchronize()
    } catch {
      throw PlotError.io("cannot write a temporary gnuplot script: \(error.localizedDescription)")
    }
    return try execute(scriptFile: file.url, persist: persist, reportScript: false)
  }

  private func execute(scriptFile: URL, persist: Bool, reportScript: Bool) throws
    -> GnuplotProcess
  {
    let arguments = (persist ? ["-persist"] : []) + [scriptFile.path]
    let result = try GnuplotProcess.run(
      executable: executable, arguments: arguments, environment: environment)
    guard result.status == 0 else {
      throw PlotError.gnuplotFailed(
        status: result.status, message: trimmed(result.stderr),
        script: reportScript ? scriptFile.path : nil)
    }
    return result
  }

  private func checkSize(_ target: PlotTarget) throws {
    switch target {
    case .terminal(let w, let h), .png(_, let w, let h), .svg(_, let w, let h):
      guard w > 0, h > 0 else {
        throw PlotError.invalidData(
          "plot size \(w)×\(h) is invalid: width and height must be ≥ 1")
      }
    case .window:
      return
    }
  }

  private func trimmed(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
