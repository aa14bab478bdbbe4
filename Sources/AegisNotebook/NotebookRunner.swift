// Runs a notebook top to bottom in one workspace: checks parameters and syntax first, plans
// which cells run and which are replayed from the cache (CachePlan), executes, stores fresh
// outputs in the cache, and writes NAME.out.md and NAME.html.
//
// An error stops the run at that cell (its message says cell number and `notebook.md:LINE:COL`)
// unless the cell has `#| error: true`; an interruption always stops it. The documents are
// written either way, showing the error and which cells were not reached.

import AegisLang
import AegisTensor
import Foundation

/// Runs Markdown notebooks.
public final class NotebookRunner {
  /// How notebooks are run.
  public let options: NotebookOptions

  /// A runner with `options`.
  public init(options: NotebookOptions = NotebookOptions()) {
    self.options = options
  }

  /// Reads, runs and renders the notebook at `path`: writes NAME.out.md, NAME.html and
  /// NAME_files/. Throws `NotebookError` when the notebook cannot be read or parsed, a
  /// parameter or `--from` is invalid, a cell has a syntax error, or outputs cannot be written.
  /// A cell's runtime error does not throw: see `NotebookRun.exitCode` and `failure`.
  public func run(path: String) throws -> NotebookRun {
    let url = URL(fileURLWithPath: path)
    let notebook = try Self.load(url)
    let run = try execute(notebook, paths: NotebookPaths(notebook: url, options: options))
    try write(run)
    return run
  }

  /// Reads and parses a notebook file.
  public static func load(_ url: URL) throws -> Notebook {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw NotebookError("cannot read \(url.path)", exitCode: 66)
    }
    let name = url.lastPathComponent
    // An .ipynb runs as its Markdown form (line numbers in messages refer to that form).
    if url.pathExtension.lowercased() == "ipynb" { return try NotebookParser.parse(try Ipynb.toMarkdown(data, name: name), name: name) }
    return try NotebookParser.parse(String(decoding: data, as: UTF8.self), name: name)
  }

  /// Runs a parsed notebook (plots go to `paths.files`, outputs to the cache) without writing
  /// the documents.
  public func execute(_ notebook: Notebook, paths: NotebookPaths) throws -> NotebookRun {
    let started = ContinuousClock.now
    let cells = notebook.cells
    let plots = PlotCollector(folder: paths.files)
    let session = NotebookSession(name: notebook.name, registry: options.registry ?? .standard(), plots: plots)
    let overrides = try overridesByCell(cells, session)
    try checkFrom(cells.count)
    try checkFigureNames(cells, notebook.name)
    let syntax = session.syntaxErrors(cells, notebook: notebook)
    guard syntax.isEmpty else { throw NotebookError(syntax.joined(separator: "\n"), exitCode: 65) }

    let keys = CacheKeys(cells: cells, parameters: options.parameters, version: options.version)
    let cache = NotebookCache(directory: paths.cache)
    let settings = CachePlan.Settings(useCache: options.useCache, from: options.from, version: options.version)
    let plan = CachePlan.make(cells: cells, keys: keys, manifest: cache.manifest(), settings: settings, lookup: cache.entry)

    plots.install()
    let savedProgress = (ProgressDisplay.batchHandler, ProgressDisplay.finishLine)
    ProgressDisplay.batchHandler = nil
    ProgressDisplay.finishLine = nil
    Cancellation.reset()
    defer {
      plots.uninstall()
      (ProgressDisplay.batchHandler, ProgressDisplay.finishLine) = savedProgress
    }

    var state = RunState(notebook: notebook, keys: keys, cache: cache, paths: paths)
    for (i, action) in plan.enumerated() {
      state.results.append(perform(action, cells[i], overrides[i] ?? [], session, &state))
    }
    try? cache.save(CacheManifest(version: options.version, parameters: keys.parameters,
                                  codeHashes: keys.codeHashes, date: Date()))
    let seconds = Self.seconds(started.duration(to: .now))
    let seed = state.results.last { $0.output != nil }?.output?.seed ?? 0
    return NotebookRun(notebook: notebook, cells: state.results, stoppedAt: state.stoppedAt,
                       exitCode: state.exitCode, failure: state.failure,
                       provenance: Provenance(version: options.version, date: Date(), seed: seed,
                                              parameters: keys.parameters, totalSeconds: seconds),
                       paths: paths)
  }

  /// Writes NAME.out.md and NAME.html for `run`.
  public func write(_ run: NotebookRun) throws {
    let markdown = MarkdownRenderer.render(run)
    let html = HTMLRenderer.render(run)
    do {
      try FileManager.default.createDirectory(at: run.paths.markdown.deletingLastPathComponent(), withIntermediateDirectories: true)
      try markdown.write(to: run.paths.markdown, atomically: true, encoding: .utf8)
      try html.write(to: run.paths.html, atomically: true, encoding: .utf8)
    } catch {
      throw NotebookError("cannot write the rendered notebook: \(error.localizedDescription)", exitCode: 73)
    }
  }

  // MARK: - Steps

  /// What a run accumulates.
  private struct RunState {
    let notebook: Notebook
    let keys: CacheKeys
    let cache: NotebookCache
    let paths: NotebookPaths
    var results: [CellResult] = []
    var stoppedAt: Int?
    var exitCode: Int32 = 0
    var failure: String?
  }

  private func perform(_ action: CellAction, _ cell: Cell, _ overrides: [ParameterOverride],
                       _ session: NotebookSession, _ state: inout RunState) -> CellResult {
    if let stop = state.stoppedAt, cell.options.eval { return CellResult(cell: cell, status: .notReached(stoppedAt: stop), output: nil) }
    switch action {
    case .show:
      log(cell, .notEvaluated)
      return CellResult(cell: cell, status: .notEvaluated, output: nil)
    case .replay(let entry):
      return replay(entry, cell, state)
    case .run(let status):
      return runCell(cell, status, overrides, session, &state)
    }
  }

  private func replay(_ entry: CacheEntry, _ cell: Cell, _ state: RunState) -> CellResult {
    var output = entry.output
    let lines = state.notebook.cells.prefix(cell.number).map(\.codeLine)
    output.error = output.error.map { LineRemapper.remap($0, name: state.notebook.name, old: entry.codeLines, new: Array(lines)) }
    do {
      try state.cache.restorePlots(of: entry, into: state.paths.files)
    } catch {
      options.log?("warning: cannot restore the plots of cell \(cell.number): \(error.localizedDescription)")
    }
    log(cell, .cached)
    if let text = output.shownText { options.log?(text) }
    if let error = output.error { options.log?(error) }
    return CellResult(cell: cell, status: .cached, output: output)
  }

  private func runCell(_ cell: Cell, _ status: CellStatus, _ overrides: [ParameterOverride],
                       _ session: NotebookSession, _ state: inout RunState) -> CellResult {
    let live = options.from.map { cell.number >= $0 } ?? true
    log(cell, status)
    session.echo = live ? options.log : nil
    let (output, result) = session.run(cell, overrides: overrides)
    if live, let value = output.value { options.log?(value) }
    let interrupted = result.diagnostics.contains { $0.kind == .interrupted }
    let expected = cell.options.error && !interrupted
    if expected, let error = output.error { options.log?(error) }
    if live { options.log?(String(format: "(%.2f s)", output.seconds)) }
    if result.succeeded || expected {
      store(output, cell, state)
    } else {
      state.stoppedAt = cell.number
      state.exitCode = result.exitCode
      state.failure = failure(cell, output, interrupted: interrupted, notebook: state.notebook.name)
    }
    return CellResult(cell: cell, status: status, output: output)
  }

  /// "nb.md: cell 3 (line 12) failed; …" followed by the diagnostic.
  private func failure(_ cell: Cell, _ output: CellOutput, interrupted: Bool, notebook: String) -> String {
    let what = interrupted ? "was interrupted"
      : "failed; the run stopped there (mark the cell `#| error: true` if the error is expected)"
    return "\(notebook): cell \(cell.number) (line \(cell.fenceLine)) \(what)\n" + (output.error ?? "")
  }

  private func store(_ output: CellOutput, _ cell: Cell, _ state: RunState) {
    guard cell.options.cache else { return }
    let entry = CacheEntry(key: state.keys.keys[cell.number - 1], output: output,
                           codeLines: state.notebook.cells.prefix(cell.number).map(\.codeLine), date: Date())
    do {
      try state.cache.store(entry, plotsFrom: state.paths.files)
    } catch {
      options.log?("warning: cannot cache cell \(cell.number): \(error.localizedDescription)")
    }
  }

  private func log(_ cell: Cell, _ status: CellStatus) {
    options.log?("── cell \(cell.number) · line \(cell.fenceLine) · \(status.description)")
  }

  /// The overrides each cell applies: a `--set` name goes to the `#| param` cells that assign it.
  private func overridesByCell(_ cells: [Cell], _ session: NotebookSession) throws -> [Int: [ParameterOverride]] {
    var byCell: [Int: [ParameterOverride]] = [:]
    var known: [String] = []
    let params = cells.indices.filter { cells[$0].options.param && cells[$0].options.eval }
    let assigned = Dictionary(uniqueKeysWithValues: params.map { ($0, session.assignedNames(cells[$0])) })
    for i in params { known += assigned[i, default: []].sorted() }
    for o in options.parameters {
      let targets = params.filter { assigned[$0, default: []].contains(o.name) }
      guard !targets.isEmpty else {
        let list = known.isEmpty ? "the notebook has no `#| param` cell" : "parameters: " + known.joined(separator: ", ")
        let hint = EditDistance.suggestion(for: o.name, among: known).map { "; did you mean `\($0)`?" } ?? ""
        throw NotebookError.usage("--set \(o.name): no `#| param` cell assigns `\(o.name)`\(hint) (\(list))")
      }
      for i in targets { byCell[i, default: []].append(o) }
    }
    return byCell
  }

  private func checkFrom(_ count: Int) throws {
    guard let from = options.from else { return }
    guard from >= 1 && from <= count else {
      throw NotebookError.usage("--from \(from): the notebook has \(count) cell\(count == 1 ? "" : "s") (use --list-cells)")
    }
  }

  /// Two cells with the same `fig:` name would overwrite each other's plot files.
  private func checkFigureNames(_ cells: [Cell], _ name: String) throws {
    var seen: [String: Int] = [:]
    for cell in cells where cell.options.eval {
      guard let fig = cell.options.fig else { continue }
      let key = PlotCollector.fileName(cell: cell.number, figure: fig, index: 1).lowercased()
      if let first = seen[key] {
        throw NotebookError("\(name):\(cell.firstLine): cells \(first) and \(cell.number) both use `fig: \"\(fig)\"`; their plots would overwrite each other")
      }
      seen[key] = cell.number
    }
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }
}
