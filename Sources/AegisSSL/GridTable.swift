// The results of a paper grid (Chen et al. 2020, Table 1 protocol; method.md §5.2, §8): per
// cell SA, RA (PGD-20) and epochs to the best validation RA, per seed and as mean ± std over
// seeds; printed like the paper's P×F table, exported as CSV and JSON with every setting, and as
// SA-vs-RA points for a scatter plot (Figure 1, whose marker size is the epochs to best RA).

import AegisRobust
import Foundation

/// Mean and sample standard deviation (n − 1; 0 for a single value) over seeds.
public struct MeanStd: Codable, Sendable, Equatable {
  public var mean: Double
  public var std: Double
  public var count: Int

  public init(_ values: [Double]) {
    count = values.count
    mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    let m = mean
    std = values.count < 2 ? 0 : (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
  }

  /// "81.23±0.41" (× `scale`).
  public func formatted(scale: Double = 100, digits: Int = 2) -> String {
    String(format: "%.\(digits)f±%.\(digits)f", mean * scale, std * scale)
  }
}

/// One measurement: one row × P × F × seed.
public struct GridCell: Codable, Sendable, Equatable {
  /// The pretext task, or "none" (P1, shared by all tasks), "ensemble-pretrain", "ensemble-finetune".
  public var row: String
  public var pretraining: PretrainingMode
  public var finetuning: FineTuningVariant
  public var seed: UInt64
  /// Test accuracy (SA) and test accuracy under the evaluation attack (RA) of the best-RA model.
  public var standardAccuracy: Double
  public var robustAccuracy: Double
  /// Fine-tuning epoch of the best validation RA (nil for the model ensemble, which is not trained).
  public var epochsToBestRobust: Int?
  /// Wall time of this cell's fine-tuning and test evaluation, and of its (shared) pretraining.
  public var seconds: Double
  public var pretrainingSeconds: Double

  public init(row: String, pretraining: PretrainingMode, finetuning: FineTuningVariant, seed: UInt64, standardAccuracy: Double,
              robustAccuracy: Double, epochsToBestRobust: Int?, seconds: Double, pretrainingSeconds: Double) {
    self.row = row
    self.pretraining = pretraining
    self.finetuning = finetuning
    self.seed = seed
    self.standardAccuracy = standardAccuracy
    self.robustAccuracy = robustAccuracy
    self.epochsToBestRobust = epochsToBestRobust
    self.seconds = seconds
    self.pretrainingSeconds = pretrainingSeconds
  }
}

/// A cell aggregated over seeds.
public struct GridRow: Codable, Sendable, Equatable {
  public var row: String
  public var pretraining: PretrainingMode
  public var finetuning: FineTuningVariant
  public var standardAccuracy: MeanStd
  public var robustAccuracy: MeanStd
  public var epochsToBestRobust: MeanStd?
  public var seeds: Int
  /// "rotation P3F4".
  public var label: String { "\(row) \(pretraining.paperName)\(finetuning.rawValue)" }
}

/// A point of the SA-vs-RA scatter (mean over seeds; `epochs` sizes the marker as in Fig. 1).
public struct ScatterPoint: Codable, Sendable, Equatable {
  public var label: String
  public var standardAccuracy: Double
  public var robustAccuracy: Double
  public var epochs: Double?
}

/// All cells of a grid run with the settings that produced them.
public struct GridTable: Codable, Sendable, CustomStringConvertible {
  public var settings: [String: String]
  public var cells: [GridCell]

  public init(settings: [String: String], cells: [GridCell]) {
    self.settings = settings
    self.cells = cells
  }

  /// Cells aggregated over seeds, in first-seen order.
  public var rows: [GridRow] {
    var keys: [String] = []
    var groups: [String: [GridCell]] = [:]
    for c in cells {
      let key = "\(c.row)|\(c.pretraining.rawValue)|\(c.finetuning.rawValue)"
      if groups[key] == nil { keys.append(key) }
      groups[key, default: []].append(c)
    }
    return keys.compactMap { groups[$0] }.map { group in
      let epochs = group.compactMap(\.epochsToBestRobust).map(Double.init)
      return GridRow(row: group[0].row, pretraining: group[0].pretraining, finetuning: group[0].finetuning,
                     standardAccuracy: MeanStd(group.map(\.standardAccuracy)), robustAccuracy: MeanStd(group.map(\.robustAccuracy)),
                     epochsToBestRobust: epochs.isEmpty ? nil : MeanStd(epochs), seeds: group.count)
    }
  }

  /// The aggregated cell for a row, P and F.
  public func row(_ name: String, _ pretraining: PretrainingMode, _ finetuning: FineTuningVariant) -> GridRow? {
    rows.first { $0.row == name && $0.pretraining == pretraining && $0.finetuning == finetuning }
  }

  /// The paper-style table: one line per task × P, one SA / RA / epochs block per F.
  public func table() -> String {
    let all = rows
    let fs = FineTuningVariant.allCases.filter { f in all.contains { $0.finetuning == f } }
    var lineKeys: [String] = []
    for r in all where !lineKeys.contains("\(r.row)|\(r.pretraining.rawValue)") { lineKeys.append("\(r.row)|\(r.pretraining.rawValue)") }
    let nameWidth = max(8, all.map(\.row.count).max() ?? 0)
    let block = 32
    var header = "pretext".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  P   "
    var sub = String(repeating: " ", count: nameWidth + 6)
    for f in fs {
      header += "| " + "\(f.rawValue) \(f.summary)".padding(toLength: block, withPad: " ", startingAt: 0)
      sub += "| " + "SA %".padding(toLength: 12, withPad: " ", startingAt: 0) + "RA %".padding(toLength: 12, withPad: " ", startingAt: 0) + "ep".padding(toLength: block - 24, withPad: " ", startingAt: 0)
    }
    var lines = [header, sub, String(repeating: "-", count: sub.count)]
    for key in lineKeys {
      let parts = key.split(separator: "|").map(String.init)
      guard let p = PretrainingMode(rawValue: parts[1]) else { continue }
      var line = parts[0].padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + p.paperName + "  "
      for f in fs {
        guard let r = row(parts[0], p, f) else { line += "| " + String(repeating: " ", count: block); continue }
        let ep = r.epochsToBestRobust.map { String(format: "%.1f", $0.mean) } ?? "-"
        let sa = r.standardAccuracy.formatted() + (isNearChance(r) ? "!" : "")
        line += "| " + sa.padding(toLength: 12, withPad: " ", startingAt: 0)
          + r.robustAccuracy.formatted().padding(toLength: 12, withPad: " ", startingAt: 0) + ep.padding(toLength: block - 24, withPad: " ", startingAt: 0)
      }
      lines.append(line)
    }
    let seeds = Set(cells.map(\.seed)).count
    lines.append("mean ± std over \(seeds) seed\(seeds == 1 ? "" : "s"); RA under \(settings["evaluation_attack"] ?? "the evaluation attack"); "
      + "ep = fine-tuning epochs to the best validation RA; test n = \(settings["test_examples"] ?? "?")")
    // RA of a model that did not learn is 0 % or noise, not robustness: flagged where shown.
    if all.contains(where: isNearChance) {
      lines.append(String(format: "! SA near chance (%.0f%%): those models did not learn, so their RA means nothing — train longer or on more images",
                          chanceAccuracy * 100))
    }
    // A table collected from an unfinished plan says so (aegis grid collect).
    if let partial = settings["partial"] { lines.append("PARTIAL: " + partial) }
    return lines.joined(separator: "\n")
  }

  public var description: String { table() }

  /// 1 / classes, from the model recipe in the settings (10 classes when it does not say).
  public var chanceAccuracy: Double {
    struct Recipe: Decodable { let numClasses: Int }  // the one field of ModelConfig's JSON needed here
    guard let json = settings["model"], let recipe = try? JSONDecoder().decode(Recipe.self, from: Data(json.utf8)),
          recipe.numClasses > 0
    else { return 0.1 }
    return 1 / Double(recipe.numClasses)
  }

  /// Whether a cell's mean SA is so close to chance that its RA says nothing (SanityChecks' rule).
  public func isNearChance(_ row: GridRow) -> Bool {
    SanityChecks.isNearChance(row.standardAccuracy.mean, chance: chanceAccuracy)
  }

  /// One CSV line per cell and seed, followed by every setting as `setting.<key>` columns.
  public func csv() -> String {
    let keys = settings.keys.sorted()
    var lines = [(["row", "pretraining", "finetuning", "seed", "sa", "ra", "epochs_to_best_ra", "seconds", "pretraining_seconds"]
      + keys.map { "setting." + $0 }).map(Self.escape).joined(separator: ",")]
    for c in cells {
      let values = [c.row, c.pretraining.paperName, c.finetuning.rawValue, String(c.seed), String(c.standardAccuracy),
                    String(c.robustAccuracy), c.epochsToBestRobust.map(String.init) ?? "", String(format: "%.2f", c.seconds),
                    String(format: "%.2f", c.pretrainingSeconds)] + keys.map { settings[$0] ?? "" }
      lines.append(values.map(Self.escape).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// One CSV line per aggregated cell (means and standard deviations over seeds).
  public func summaryCSV() -> String {
    var lines = ["row,pretraining,finetuning,seeds,sa_mean,sa_std,ra_mean,ra_std,epochs_mean,epochs_std"]
    for r in rows {
      lines.append([r.row, r.pretraining.paperName, r.finetuning.rawValue, String(r.seeds),
                    String(r.standardAccuracy.mean), String(r.standardAccuracy.std), String(r.robustAccuracy.mean),
                    String(r.robustAccuracy.std), r.epochsToBestRobust.map { String($0.mean) } ?? "",
                    r.epochsToBestRobust.map { String($0.std) } ?? ""].map(Self.escape).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// JSON with the settings, the aggregated rows and every cell.
  public func json() throws -> String {
    struct Export: Encodable { let settings: [String: String]; let summary: [GridRow]; let cells: [GridCell] }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(Export(settings: settings, summary: rows, cells: cells)), as: UTF8.self)
  }

  /// SA-vs-RA points, one per aggregated cell.
  public func scatterPoints() -> [ScatterPoint] {
    rows.map { ScatterPoint(label: $0.label, standardAccuracy: $0.standardAccuracy.mean, robustAccuracy: $0.robustAccuracy.mean, epochs: $0.epochsToBestRobust?.mean) }
  }

  static func escape(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}
