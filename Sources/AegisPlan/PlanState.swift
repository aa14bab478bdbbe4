// The state of every cell, read from the plan directory alone (no runner keeps state), so
// status, runners and collection agree whoever started what, wherever.

import Foundation

/// Where one cell is.
public enum CellState: String, Sendable {
  case done, running, failed
  /// Its dependencies are done; it can start.
  case ready
  /// A dependency is not done yet.
  case waiting
}

/// A snapshot of a plan.
public struct PlanSnapshot {
  public let cells: [PlanCell]
  public let states: [String: CellState]
  public let results: [String: PlanResult]
  public let owners: [String: LockOwner]

  /// Reads every cell's state.
  public init(_ plan: PlanDirectory) throws {
    cells = try plan.cells()
    var results: [String: PlanResult] = [:], owners: [String: LockOwner] = [:], states: [String: CellState] = [:]
    for cell in cells { if let r = try plan.result(cell.id) { results[cell.id] = r } }
    for cell in cells {
      if results[cell.id] != nil { states[cell.id] = .done; continue }
      if let owner = CellLock.liveOwner(plan.lockPath(cell.id)) { owners[cell.id] = owner; states[cell.id] = .running; continue }
      if plan.failure(cell.id) != nil { states[cell.id] = .failed; continue }
      states[cell.id] = cell.dependencies.allSatisfy { results[$0] != nil } ? .ready : .waiting
    }
    self.results = results
    self.owners = owners
    self.states = states
  }

  /// A snapshot from given parts (tests).
  init(cells: [PlanCell], states: [String: CellState], results: [String: PlanResult], owners: [String: LockOwner] = [:]) {
    self.cells = cells
    self.states = states
    self.results = results
    self.owners = owners
  }

  public func count(_ state: CellState) -> Int { states.values.filter { $0 == state }.count }

  public var isComplete: Bool { count(.done) == cells.count }

  /// Time left with `workers` in parallel, from the finished cells: each unfinished cell costs
  /// the mean time of finished cells like it — same kind, pretraining and fine-tuning (an F1
  /// cell takes minutes, an F4 cell most of an hour), else same kind and fine-tuning — less
  /// what it has run already. Cells finished on `machine` (the fingerprint, which includes the
  /// layout) price first: a plan spans machines and engines whose times differ severalfold, and
  /// the cells left will run where the runner runs now. Cells with no finished cell of their kind
  /// are not counted and listed instead, so on a plan that has not yet run every kind the figure
  /// is a lower bound.
  public struct Estimate: Equatable {
    public var seconds: Double
    /// Kinds of unfinished cells no finished cell measures yet.
    public var unmeasured: [String]

    /// Nothing measured yet: no figure to show.
    public var isUnknown: Bool { seconds == 0 && !unmeasured.isEmpty }

    /// "3h 10m", or "≥ 3h 10m" when kinds are unmeasured, followed with `listing` by
    /// " (not counted, none finished yet: 5 ensemble-pretrain, …)".
    public func text(_ format: (Double) -> String, listing: Bool = true) -> String {
      if unmeasured.isEmpty { return format(seconds) }
      return "≥ \(format(seconds))" + (listing ? " (not counted, none finished yet: \(unmeasured.joined(separator: ", ")))" : "")
    }
  }

  public func estimate(workers: Int, machine: String = MachineFingerprint.machine()) -> Estimate {
    // From the closest to the loosest likeness: kind + pretraining + fine-tuning, then kind +
    // fine-tuning (P1F4 costs what P3F4 costs); a cell without fine-tuning: kind + pretraining,
    // then kind. An F1 cell is never priced like an F4 one: it stays unmeasured instead.
    func keys(_ c: PlanCell) -> [String] {
      if let f = c.finetuning { return ["\(c.kind.rawValue) \(c.pretraining) \(f)", "\(c.kind.rawValue) \(f)"] }
      return ["\(c.kind.rawValue) \(c.pretraining)", c.kind.rawValue]
    }
    let byCell = Dictionary(uniqueKeysWithValues: cells.map { ($0.id, $0) })
    var times: [String: [Double]] = [:], timesHere: [String: [Double]] = [:]
    for (id, r) in results {
      guard let c = byCell[id] else { continue }
      for key in keys(c) {
        times[key, default: []].append(r.seconds)
        if r.machine == machine { timesHere[key, default: []].append(r.seconds) }
      }
    }
    var total = 0.0
    var missing: [String: Int] = [:]
    for cell in cells where states[cell.id] != .done {
      let lookups = keys(cell).map { timesHere[$0] } + keys(cell).map { times[$0] }
      guard let same = lookups.lazy.compactMap({ $0 }).first else { missing[keys(cell).last!, default: 0] += 1; continue }
      var mean = same.reduce(0, +) / Double(same.count)
      if let owner = owners[cell.id] { mean = max(0, mean - (Date().timeIntervalSince1970 - owner.startedAt)) }
      total += mean
    }
    let unmeasured = missing.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
    return Estimate(seconds: total / Double(max(1, workers)), unmeasured: unmeasured)
  }

  /// "12 done · 2 running · 0 failed · 3 ready · 5 waiting".
  public var summary: String {
    [CellState.done, .running, .failed, .ready, .waiting].map { "\(count($0)) \($0.rawValue)" }.joined(separator: " · ")
  }
}

/// "1h 02m", "3m 10s", "42s".
public func formatDuration(_ seconds: Double) -> String {
  let s = Int(seconds.rounded())
  if s >= 3600 { return String(format: "%dh %02dm", s / 3600, (s % 3600) / 60) }
  if s >= 60 { return String(format: "%dm %02ds", s / 60, s % 60) }
  return "\(s)s"
}
