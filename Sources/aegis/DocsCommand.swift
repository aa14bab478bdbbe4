// `aegis docs`: the Markdown language reference generated from the builtin registry, so
// `aegis docs > docs/language.md` regenerates the committed file.

import AegisLang
import ArgumentParser

/// `aegis docs`.
struct DocsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "docs", abstract: "Print the language reference (Markdown).")

  func run() throws {
    print(MarkdownReference.generate(BuiltinRegistry.standard()), terminator: "")
  }
}
