// How long-running builtins (training, pretraining, fine-tuning) report progress. Scripts and
// notebooks get one plain line per epoch; the interactive shell installs a redrawn bar.

import AegisNN
import Foundation

/// Progress reporting hooks for long-running builtins.
public enum ProgressDisplay {
  /// Called for every batch; the REPL redraws a bar (≤ 10 times a second). Nil = no per-batch output.
  nonisolated(unsafe) public static var batchHandler: ((String, TrainingProgress) -> Void)?
  /// Called when a line of progress is finished (end of epoch), before it is printed.
  nonisolated(unsafe) public static var finishLine: (() -> Void)?

  /// A one-line bar: `epoch 2/3 [#########-------]  62%  loss 0.913  acc 0.671  ETA 0:41`.
  public static func bar(_ label: String, _ p: TrainingProgress, width: Int = 16) -> String {
    let fraction = Double(p.batch) / Double(max(p.batches, 1))
    let filled = Int((fraction * Double(width)).rounded())
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    return String(format: "%@epoch %d/%d [%@] %3d%%  loss %.3f  %@ %.3f  ETA %@",
                  label.isEmpty ? "" : label + " ", p.epoch, p.epochs, bar, Int(fraction * 100), p.loss, p.accuracyName, p.accuracy,
                  clock(p.remaining))
  }

  /// `m:ss` or `h:mm:ss`.
  public static func clock(_ seconds: Double) -> String {
    let s = Int(max(seconds, 0).rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
  }

  /// The progress callback for one run: per-batch to the handler, one line per finished epoch
  /// to `output` (with its validation metrics and, when it failed to learn, a warning).
  static func callback(label: String, output: @escaping (String) -> Void) -> (TrainingProgress) -> Void {
    { p in
      guard let metrics = p.epochMetrics else { batchHandler?(label, p); return }
      finishLine?()
      output(epochLine(label, p, metrics))
    }
  }

  /// `epoch 1/2  loss 0.6312  acc 0.7750  val_acc 0.8240  (0:41 elapsed)` + a warning line.
  static func epochLine(_ label: String, _ p: TrainingProgress, _ metrics: [String: Double]) -> String {
    var line = String(format: "%@epoch %d/%d  loss %.4f  %@ %.4f", label.isEmpty ? "" : label + " ",
                      p.epoch, p.epochs, p.loss, p.accuracyName, p.accuracy)
    for key in metrics.keys.sorted() where key.hasPrefix("val_") {
      line += String(format: "  %@ %.4f", key, metrics[key] ?? .nan)
    }
    line += "  (\(clock(p.elapsed)) elapsed)"
    if let warning = p.warning { line += "\n  " + warning }
    return line
  }
}
