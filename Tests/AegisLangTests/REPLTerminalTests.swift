// A pseudo-terminal harness for driving the built `aegis` REPL like a user: the child gets its
// own session with the pty as controlling terminal (so Ctrl-C written to the master becomes
// SIGINT), keystrokes are written to the master, and output is read with deadlines. The child
// is killed when the harness closes, so a hang can never block the suite. The tests in this
// file check the harness and the session's start and end; REPLTests.swift has the features.

import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `aegis` process on a pseudo-terminal.
final class PseudoTerminal {
  let pid: pid_t
  private let master: Int32
  private var raw = Data()
  /// UTF-8 offset in `text` after the last `expect` match.
  private var mark = 0

  /// Starts `aegis arguments` on an 80×24 terminal with `environment` (plus TERM, HOME, INPUTRC).
  init(arguments: [String] = [], environment: [String: String] = [:], home: URL) throws {
    let binary = try AegisBinary.require()
    var master: Int32 = -1, slave: Int32 = -1
    var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
    guard openpty(&master, &slave, nil, nil, &size) == 0, let name = ttyname(slave) else {
      throw XCTSkip("no pseudo-terminals available")
    }
    let slavePath = String(cString: name)
    for fd in [master, slave] { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    defer { close(slave) }
    var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "TERM": "xterm",
               "HOME": home.path, "INPUTRC": "/dev/null", "LANG": "C.UTF-8"]
    env.merge(environment) { $1 }
    self.pid = try Self.spawn(binary.path, [binary.path] + arguments, env: env, terminal: slavePath)
    self.master = master
    _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
  }

  /// posix_spawn in a new session whose controlling terminal is `terminal` (opened after setsid).
  private static func spawn(_ path: String, _ argv: [String], env: [String: String], terminal: String) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    var actions = posix_spawn_file_actions_t()
    posix_spawnattr_init(&attributes)
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawnattr_destroy(&attributes); posix_spawn_file_actions_destroy(&actions) }
    let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc), not exported to Swift
    posix_spawnattr_setflags(&attributes, Int16(setsid | Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)))
    var none = sigset_t(), defaults = sigset_t()
    sigemptyset(&none)
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR, 0)
    posix_spawn_file_actions_adddup2(&actions, 0, 1)
    posix_spawn_file_actions_adddup2(&actions, 0, 2)
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (cArgs + cEnv).forEach { free($0) } }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, path, &actions, &attributes, cArgs, cEnv)
    guard status == 0 else { throw NSError(domain: "posix_spawn", code: Int(status)) }
    return pid
  }

  /// Types `keys` (control characters included: "\u{03}" is Ctrl-C, "\t" Tab).
  func send(_ keys: String) {
    var bytes = Array(keys.utf8)
    while !bytes.isEmpty {
      let n = write(master, bytes, bytes.count)
      if n > 0 { bytes.removeFirst(n) } else if errno != EAGAIN && errno != EINTR { return } else { usleep(1000) }
    }
  }

  /// Everything shown so far, without ANSI escapes, carriage returns and bells.
  var text: String { Self.clean(String(decoding: raw, as: UTF8.self)) }

  /// Waits until `needle` appears after the previous match; true if it did within `timeout`.
  @discardableResult
  func expect(_ needle: String, timeout: Double = 5) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
      let all = text
      let start = all.utf8.index(all.startIndex, offsetBy: min(mark, all.utf8.count))
      if let found = all.range(of: needle, range: start..<all.endIndex) {
        mark = all.utf8.distance(from: all.startIndex, to: found.upperBound)
        return true
      }
    } while pump(until: deadline)
    return false
  }

  /// Reads whatever output arrives for `seconds` (e.g. to let a command start).
  func idle(_ seconds: Double) {
    let deadline = Date().addingTimeInterval(seconds)
    while pump(until: deadline) {}
  }

  /// Reads available output, waiting at most until `deadline`; false once the deadline passed.
  private func pump(until deadline: Date) -> Bool {
    let remaining = deadline.timeIntervalSinceNow
    guard remaining > 0 else { return false }
    var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
    if poll(&descriptor, 1, Int32(min(remaining, 0.05) * 1000)) > 0 {
      var buffer = [UInt8](repeating: 0, count: 4096)
      let n = read(master, &buffer, buffer.count)
      if n > 0 { raw.append(contentsOf: buffer[0..<n]) } else if n < 0 && errno != EAGAIN { usleep(10_000) }
    }
    return true
  }

  /// The exit status once the process ends within `timeout` (nil if it is still running).
  func waitForExit(timeout: Double = 5) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    repeat {
      if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xff }
    } while pump(until: deadline)
    return nil
  }

  /// Kills the process (if still running) and closes the terminal.
  func shutDown() {
    kill(pid, SIGKILL)
    var status: Int32 = 0
    _ = waitpid(pid, &status, 0)
    close(master)
  }

  /// Removes CSI escape sequences (`ESC [ … letter`), `\r` and BEL.
  static func clean(_ s: String) -> String {
    var out = "", escape = false, csi = false
    for scalar in s.unicodeScalars {
      if escape {
        if !csi && scalar == "[" { csi = true; continue }
        if csi && !(0x40...0x7E).contains(scalar.value) { continue }
        escape = false; csi = false
        continue
      }
      switch scalar {
      case "\u{1B}": escape = true
      case "\r", "\u{07}": break
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}

/// Base class for REPL tests: a scratch home and history file per test, the terminal closed
/// (child killed) afterwards.
class REPLTestCase: XCTestCase {
  var home: URL!
  var historyFile: URL { home.appendingPathComponent("history") }
  private var terminals: [PseudoTerminal] = []

  override func setUpWithError() throws {
    home = FileManager.default.temporaryDirectory.appendingPathComponent("aegis-repl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
  }

  override func tearDown() {
    terminals.forEach { $0.shutDown() }
    terminals = []
    try? FileManager.default.removeItem(at: home)
  }

  /// Starts the REPL and waits for its first prompt.
  func startREPL(_ arguments: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> PseudoTerminal {
    let terminal = try PseudoTerminal(arguments: arguments, environment: ["AEGIS_HISTORY": historyFile.path], home: home)
    terminals.append(terminal)
    XCTAssertTrue(terminal.expect("aegis> ", timeout: 10), "no prompt:\n\(terminal.text)", file: file, line: line)
    return terminal
  }

  /// Types `line` + Enter and waits for `output` (then for the next prompt).
  func run(_ terminal: PseudoTerminal, _ line: String, expecting output: String? = nil, timeout: Double = 5,
           file: StaticString = #filePath, line number: UInt = #line) {
    terminal.send(line + "\n")
    if let output {
      XCTAssertTrue(terminal.expect(output, timeout: timeout), "expected \(output.debugDescription) after \(line.debugDescription):\n\(terminal.text)",
                    file: file, line: number)
    }
    XCTAssertTrue(terminal.expect("aegis> ", timeout: timeout), "no prompt after \(line.debugDescription):\n\(terminal.text)",
                  file: file, line: number)
  }
}

final class REPLTerminalTests: REPLTestCase {
  func testBannerPromptAndExitWord() throws {
    let t = try startREPL()
    XCTAssertTrue(t.text.contains("help NAME"))
    XCTAssertTrue(t.text.contains("apropos WORD"))
    run(t, "1 + 2", expecting: "3\n")
    t.send("exit\n")
    XCTAssertEqual(t.waitForExit(), 0)
  }

  func testControlDExits() throws {
    let t = try startREPL()
    t.send("\u{04}")
    XCTAssertEqual(t.waitForExit(), 0)
  }

  func testStayInteractiveAfterScript() throws {
    let script = home.appendingPathComponent("setup.aegis")
    try "#!/usr/bin/env aegis\nprint \"loaded\"\nscale = 7\n".write(to: script, atomically: true, encoding: .utf8)
    let t = try PseudoTerminal(arguments: ["-i", script.path], environment: ["AEGIS_HISTORY": historyFile.path], home: home)
    defer { t.shutDown() }
    XCTAssertTrue(t.expect("loaded"), t.text)
    XCTAssertTrue(t.expect("aegis> "), t.text)
    t.send("print scale * 6\n")
    XCTAssertTrue(t.expect("42\n"), t.text)
  }
}
