// The provenance stamp at the end of a rendered notebook: Aegis version, date, total wall time,
// seed, parameters, and one table row per cell with its status and wall time.

import Foundation

/// Markdown for the provenance stamp.
enum ProvenanceMarkdown {
  /// The stamp: a rule, a heading, one summary line and the per-cell table.
  static func render(_ run: NotebookRun) -> String {
    let p = run.provenance
    var summary = "Rendered by Aegis \(p.version) on \(date(p.date)) in \(seconds(p.totalSeconds)) · seed \(p.seed)"
    summary += " · parameters: " + (p.parameters.isEmpty ? "defaults" : "`\(p.parameters)`")
    summary += " · \(run.executedCount) cell\(run.executedCount == 1 ? "" : "s") run, \(run.cachedCount) cached."
    var rows = ["| cell | line | status | time |", "| ---: | ---: | --- | ---: |"]
    for r in run.cells {
      let time = r.output.map { seconds($0.seconds) + (r.status == .cached ? " (cached run)" : "") } ?? "–"
      rows.append("| \(r.cell.number) | \(r.cell.fenceLine) | \(r.status.description) | \(time) |")
    }
    return "---\n\n### Provenance\n\n\(summary)\n\n" + rows.joined(separator: "\n")
  }

  /// `2025-11-27 10:04:05 UTC`.
  static func date(_ date: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
    return f.string(from: date)
  }

  /// `0.42 s`.
  static func seconds(_ s: Double) -> String { String(format: "%.2f s", s) }
}
