// A real single-node Slurm for the tests: munged, slurmctld and slurmd started in the
// foreground (so their pids are ours to stop) with a generated slurm.conf in a temporary
// directory: select/cons_tres, the machine's CPUs and memory from `slurmd -C`, no cgroups
// (proctrack/linuxproc, task/none), spool and state inside the directory, a fresh munge key.

import Foundation
import XCTest

final class LocalSlurm {
  let dir: String
  var daemons: [Process] = []
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
    try startMunge()
    try writeConfig()
    daemons.append(try Self.spawn("/usr/sbin/slurmctld", ["-D", "-i", "-f", dir + "/slurm.conf"], log: dir + "/slurmctld.out", environment))
    daemons.append(try Self.spawn("/usr/sbin/slurmd", ["-D", "-f", dir + "/slurm.conf"], log: dir + "/slurmd.out", environment))
    try waitForIdleNode()
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
  }

  func writeConfig() throws {
    let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
    // The node line of this machine's real hardware (CPUs, sockets, cores, memory).
    let (_, detected) = try Self.capture("/usr/sbin/slurmd", ["-C"])
    let node = detected.split(separator: "\n").first { $0.hasPrefix("NodeName=") }.map(String.init) ?? "NodeName=\(host) CPUs=\(ProcessInfo.processInfo.activeProcessorCount)"
    let port = Int.random(in: 20000...40000)
    let conf = """
      ClusterName=aegistest
      SlurmctldHost=\(host)
      SlurmUser=root
      SlurmdUser=root
      SlurmctldPort=\(port)
      SlurmdPort=\(port + 1)
      AuthType=auth/munge
      AuthInfo=socket=\(dir)/munge/munge.socket
      CredType=cred/munge
      StateSaveLocation=\(dir)/state
      SlurmdSpoolDir=\(dir)/spool
      SlurmctldPidFile=\(dir)/slurmctld.pid
      SlurmdPidFile=\(dir)/slurmd.pid
      SlurmctldLogFile=\(dir)/slurmctld.log
      SlurmdLogFile=\(dir)/slurmd.log
      ProctrackType=proctrack/linuxproc
      TaskPlugin=task/none
      SelectType=select/cons_tres
      SelectTypeParameters=CR_Core_Memory
      SchedulerType=sched/builtin
      SlurmdParameters=config_overrides
      MpiDefault=none
      ReturnToService=2
      JobAcctGatherType=jobacct_gather/none
      AccountingStorageType=accounting_storage/none
      \(node) State=UNKNOWN
      PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
      """
    try conf.write(toFile: dir + "/slurm.conf", atomically: true, encoding: .utf8)
  }

  func waitForIdleNode() throws {
    let deadline = Date().addingTimeInterval(60)
    var last = ""
    while Date() < deadline {
      let (_, state) = try Self.capture("/usr/bin/sinfo", ["-h", "-o", "%T"], environment)
      last = state.trimmingCharacters(in: .whitespacesAndNewlines)
      if last == "idle" { return }
      for daemon in daemons where !daemon.isRunning { throw XCTSkip("\(daemon.executableURL!.lastPathComponent) exited; logs in \(dir)") }
      Thread.sleep(forTimeInterval: 0.3)
    }
    throw XCTSkip("the Slurm node did not become idle (sinfo: \(last)); logs in \(dir)")
  }

  /// Whether any job is still queued or running.
  func hasJobs() throws -> Bool {
    let (_, out) = try Self.capture("/usr/bin/squeue", ["-h", "-o", "%i"], environment)
    return !out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
  }

  /// Stops the daemons by their pids (slurmd, slurmctld, munged).
  func stop() {
    for daemon in daemons.reversed() where daemon.isRunning {
      kill(daemon.processIdentifier, SIGTERM)
      let deadline = Date().addingTimeInterval(10)
      while daemon.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
      if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) }
    }
    try? FileManager.default.removeItem(atPath: dir)
  }

  static func spawn(_ tool: String, _ arguments: [String], log: String, _ environment: [String: String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    FileManager.default.createFile(atPath: log, contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: log)
    process.standardError = process.standardOutput
    try process.run()
    return process
  }

  /// Runs a tool with its output in a file, reaping it with waitpid (Foundation's own reaping
  /// can miss children while daemons of ours run), at most 30 s.
  static func capture(_ tool: String, _ arguments: [String], _ environment: [String: String] = [:]) throws -> (Int32, String) {
    let out = NSTemporaryDirectory() + "aegis-capture-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: out) }
    let process = try spawn(tool, arguments, log: out, environment)
    var status: Int32 = 0
    let deadline = Date().addingTimeInterval(30)
    while waitpid(process.processIdentifier, &status, WNOHANG) == 0 {
      if Date() > deadline { kill(process.processIdentifier, SIGKILL); break }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return ((status >> 8) & 0xff, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
  }
}
