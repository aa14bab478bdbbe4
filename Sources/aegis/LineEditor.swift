// The line editor: GNU readline in its callback ("alternate") interface. We poll stdin and the
// Ctrl-C self-pipe ourselves and feed readline one character at a time, so Ctrl-C at the prompt
// is handled here, outside the signal handler: the line is dropped and a fresh prompt shown.
// readline's own signal handlers stay off (`rl_catch_signals = 0`); editing keys, Ctrl-R search
// and history come with readline (and ~/.inputrc, application name `aegis`).

import CReadline
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from the terminal with editing, history and completion.
final class LineEditor {
  /// What one read produced.
  enum Event: Equatable {
    case line(String)
    case interrupted
    case endOfInput
  }

  /// Where the C line handler leaves the accepted line (readline's callback has no context).
  nonisolated(unsafe) private static var accepted: Event?

  private static let applicationName = strdup("aegis")

  init() {
    rl_readline_name = UnsafePointer(Self.applicationName)
    rl_catch_signals = 0
    rl_catch_sigwinch = 1
    rl_persistent_signal_handlers = 1  // keep readline's SIGWINCH handler while idle in poll
    Completer.install()
  }

  /// Shows `prompt` and returns the next line, a Ctrl-C, or the end of input (Ctrl-D).
  func readLine(prompt: String) -> Event {
    SignalHandling.takePromptInterrupt()  // a Ctrl-C typed before the prompt appeared is moot
    Self.accepted = nil
    rl_callback_handler_install(prompt, lineHandler)
    while true {
      if let event = Self.accepted { return event }
      switch waitForInput() {
      case .stdin: rl_callback_read_char()
      case .interrupt: return abandonLine()
      case .closed: rl_callback_handler_remove(); return .endOfInput
      case .retry: continue
      }
    }
  }

  private enum Readiness { case stdin, interrupt, closed, retry }

  /// Blocks until stdin has a byte or Ctrl-C was pressed.
  private func waitForInput() -> Readiness {
    var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
               pollfd(fd: SignalHandling.interruptDescriptor, events: Int16(POLLIN), revents: 0)]
    let count = poll(&fds, nfds_t(fds[1].fd >= 0 ? 2 : 1), -1)
    if count < 0 { return errno == EINTR ? .retry : .closed }
    if fds[1].revents & Int16(POLLIN) != 0, SignalHandling.takePromptInterrupt() { return .interrupt }
    if fds[0].revents & Int16(POLLIN) != 0 { return .stdin }
    if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .closed }
    return .retry
  }

  /// Ctrl-C at the prompt: forget the partial line, restore the terminal, move to a new line.
  private func abandonLine() -> Event {
    rl_free_line_state()
    rl_callback_sigcleanup()
    rl_replace_line("", 0)
    rl_callback_handler_remove()  // also restores the terminal mode
    fputs("^C\n", stdout)
    fflush(stdout)
    return .interrupted
  }

  /// readline's line callback: nil means end of input. Removing the handler here keeps
  /// readline from redrawing the prompt while the command runs.
  private let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
    if let line {
      LineEditor.accepted = .line(String(cString: line))
      free(line)
    } else {
      LineEditor.accepted = .endOfInput
      fputs("\n", stdout)
    }
    rl_callback_handler_remove()
  }
}
