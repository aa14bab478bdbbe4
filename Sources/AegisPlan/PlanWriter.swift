// Writes a plan directory: the folders, a copy of the script, plan.json and one JSON per cell.
// Rewriting a plan keeps finished results only if the cells are unchanged (same settings).

import AegisData
import AegisSSL
import Foundation

/// Creates plan directories.
public enum PlanWriter {
  /// Writes `cells` (from `settings`) to `path`, with `script` (its source) and `arguments`.
  public static func write(cells: [PlanCell], settings: [String: String], to path: String, scriptPath: String,
                           scriptSource: String, arguments: [String]) throws -> PlanDirectory {
    let dir = PlanDirectory(path)
    guard Set(cells.map(\.id)).count == cells.count else { throw PlanError("plan: cell ids must be unique") }
    try dir.createFolders()
    for cell in cells {
      // A finished cell whose settings changed is stale: drop its result so it runs again.
      if let old = try? dir.cell(cell.id), old != cell {
        for file in [dir.resultPath(cell.id), dir.checkpointPath(cell.id), dir.errorPath(cell.id)] { try? FileManager.default.removeItem(atPath: file) }
      }
      try dir.write(cell, to: dir.cellPath(cell.id))
    }
    let source = [UInt8](scriptSource.utf8)
    try AtomicFileWriter.write(to: dir.scriptPath) { try $0.write(source) }
    let manifest = PlanManifest(aegisVersion: AegisVersion.current, script: scriptPath, arguments: arguments,
                                workingDirectory: FileManager.default.currentDirectoryPath, settings: settings, cells: cells.map(\.id))
    try dir.write(manifest, to: dir.manifestPath)
    return dir
  }

  /// The plan of a paper grid.
  public static func write(grid: PaperGrid, train: Dataset, test: Dataset, to path: String, scriptPath: String,
                           scriptSource: String, arguments: [String]) throws -> PlanDirectory {
    try grid.validate()
    let (trainSet, validationSet, testSet) = try grid.split(train, test)
    var settings = grid.settings
    settings["train_data"] = train.name
    settings["train_examples"] = String(trainSet.count)
    settings["validation_examples"] = String(validationSet.count)
    settings["test_data"] = test.name
    settings["test_examples"] = String(testSet.count)
    let cells = grid.planCells().map { cell -> PlanCell in
      var c = cell
      for key in ["train_data", "train_examples", "validation_examples", "test_data", "test_examples"] { c.settings[key] = settings[key] }
      return c
    }
    return try write(cells: cells, settings: settings, to: path, scriptPath: scriptPath, scriptSource: scriptSource, arguments: arguments)
  }
}

