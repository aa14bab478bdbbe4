// Facts about the terminal the executable talks to: which streams are TTYs, whether colors are
// allowed (a TTY and NO_COLOR unset, as https://no-color.org asks), the window size, and writing
// to stderr without mixing up the order with buffered stdout.

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's terminal, if any.
enum Terminal {
  static let ansiDim = "\u{1B}[2m", ansiReset = "\u{1B}[0m"

  /// Whether standard input is a terminal (decides REPL vs. piped script).
  static var stdinIsTTY: Bool { isatty(STDIN_FILENO) == 1 }
  /// Whether standard output is a terminal (decides progress bars and dim timing).
  static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Whether NO_COLOR is set to anything non-empty.
  static var noColor: Bool { !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty }
  /// Colors for diagnostics: only when stderr is a TTY.
  static var stderrColor: Bool { isatty(STDERR_FILENO) == 1 && !noColor }
  /// Colors (dimming) for stdout.
  static var stdoutColor: Bool { stdoutIsTTY && !noColor }

  /// Columns × lines of the window, from the first terminal among stdout, stderr, stdin.
  static func size() -> (columns: Int, lines: Int)? {
    for fd in [STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO] {
      var ws = winsize()
      if ioctl(fd, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
        return (Int(ws.ws_col), Int(ws.ws_row))
      }
    }
    return nil
  }

  /// Writes `text` to stdout (buffered, like `print`).
  static func out(_ text: String) {
    fputs(text, stdout)
  }

  /// Writes `text` plus a newline to stderr, after flushing stdout so both streams stay in order.
  static func err(_ text: String) {
    fflush(stdout)
    fputs(text + "\n", stderr)
  }

  /// `text` dimmed when stdout may carry colors.
  static func dim(_ text: String) -> String {
    stdoutColor ? ansiDim + text + ansiReset : text
  }

  /// Monotonic seconds (for timing commands and throttling redraws).
  static func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }
}
