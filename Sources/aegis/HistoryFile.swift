// The persistent input history (GNU history library): `~/.aegis_history`, or the file named by
// AEGIS_HISTORY (empty = no file). Each finished input is added and appended to the file at
// once, so a crash or a hard exit loses nothing. Multi-line inputs stay one entry: entries are
// written with `#<time>` lines and read back with `history_multiline_entries`, as bash's
// `lithist` does.

import CReadline
import Foundation

/// The history list and its file.
struct HistoryFile {
  /// Entries kept in memory and in the file.
  static let limit: Int32 = 1000

  /// The file, or nil when history is not saved.
  let path: String?
  private var last: String?

  /// The default location, honoring AEGIS_HISTORY.
  static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    if let custom = environment["AEGIS_HISTORY"] { return custom.isEmpty ? nil : custom }
    return NSHomeDirectory() + "/.aegis_history"
  }

  /// Loads the file (if any) into readline's history list.
  init(path: String?) {
    self.path = path
    using_history()
    stifle_history(Self.limit)
    history_comment_char = CChar(UInt8(ascii: "#"))
    history_write_timestamps = 1
    history_multiline_entries = 1
    if let path, FileManager.default.fileExists(atPath: path) {
      _ = read_history(path)
      _ = history_truncate_file(path, Self.limit)
    }
    last = history_length > 0 ? history_get(history_base + history_length - 1).flatMap { entry in
      entry.pointee.line.map { String(cString: $0) }
    } : nil
  }

  /// Adds one input (skipping blanks and repeats of the previous entry) and saves it.
  mutating func add(_ entry: String) {
    guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, entry != last else { return }
    last = entry
    add_history(entry)
    guard let path else { return }
    // append_history does not create the file; write_history does.
    if FileManager.default.fileExists(atPath: path) { _ = append_history(1, path) } else { _ = write_history(path) }
  }
}
