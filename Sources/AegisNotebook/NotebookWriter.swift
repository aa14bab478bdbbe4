// Turns a REPL session into a notebook: the REPL's `history save FILE.md` passes its commands
// here. The Markdown itself is built by AegisLang's `SessionNotebook`, which the
// `save_session` builtin also uses, so both produce the same format.

import AegisLang

/// Writes notebooks from REPL sessions.
public enum NotebookWriter {
  /// A notebook with a `# title` heading and one ```aegis cell per non-blank command, in order.
  ///
  /// ```swift
  /// let text = NotebookWriter.notebook(fromCommands: ["x = 1", "x + 1"], title: "My session")
  /// try text.write(toFile: "session.md", atomically: true, encoding: .utf8)
  /// ```
  public static func notebook(fromCommands commands: [String], title: String) -> String {
    SessionNotebook.markdown(commands: commands, title: title)
  }
}
