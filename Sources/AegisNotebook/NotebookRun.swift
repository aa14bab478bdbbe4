// The result of running a notebook: each cell with its status and output, where the run
// stopped (if it did), the exit code and the provenance stamp. Renderers read only this.

import Foundation

/// One cell after a run.
public struct CellResult {
  /// The cell.
  public var cell: Cell
  /// How its output was obtained.
  public var status: CellStatus
  /// Its output (nil when it did not run and was not cached).
  public var output: CellOutput?
}

/// A finished (or stopped) notebook run.
public struct NotebookRun {
  /// The notebook that ran.
  public var notebook: Notebook
  /// Per cell, in order.
  public var cells: [CellResult]
  /// The cell whose error stopped the run, if any.
  public var stoppedAt: Int?
  /// 0 on success; 65 syntax, 70 runtime error, 130 interrupted (the stopping cell's).
  public var exitCode: Int32
  /// What to tell the user when the run stopped (cell number, location, diagnostic).
  public var failure: String?
  /// Version, date, seed, parameters and times.
  public var provenance: Provenance
  /// The files involved.
  public var paths: NotebookPaths

  /// Whether every cell that should run did, without unexpected errors.
  public var succeeded: Bool { exitCode == 0 }

  /// Number of cells executed in this run.
  public var executedCount: Int { cells.filter { $0.status.ran }.count }

  /// Number of cells replayed from the cache.
  public var cachedCount: Int { cells.filter { $0.status == .cached }.count }
}

/// The stamp at the end of a rendered notebook.
public struct Provenance {
  /// The Aegis version.
  public var version: String
  /// When the document was rendered.
  public var date: Date
  /// The session seed after the last cell (0 if `seed` was never called).
  public var seed: UInt64
  /// `--set` overrides in canonical form (empty when none).
  public var parameters: String
  /// Wall time of this run, in seconds.
  public var totalSeconds: Double
}
