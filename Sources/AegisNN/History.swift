// Per-epoch training metrics: what `train`, `pretrain` and `finetune` return, printed as a table
// and plotted as learning curves.

import Foundation

/// Metrics of one epoch.
public struct EpochRecord: Sendable {
  public var epoch: Int
  public var metrics: [String: Double]
  public init(epoch: Int, metrics: [String: Double]) { self.epoch = epoch; self.metrics = metrics }
}

/// The metrics of a training run, epoch by epoch.
public final class History {
  public var label: String
  public private(set) var records: [EpochRecord] = []
  /// Metric names in first-seen order (stable columns).
  public private(set) var metricNames: [String] = []
  /// Settings of the run (attack, schedule, seed…), kept with the numbers.
  public var settings: [String: String] = [:]

  public init(label: String) { self.label = label }

  public func append(_ record: EpochRecord) {
    for key in record.metrics.keys.sorted() where !metricNames.contains(key) { metricNames.append(key) }
    records.append(record)
  }

  /// Values of one metric over epochs (nil where an epoch lacks it).
  public func series(_ metric: String) -> [(epoch: Int, value: Double)] {
    records.compactMap { r in r.metrics[metric].map { (r.epoch, $0) } }
  }

  /// The epoch with the highest value of `metric`, and that value.
  public func best(_ metric: String) -> (epoch: Int, value: Double)? {
    series(metric).max { $0.value < $1.value }
  }

  public var last: EpochRecord? { records.last }

  /// A fixed-width table, one row per epoch.
  public func table() -> String {
    let columns = ["epoch"] + metricNames
    var lines = [columns.map { $0.leftPadded(max(8, $0.count)) }.joined(separator: " ")]
    for r in records {
      let cells = [String(r.epoch).leftPadded(5)] + metricNames.map { name in
        let text = r.metrics[name].map { History.format($0, metric: name) } ?? "-"
        return text.leftPadded(max(8, name.count))
      }
      lines.append(cells.joined(separator: " "))
    }
    return lines.joined(separator: "\n")
  }

  static func format(_ v: Double, metric: String) -> String {
    if metric == "lr" { return String(format: "%.2e", v) }
    if metric.hasSuffix("time") || metric == "seconds" { return String(format: "%.1fs", v) }
    return String(format: "%.4f", v)
  }

  /// CSV text: epoch and every metric.
  public func csv() -> String {
    var lines = [(["epoch"] + metricNames).joined(separator: ",")]
    for r in records {
      lines.append(([String(r.epoch)] + metricNames.map { r.metrics[$0].map { String($0) } ?? "" }).joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
