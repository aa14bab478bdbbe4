// Ctrl-C. The SIGINT handler only touches atomics and write(2), so it is async-signal-safe:
// - while a command runs it asks the running work to stop (`Cancellation.request()`), and a
//   second Ctrl-C within 2 s of the first, with the command still running, exits hard (130);
//   a second SIGINT within 100 ms is the same interrupt delivered twice, not a second key press
//   (`timeout -s INT` signals its child and then the child's process group; `aegis grid run`
//   forwards SIGINT to cells that already got the terminal's), so it is ignored;
// - while the REPL waits for input it writes one byte to a self-pipe, which the line editor
//   polls next to stdin, so the prompt is cleared outside the handler (readline is not
//   reentrant, and a flag alone could race with a blocking poll).

import AegisTensor
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide SIGINT handling.
enum SignalHandling {
  /// True while a command runs (the handler cancels it); false at the prompt.
  static let busy = Atomic<Bool>(true)
  /// Monotonic nanoseconds of the last Ctrl-C that requested cancellation.
  private static let lastInterrupt = Atomic<Int>(0)
  /// Read and write ends of the self-pipe (−1 until installed).
  private static let pipeRead = Atomic<Int32>(-1), pipeWrite = Atomic<Int32>(-1)
  /// How close together two Ctrl-C must be to exit hard.
  static let escalationWindow = 2_000_000_000
  /// Closer than this, a second SIGINT is the first one delivered again (no one types that fast).
  static let duplicateWindow = 100_000_000

  /// Installs the handler. Touches every static first: lazy global initialization is not
  /// signal-safe, so it must not happen for the first time inside the handler.
  static func install() {
    Cancellation.reset()
    _ = busy.load(ordering: .relaxed)
    _ = lastInterrupt.load(ordering: .relaxed)
    var fds: [Int32] = [-1, -1]
    if pipe(&fds) == 0 {
      for fd in fds {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
      }
      pipeRead.store(fds[0], ordering: .relaxed)
      pipeWrite.store(fds[1], ordering: .relaxed)
    }
    var action = sigaction()
    #if canImport(Glibc)
    action.__sigaction_handler.sa_handler = handleInterrupt
    #else
    action.__sigaction_u.__sa_handler = handleInterrupt
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: a blocked poll/read returns EINTR promptly
    sigaction(SIGINT, &action, nil)
  }

  /// The descriptor that becomes readable when Ctrl-C is pressed at the prompt (−1 if none).
  static var interruptDescriptor: Int32 { pipeRead.load(ordering: .relaxed) }

  /// Empties the self-pipe; returns whether a Ctrl-C was waiting.
  @discardableResult
  static func takePromptInterrupt() -> Bool {
    let fd = pipeRead.load(ordering: .relaxed)
    guard fd >= 0 else { return false }
    var byte: UInt8 = 0, seen = false
    while read(fd, &byte, 1) == 1 { seen = true }
    return seen
  }

  /// Runs `body` as a command: cancellation cleared first, Ctrl-C cancels it.
  static func runCommand<T>(_ body: () -> T) -> T {
    Cancellation.reset()
    busy.store(true, ordering: .sequentiallyConsistent)
    defer { busy.store(false, ordering: .sequentiallyConsistent) }
    return body()
  }
}

/// The SIGINT handler (a C function: no captures, only async-signal-safe calls).
private func handleInterrupt(_: Int32) {
  let savedErrno = errno
  defer { errno = savedErrno }
  guard SignalHandling.busy.load(ordering: .sequentiallyConsistent) else {
    var byte: UInt8 = 3
    _ = write(SignalHandling.wakeDescriptor, &byte, 1)
    return
  }
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  let now = t.tv_sec * 1_000_000_000 + t.tv_nsec
  let sinceLast = now - SignalHandling.lastInterruptTime
  if Cancellation.isRequested, sinceLast < SignalHandling.duplicateWindow { return }
  if Cancellation.isRequested, sinceLast < SignalHandling.escalationWindow {
    let message: StaticString = "\naegis: interrupted twice, exiting\n"
    _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
    _exit(130)
  }
  Cancellation.request()
  SignalHandling.recordInterrupt(at: now)
}

extension SignalHandling {
  fileprivate static var wakeDescriptor: Int32 { pipeWrite.load(ordering: .relaxed) }
  fileprivate static var lastInterruptTime: Int { lastInterrupt.load(ordering: .relaxed) }
  fileprivate static func recordInterrupt(at time: Int) { lastInterrupt.store(time, ordering: .relaxed) }
}
