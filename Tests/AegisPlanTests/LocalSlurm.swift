// A real single-node Slurm for the tests: munged, slurmctld and slurmd started in the
// foreground (so their pids are ours to stop) with a generated slurm.conf in a temporary
// directory: select/cons_tres, the machine's CPUs and memory from `slurmd -C`, no cgroups
// (proctrack/linuxproc, task/none), spool and state inside the directory, a fresh munge key.

import Foundation
import XCTest

final class LocalSlurm {
  let dir: String
  var daemons: [ChildProcess] = []
  var environment: [String: String] { ["SLURM_CONF": dir + "/slurm.conf"] }

  /// Why this machine cannot run the cluster, or nil.
  static func unavailableReason() -> String? {
    for tool in ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/bin/sinfo", "/usr/bin/squeue"]
    where !FileManager.default.isExecutableFile(atPath: tool) {
      return "\(tool) is missing (apt packages slurm-wlm and munge)"
    }
    return getuid() == 0 ? nil : "the single-node Slurm runs its daemons as root; run the tests as root"
  }

  init() throws {
    dir = NSTemporaryDirectory() + "aegis-slurm-\(getpid())-\(UUID().uuidString.prefix(6))"
    for sub in ["", "/state", "/spool", "/munge"] {
      try FileManager.default.createDirectory(atPath: dir + sub, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
    // A throwing init runs no deferred stop(): stop here whatever got started.
    do {
      try startMunge()
      try writeConfig()
      daemons.append(try Self.spawn("/usr/sbin/slurmctld", ["-D", "-i", "-f", dir + "/slurm.conf"], log: dir + "/slurmctld.out", environment))
      daemons.append(try Self.spawn("/usr/sbin/slurmd", ["-D", "-f", dir + "/slurm.conf"], log: dir + "/slurmd.out", environment))
      try startWatchdog()
      try waitForIdleNode()
    } catch {
      stop(keepingLogs: true)
      throw error
    }
  }

  /// A shell that SIGKILLs the daemons if this test process dies without stop() (a crash, a CI
  /// timeout's SIGKILL): no test leaves daemons running.
  func startWatchdog() throws {
    let pids = daemons.map { String($0.pid) }.joined(separator: " ")
    daemons.insert(try Self.spawn("/bin/sh", ["-c", "while [ -e /proc/\(getpid()) ] && [ \"$(sed 's/.*) //' /proc/\(getpid())/stat | cut -c1)\" != Z ]; do sleep 1; done; kill -9 \(pids) 2>/dev/null"],
                                  log: dir + "/watchdog.out", [:]), at: 0)
  }

  /// The last lines of a daemon's log, for a skip or failure message.
  func tail(_ file: String) -> String {
    let text = (try? String(contentsOfFile: dir + "/" + file, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").suffix(3).joined(separator: " | ")
  }

  /// munged with its own key (0400, root), socket, pid and seed files in the directory.
  func startMunge() throws {
    var key = [UInt8](repeating: 0, count: 1024)
    for i in key.indices { key[i] = UInt8.random(in: 0...255) }
    let keyPath = dir + "/munge/munge.key"
    FileManager.default.createFile(atPath: keyPath, contents: Data(key), attributes: [.posixPermissions: 0o400])
    daemons.append(try Self.spawn("/usr/sbin/munged", [
      "--foreground", "--force", "--key-file=\(keyPath)", "--socket=\(dir)/munge/munge.socket",
      "--pid-file=\(dir)/munge/munged.pid", "--log-file=\(dir)/munge/munged.log", "--seed-file=\(dir)/munge/munged.seed",
    ], log: dir + "/munged.out", [:]))
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: dir + "/munge/munge.socket") && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    guard FileManager.default.fileExists(atPath: dir + "/munge/munge.socket") else {
      throw XCTSkip("munged did not start within 10 s: \(tail("munged.out")) \(tail("munge/munged.log"))")
    }
  }

  /// The cluster's slurm.conf comes from the script users start their own with
  /// (`scripts/local-slurm.sh config DIR`: select/cons_tres, the node `slurmd -C` detects).
  func writeConfig() throws {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("scripts/local-slurm.sh").path
    let (status, output) = try Self.capture("/bin/bash", [script, "config", dir])
    guard status == 0, FileManager.default.fileExists(atPath: dir + "/slurm.conf") else {
      throw SlurmTestError("\(script) config \(dir) failed (status \(status)): \(output)")
    }
  }

  func waitForIdleNode() throws {
    let deadline = Date().addingTimeInterval(30)
    var last = ""
    while Date() < deadline {
      let (_, state) = try Self.capture("/usr/bin/sinfo", ["-h", "-o", "%T"], environment, timeout: 10)
      last = state.trimmingCharacters(in: .whitespacesAndNewlines)
      if last == "idle" { return }
      for daemon in daemons.dropFirst() where !daemon.isRunning {
        let name = daemon.name
        throw XCTSkip("\(name) exited at start-up (status \(daemon.status ?? -1)): \(tail(name + ".log")) \(tail(name + ".out"))")
      }
      Thread.sleep(forTimeInterval: 0.3)
    }
    throw SlurmTestError("the Slurm node did not become idle in 30 s (sinfo: \(last)): slurmd: \(tail("slurmd.log")) slurmctld: \(tail("slurmctld.log"))")
  }

  /// Whether any job is still queued or running.
  func hasJobs() throws -> Bool {
    let (_, out) = try Self.capture("/usr/bin/squeue", ["-h", "-o", "%i"], environment, timeout: 10)
    return !out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
  }

  /// Cancels what is left (job steps are not children of our slurmd), then stops the daemons by
  /// their pids (slurmd, slurmctld, munged, the watchdog), each within 5 s.
  func stop(keepingLogs: Bool = false) {
    if daemons.count > 2, daemons.allSatisfy(\.isRunning), (try? hasJobs()) == true {
      _ = try? Self.capture("/usr/bin/scancel", ["--full", "--user=root"], environment, timeout: 10)
      let deadline = Date().addingTimeInterval(10)
      while (try? hasJobs()) == true && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
    }
    for daemon in daemons.reversed() { daemon.stop(SIGTERM, grace: 5) }
    daemons = []
    if !keepingLogs { try? FileManager.default.removeItem(atPath: dir) }
  }

  static func spawn(_ tool: String, _ arguments: [String], log: String, _ environment: [String: String]) throws -> ChildProcess {
    try ChildProcess(tool, arguments, environment: environment, output: log)
  }

  /// Runs a tool with its output in a file, at most `timeout` s (then SIGKILL).
  static func capture(_ tool: String, _ arguments: [String], _ environment: [String: String] = [:], timeout: Double = 30) throws -> (Int32, String) {
    let out = NSTemporaryDirectory() + "aegis-capture-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: out) }
    let process = try spawn(tool, arguments, log: out, environment)
    if !process.wait(timeout: timeout) { process.stop(SIGKILL, grace: 0) }
    return (process.status ?? -1, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
  }
}

struct SlurmTestError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
