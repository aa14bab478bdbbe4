// Session builtins: `save_session(path)` turns the commands typed at the prompt in this session
// into a Markdown notebook (one ```aegis cell per command) that `aegis notebook` re-runs top to
// bottom — the replayable, plain-text session of the design's A.5 item 3.

import Foundation

/// Registers the session family.
public func registerSessionBuiltins(into registry: BuiltinRegistry) {
  registry.register([saveSessionBuiltin])
}

/// Builds notebooks from session commands (used by `save_session` and AegisNotebook's
/// `NotebookWriter`).
public enum SessionNotebook {
  /// A Markdown notebook with a heading and one ```aegis cell per non-blank command.
  public static func markdown(commands: [String], title: String) -> String {
    var parts = ["# \(title)",
                 "Saved from an Aegis session. Run it with `aegis notebook FILE.md`: the cells run top to bottom in one workspace."]
    for command in commands {
      let code = command.split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        .map { String($0.reversed().drop { $0 == " " || $0 == "\t" }.reversed()) }
        .joined(separator: "\n").trimmingCharacters(in: .newlines)
      if !code.trimmingCharacters(in: .whitespaces).isEmpty { parts.append(fenced(code)) }
    }
    return parts.joined(separator: "\n\n") + "\n"
  }

  /// `code` in a backtick fence longer than any backtick run inside it.
  static func fenced(_ code: String) -> String {
    var longest = 0, run = 0
    for c in code {
      run = c == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: max(3, longest + 1))
    return "\(fence)aegis\n\(code)\n\(fence)"
  }
}

private let saveSessionBuiltin = Builtin(
  name: "save_session", category: "io",
  summary: "Save the commands typed at the prompt (those that ran without errors) as a Markdown notebook.",
  details: "One ```aegis cell per command, in order; earlier `save_session` calls are left out. Run the file with `aegis notebook FILE.md` to re-create the session and render it with outputs and plots.",
  parameters: [Parameter("path", .string, doc: "the .md file to write"),
               Parameter("title", .optional(.string), default: .nil, doc: "the notebook's heading (default: the file name)")],
  returns: "nil", example: "save_session \"/tmp/session.md\""
) { args, interp in
  let path = try args.string("path")
  let commands = interp.sources.sessionInputs.filter {
    !$0.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("save_session")
  }
  let title = try args.optionalString("title") ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
  do {
    try SessionNotebook.markdown(commands: commands, title: title).write(toFile: path, atomically: true, encoding: .utf8)
  } catch {
    throw args.error("cannot write \(path): \(error.localizedDescription)")
  }
  interp.output("saved \(commands.count) command\(commands.count == 1 ? "" : "s") to \(path)")
  return .nil
}
