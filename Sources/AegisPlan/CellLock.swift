// The claim of a running cell: locks/ID.lock, created with O_EXCL so only one process wins,
// holding pid, host, boot id and the process start time. A lock is stale when its process is
// gone: on this host when the pid is dead, was reused (other start time) or the machine was
// rebooted (other boot id); on another host when its heartbeat (the file's mtime, touched every
// 30 s) is older than `foreignTimeout` — a dead node stops touching it.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a cell.
public struct LockOwner: Codable, Sendable {
  public var pid: Int32
  public var host: String
  public var bootID: String
  /// Start time of the process in clock ticks since boot (/proc/PID/stat field 22).
  public var processStart: UInt64
  public var started: String
  /// Seconds since 1970 of `started`, for elapsed-time displays.
  public var startedAt: Double

  /// This process.
  public static func current() -> LockOwner {
    let pid = getpid()
    return LockOwner(pid: pid, host: ProcessInfo.processInfo.hostName, bootID: bootID(), processStart: processStart(pid) ?? 0,
                     started: ISO8601DateFormatter().string(from: Date()), startedAt: Date().timeIntervalSince1970)
  }

  /// Held by a process of this machine (a live owner here also has this boot's id).
  public var isOnThisHost: Bool { host == ProcessInfo.processInfo.hostName }

  static func bootID() -> String {
    (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
  }

  /// Field 22 of /proc/PID/stat (after the parenthesized command name), nil if no such process.
  /// A zombie counts as gone: a killed worker orphaned to an init that never reaps it (some
  /// containers) stays in /proc as state Z forever and must not hold its cell.
  public static func processStart(_ pid: Int32) -> UInt64? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    if let state = fields.first, state == "Z" || state == "X" { return nil }
    return fields.count > 19 ? UInt64(fields[19]) : nil
  }
}

/// Claiming, refreshing and releasing cell locks.
public enum CellLock {
  /// A lock of another host whose heartbeat is older than this is taken over.
  nonisolated(unsafe) public static var foreignTimeout: Double = 300
  static let heartbeat: Double = 30

  /// The holder of `path`, if the lock exists and its process is alive.
  public static func liveOwner(_ path: String) -> LockOwner? {
    guard let data = FileManager.default.contents(atPath: path),
          let owner = try? JSONDecoder().decode(LockOwner.self, from: data) else {
      // Being written right now (claim writes after O_EXCL) or garbage: alive only if fresh.
      return age(path).map { $0 < 5 } == true ? LockOwner(pid: 0, host: "?", bootID: "", processStart: 0, started: "", startedAt: 0) : nil
    }
    return isAlive(owner, path: path) ? owner : nil
  }

  static func isAlive(_ owner: LockOwner, path: String) -> Bool {
    guard owner.isOnThisHost else { return (age(path) ?? .infinity) < foreignTimeout }
    if owner.bootID != LockOwner.bootID() { return false }
    guard let start = LockOwner.processStart(owner.pid) else { return false }
    return start == owner.processStart
  }

  /// Seconds since the lock file was last touched.
  static func age(_ path: String) -> Double? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), let date = attributes[.modificationDate] as? Date else { return nil }
    return Date().timeIntervalSince(date)
  }

  /// Claims `path` for this process: true if claimed, false if a live process holds it.
  /// A stale lock is first renamed away (only one contender's rename succeeds), then claimed.
  public static func claim(_ path: String) throws -> Bool {
    for _ in 0..<3 {
      let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if fd >= 0 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = [UInt8]((try? encoder.encode(LockOwner.current())) ?? Data()) + [10]
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        startHeartbeat(path)
        return true
      }
      guard errno == EEXIST else { throw PlanError("cannot create lock \(path): \(String(cString: strerror(errno)))") }
      if liveOwner(path) != nil { return false }
      _ = rename(path, path + ".stale-\(getpid())")
      unlink(path + ".stale-\(getpid())")
    }
    return false
  }

  /// Removes the lock (only if this process holds it).
  public static func release(_ path: String) {
    if let data = FileManager.default.contents(atPath: path), let owner = try? JSONDecoder().decode(LockOwner.self, from: data),
       owner.pid == getpid(), owner.isOnThisHost {
      unlink(path)
    }
  }

  /// Touches the lock every 30 s while the process lives, so other hosts can tell it is alive.
  static func startHeartbeat(_ path: String) {
    let thread = Thread {
      while FileManager.default.fileExists(atPath: path) {
        Thread.sleep(forTimeInterval: heartbeat)
        _ = utimes(path, nil)
      }
    }
    thread.start()
  }
}
