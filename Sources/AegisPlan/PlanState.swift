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

  public func count(_ state: CellState) -> Int { states.values.filter { $0 == state }.count }

  public var isComplete: Bool { count(.done) == cells.count }

  /// Estimated seconds left with `workers` in parallel: the mean time of finished cells of
  /// each kind times the unfinished ones of that kind (nil before any cell of a kind finished).
  public func estimatedSeconds(workers: Int) -> Double? {
    var total = 0.0
    for cell in cells where states[cell.id] != .done {
      let same = results.values.filter { $0.kind == cell.kind }.map(\.seconds)
      guard !same.isEmpty else { return nil }
      var mean = same.reduce(0, +) / Double(same.count)
      if let owner = owners[cell.id] { mean = max(0, mean - (Date().timeIntervalSince1970 - owner.startedAt)) }
      total += mean
    }
    return total / Double(max(1, workers))
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
