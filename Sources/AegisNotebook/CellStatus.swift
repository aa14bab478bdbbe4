// Why a cell's output is what it is: replayed from the cache, recomputed (and why), run again
// only to rebuild the workspace for a later cell, not evaluated, or never reached.

/// How a cell's output was obtained in this run.
public enum CellStatus: Equatable, Sendable {
  /// Replayed from the cache without running.
  case cached
  /// Run because its output could not come from the cache.
  case recomputed(RecomputeReason)
  /// Its cached output was valid, but it ran to rebuild the workspace cell `neededBy` runs in.
  case rerun(neededBy: Int)
  /// `#| eval: false`: shown, never run.
  case notEvaluated
  /// The run stopped at an earlier cell's error.
  case notReached(stoppedAt: Int)

  /// Whether the cell was executed in this run.
  public var ran: Bool {
    switch self {
    case .recomputed, .rerun: return true
    default: return false
    }
  }

  /// One line for documents and the console: "cached", "recomputed: code changed", …
  public var description: String {
    switch self {
    case .cached: return "cached"
    case .recomputed(let reason): return "recomputed: \(reason.description)"
    case .rerun(let cell): return "re-run: cell \(cell) needs the workspace"
    case .notEvaluated: return "not run (eval: false)"
    case .notReached(let cell): return "not run: stopped at cell \(cell)"
    }
  }
}

/// Why a cell was recomputed.
public enum RecomputeReason: Equatable, Sendable {
  /// Its code or options changed (or it is new).
  case codeChanged
  /// Its code is unchanged but an earlier cell's code changed.
  case earlierCellChanged
  /// The `--set` parameters differ from the cached run.
  case parametersChanged
  /// The Aegis version differs from the cached run.
  case versionChanged
  /// `--no-cache`.
  case noCache
  /// `#| cache: false`.
  case cacheDisabled
  /// `--from N` with N at or before this cell.
  case from(Int)
  /// No cached output (first run, or the cached run stopped before this cell).
  case notCached

  /// The reason in words.
  public var description: String {
    switch self {
    case .codeChanged: return "code changed"
    case .earlierCellChanged: return "an earlier cell changed"
    case .parametersChanged: return "parameters changed"
    case .versionChanged: return "Aegis version changed"
    case .noCache: return "--no-cache"
    case .cacheDisabled: return "cache: false"
    case .from(let n): return "--from \(n)"
    case .notCached: return "not in the cache"
    }
  }
}
