// The on-disk cache of one notebook, `NAME.aegis-cache/` next to `NAME.md`:
//
//   manifest.json        code hashes, parameters and version of the last run (to say *why*)
//   cells/KEY.json       one cell's rendered output (text, value, error, plot names, time)
//   cells/KEY/…          copies of that cell's plot files
//
// Entries are content-addressed by the cell's chained key (CacheKeys), so switching parameters
// back and forth finds the earlier outputs again. Only outputs are stored, never workspace
// values. A missing, unreadable or incomplete entry simply counts as not cached.

import Foundation

/// A cached cell output.
struct CacheEntry: Codable, Equatable {
  /// The cell's chained key.
  var key: String
  /// What the cell produced.
  var output: CellOutput
  /// The first code line of each cell up to and including this one, when it ran (to move line
  /// numbers in cached error messages when prose above the cells changed length).
  var codeLines: [Int]
  /// When it was computed.
  var date: Date
}

/// What the last run looked like, to explain cache misses.
struct CacheManifest: Codable, Equatable {
  var version: String
  var parameters: String
  var codeHashes: [String]
  var date: Date
}

/// Reads and writes a notebook's cache directory.
final class NotebookCache {
  /// The cache directory.
  let directory: URL
  private let files = FileManager.default

  /// A cache in `directory` (created on the first write).
  init(directory: URL) {
    self.directory = directory
  }

  private var cellsDirectory: URL { directory.appendingPathComponent("cells") }
  private var manifestURL: URL { directory.appendingPathComponent("manifest.json") }

  /// The entry for `key`, if it is complete (its plot files are present).
  func entry(_ key: String) -> CacheEntry? {
    let url = cellsDirectory.appendingPathComponent("\(key).json")
    guard let data = files.contents(atPath: url.path),
          let entry = try? Self.decoder.decode(CacheEntry.self, from: data), entry.key == key else { return nil }
    let folder = plotFolder(key)
    let complete = entry.output.plots.allSatisfy { files.fileExists(atPath: folder.appendingPathComponent($0).path) }
    return complete ? entry : nil
  }

  /// Stores `entry`, copying its plots from `plotsFolder`.
  func store(_ entry: CacheEntry, plotsFrom plotsFolder: URL) throws {
    let folder = plotFolder(entry.key)
    try? files.removeItem(at: folder)
    if !entry.output.plots.isEmpty {
      try files.createDirectory(at: folder, withIntermediateDirectories: true)
      for plot in entry.output.plots {
        try files.copyItem(at: plotsFolder.appendingPathComponent(plot), to: folder.appendingPathComponent(plot))
      }
    }
    try files.createDirectory(at: cellsDirectory, withIntermediateDirectories: true)
    try Self.encoder.encode(entry).write(to: cellsDirectory.appendingPathComponent("\(entry.key).json"), options: .atomic)
  }

  /// Copies the plots of `entry` into `plotsFolder` (replacing files of the same name).
  func restorePlots(of entry: CacheEntry, into plotsFolder: URL) throws {
    guard !entry.output.plots.isEmpty else { return }
    try files.createDirectory(at: plotsFolder, withIntermediateDirectories: true)
    for plot in entry.output.plots {
      let target = plotsFolder.appendingPathComponent(plot)
      try? files.removeItem(at: target)
      try files.copyItem(at: plotFolder(entry.key).appendingPathComponent(plot), to: target)
    }
  }

  /// The manifest of the last run, if any.
  func manifest() -> CacheManifest? {
    files.contents(atPath: manifestURL.path).flatMap { try? Self.decoder.decode(CacheManifest.self, from: $0) }
  }

  /// Records the current run.
  func save(_ manifest: CacheManifest) throws {
    try files.createDirectory(at: directory, withIntermediateDirectories: true)
    try Self.encoder.encode(manifest).write(to: manifestURL, options: .atomic)
  }

  private func plotFolder(_ key: String) -> URL { cellsDirectory.appendingPathComponent(key) }

  private static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys]
    e.dateEncodingStrategy = .iso8601
    return e
  }()

  private static let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.dateDecodingStrategy = .iso8601
    return d
  }()
}
