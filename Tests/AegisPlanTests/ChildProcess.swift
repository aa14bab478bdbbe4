// A child process started with posix_spawn and reaped by its own pid with waitpid(WNOHANG).
// Foundation's Process was seen to never notice an exited child (`isRunning` stuck true, the
// child a zombie) while the test's Slurm daemons ran, which hung the tests: these helpers
// reap exactly their own pid, so every wait is bounded and sees the exit.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

final class ChildProcess {
  let pid: pid_t
  let name: String
  private(set) var status: Int32?

  /// Starts `tool` in `directory` with stdout and stderr appended to `output`.
  init(_ tool: String, _ arguments: [String], directory: String? = nil, environment: [String: String] = [:], output: String) throws {
    name = URL(fileURLWithPath: tool).lastPathComponent
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    // `env -C DIR` changes directory without a shell.
    let argv = (directory.map { ["/usr/bin/env", "-C", $0, tool] } ?? [tool]) + arguments
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (cArgs + cEnv).forEach { free($0) } }
    var child: pid_t = 0
    let rc = posix_spawn(&child, argv[0], &actions, nil, cArgs, cEnv)
    guard rc == 0 else { throw SlurmTestError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
    pid = child
  }

  var isRunning: Bool {
    if status != nil { return false }
    var raw: Int32 = 0
    let r = waitpid(pid, &raw, WNOHANG)
    if r == 0 { return true }
    // Exit code, or 128 + signal like a shell.
    status = r == pid ? ((raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)) : -1
    return false
  }

  /// Waits at most `timeout` s; true if it exited.
  @discardableResult
  func wait(timeout: Double) -> Bool { PlanFixture.waitUntil(timeout: timeout) { !isRunning } }

  /// `signal`, then SIGKILL if still running after `grace` s; always reaped within grace + 5 s.
  func stop(_ signal: Int32 = SIGTERM, grace: Double = 5) {
    guard isRunning else { return }
    kill(pid, signal)
    if !wait(timeout: grace) { kill(pid, SIGKILL); wait(timeout: 5) }
  }
}
