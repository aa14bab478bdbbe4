// The redrawn training bar on a terminal: `ProgressDisplay.bar` rewritten in place with `\r`
// at most 10 times a second (drawing must never slow training), cut to the window width so it
// never wraps, and erased before the per-epoch line prints. Without a TTY the hooks stay nil
// and only the plain per-epoch lines appear.

import AegisLang
import AegisNN
import Foundation

/// Installs the progress hooks for a terminal.
final class ProgressBar: @unchecked Sendable {
  /// Seconds between redraws.
  static let interval = 0.1

  private var lastDraw = -Double.infinity
  private var drawn = false

  /// Installs the bar when stdout is a terminal; otherwise leaves plain per-epoch lines.
  static func installIfTerminal() {
    guard Terminal.stdoutIsTTY else {
      ProgressDisplay.batchHandler = nil
      ProgressDisplay.finishLine = nil
      return
    }
    let bar = ProgressBar()
    ProgressDisplay.batchHandler = { label, progress in bar.update(label, progress) }
    ProgressDisplay.finishLine = { bar.clear() }
  }

  /// Redraws unless drawn less than `interval` ago; the last batch is left to `clear`.
  func update(_ label: String, _ progress: TrainingProgress) {
    let now = Terminal.now()
    guard progress.batch < progress.batches, now - lastDraw >= Self.interval else { return }
    lastDraw = now
    let width = max(20, (Terminal.size()?.columns ?? 80) - 1)
    let line = String(ProgressDisplay.bar(label, progress).prefix(width))
    Terminal.out("\r" + line + "\u{1B}[K")
    fflush(stdout)
    drawn = true
  }

  /// Erases the bar line, if one is showing.
  func clear() {
    guard drawn else { return }
    Terminal.out("\r\u{1B}[K")
    fflush(stdout)
    drawn = false
    lastDraw = -Double.infinity
  }
}
