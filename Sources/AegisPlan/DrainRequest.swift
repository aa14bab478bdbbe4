// `aegis grid drain DIR`: ask the plan's local runners to start no new cell and to exit once the
// cells they run have finished and written their results. Ctrl-C stops the running cells (their
// work is lost); a drain keeps it, so a session can end without throwing away a half-finished
// hour-long cell. The request is a file in locks/ (ignored by git, like the locks), and only
// runners that were already running when it was written obey it: a stale request never stops
// a runner started later.

import Foundation

/// A request to drain the runners of a plan.
public struct DrainRequest: Codable, Sendable {
  public var host: String
  public var requested: String
  /// Seconds since 1970: runners started before this obey it.
  public var requestedAt: Double

  public init(at date: Date = Date()) {
    host = ProcessInfo.processInfo.hostName
    requested = ISO8601DateFormatter().string(from: date)
    requestedAt = date.timeIntervalSince1970
  }
}

extension PlanDirectory {
  public var drainPath: String { path + "/locks/drain.json" }

  /// Writes the request (atomically) for the runners running now.
  public func requestDrain() throws { try write(DrainRequest(), to: drainPath) }

  /// The request a runner started at `start` must obey, if any.
  public func drainRequest(forRunnerStartedAt start: Date) -> DrainRequest? {
    guard FileManager.default.fileExists(atPath: drainPath), let request = try? read(DrainRequest.self, drainPath) else { return nil }
    return request.requestedAt >= start.timeIntervalSince1970 ? request : nil
  }

  /// Removes the request once a runner has drained (a newer one, written since, is kept).
  func clearDrain(_ request: DrainRequest) {
    guard let current = try? read(DrainRequest.self, drainPath), current.requestedAt <= request.requestedAt else { return }
    try? FileManager.default.removeItem(atPath: drainPath)
  }
}
