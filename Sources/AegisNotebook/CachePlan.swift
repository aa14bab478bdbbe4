// Decides, before anything runs, which cells run and which are replayed from the cache.
//
// The rule (sound because workspace values are never restored from disk):
//   • a cell *hits* when caching is on for it and the cache has an entry for its chained key;
//   • let L be the last evaluated cell that misses: cells 1…L all run, top to bottom, in one
//     workspace — a miss needs the workspace of every cell before it, and hits before L run too
//     (shown as "re-run: cell K needs the workspace") and show their fresh output;
//   • cells after L are replayed from the cache without running: nothing after them needs a
//     workspace, and their keys prove the cached output came from the same code and parameters.
// So a fully unchanged notebook replays instantly, an edited cell recomputes itself and
// everything after it, and no cell ever runs without the cells before it.

/// What to do with one cell.
enum CellAction: Equatable {
  /// `eval: false`: show the code only.
  case show
  /// Run it; the status says why.
  case run(CellStatus)
  /// Replay this cached output.
  case replay(CacheEntry)
}

/// The run plan of a notebook.
enum CachePlan {
  /// Settings that decide hits and reasons.
  struct Settings {
    var useCache = true
    var from: Int?
    var version: String
  }

  /// One action per cell.
  static func make(cells: [Cell], keys: CacheKeys, manifest: CacheManifest?, settings: Settings,
                   lookup: (String) -> CacheEntry?) -> [CellAction] {
    let hits: [CacheEntry?] = cells.indices.map { i in
      cacheable(cells[i], settings) ? lookup(keys.keys[i]) : nil
    }
    let misses = cells.indices.filter { cells[$0].options.eval && hits[$0] == nil }
    let last = misses.last ?? -1
    return cells.indices.map { i -> CellAction in
      guard cells[i].options.eval else { return .show }
      if i > last, let entry = hits[i] { return .replay(entry) }
      if hits[i] != nil, let next = misses.first(where: { $0 > i }) { return .run(.rerun(neededBy: cells[next].number)) }
      return .run(.recomputed(reason(i, cells, keys, manifest, settings)))
    }
  }

  private static func cacheable(_ cell: Cell, _ settings: Settings) -> Bool {
    guard settings.useCache, cell.options.eval, cell.options.cache else { return false }
    if let from = settings.from, cell.number >= from { return false }
    return true
  }

  /// Why cell `i` misses, most specific first.
  static func reason(_ i: Int, _ cells: [Cell], _ keys: CacheKeys, _ manifest: CacheManifest?,
                     _ settings: Settings) -> RecomputeReason {
    if !settings.useCache { return .noCache }
    if let from = settings.from, cells[i].number >= from { return .from(from) }
    if !cells[i].options.cache { return .cacheDisabled }
    guard let manifest else { return .notCached }
    if manifest.version != settings.version { return .versionChanged }
    if !manifest.codeHashes.contains(keys.codeHashes[i]) { return .codeChanged }
    if Array(manifest.codeHashes.prefix(i)) != Array(keys.codeHashes.prefix(i)) { return .earlierCellChanged }
    if manifest.parameters != keys.parameters { return .parametersChanged }
    return .notCached
  }
}
