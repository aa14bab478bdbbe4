// Merges finished cells into the grid's table (the same GridTable `grid` returns), marked
// partial when cells are missing.

import AegisSSL
import Foundation

extension PlanDirectory {
  /// The table of every finished measured cell, in plan order.
  public func collect() throws -> GridTable {
    let manifest = try manifest()
    let cells = try self.cells()
    var rows: [GridCell] = []
    for cell in cells where cell.isMeasured {
      if let row = try result(cell.id)?.cell { rows.append(row) }
    }
    var settings = manifest.settings
    let measured = cells.filter(\.isMeasured).count
    if rows.count < measured {
      settings["partial"] = "\(rows.count) of \(measured) measured cells finished (aegis grid status \(path))"
    }
    return GridTable(settings: settings, cells: rows)
  }
}
