// One notebook, both worlds: a Markdown notebook becomes a Jupyter notebook (nbformat 4.5) for
// JupyterLab with the Aegis kernel, and an `.ipynb` with Aegis cells becomes Markdown so that
// `aegis notebook` runs it. Prose blocks are Markdown cells, ```aegis cells are code cells (their
// `#|` option lines are Aegis comments, so they run unchanged in the kernel), and the YAML front
// matter is a raw cell, which keeps the round trip exact up to blank lines between blocks.

import Foundation

/// Conversion between Markdown notebooks and `.ipynb`.
public enum Ipynb {
  /// The `.ipynb` JSON text of a Markdown notebook.
  public static func fromMarkdown(_ text: String, name: String) throws -> String {
    let notebook = try NotebookParser.parse(text, name: name)
    var cells: [[String: Any]] = []
    for block in notebook.blocks {
      switch block {
      case .prose(let prose):
        var rest = prose
        if let (frontMatter, after) = splitFrontMatter(prose) {
          cells.append(cell("raw", frontMatter, index: cells.count))
          rest = after
        }
        let trimmed = trimBlankLines(rest)
        if !trimmed.isEmpty { cells.append(cell("markdown", trimmed, index: cells.count)) }
      case .cell(let c):
        var code = cell("code", c.source, index: cells.count)
        code["outputs"] = [Any]()
        code["execution_count"] = NSNull()
        cells.append(code)
      }
    }
    let document: [String: Any] = [
      "nbformat": 4, "nbformat_minor": 5, "cells": cells,
      "metadata": [
        "kernelspec": ["name": "aegis", "display_name": "Aegis", "language": "aegis"],
        "language_info": ["name": "aegis", "file_extension": ".aegis", "mimetype": "text/x-aegis"],
      ],
    ]
    let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  /// The Markdown notebook of an `.ipynb`: code cells in ```aegis fences (outputs dropped).
  public static func toMarkdown(_ data: Data, name: String) throws -> String {
    guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let cells = document["cells"] as? [[String: Any]] else {
      throw NotebookError("\(name) is not a Jupyter notebook (a JSON object with \"cells\")", exitCode: 65)
    }
    let language = ((document["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any])?["language"] as? String
    if let language, language != "aegis" {
      throw NotebookError("\(name) is a \(language) notebook; aegis notebook runs notebooks with the Aegis kernel", exitCode: 65)
    }
    let blocks = cells.map { cell -> String in
      let source = text(cell["source"])
      switch cell["cell_type"] as? String {
      case "code": return CodeFence.wrap(source, info: "aegis")
      default: return source
      }
    }
    return blocks.joined(separator: "\n\n") + "\n"
  }

  /// nbformat stores sources as a string or a list of lines.
  static func text(_ source: Any?) -> String {
    if let lines = source as? [String] { return lines.joined() }
    return source as? String ?? ""
  }

  /// One cell; the source as a list of lines, each but the last ending in a newline (nbformat's habit).
  static func cell(_ type: String, _ source: String, index: Int) -> [String: Any] {
    var lines = source.components(separatedBy: "\n").map { $0 + "\n" }
    if var last = lines.popLast() {
      last.removeLast()
      if !last.isEmpty { lines.append(last) }
    }
    return ["cell_type": type, "id": "cell-\(index + 1)", "metadata": [String: Any](), "source": lines]
  }

  /// `---\nYAML\n---` at the very start, and the text after it.
  static func splitFrontMatter(_ prose: String) -> (String, String)? {
    let lines = prose.components(separatedBy: "\n")
    guard lines.first == "---", let end = lines.dropFirst().firstIndex(of: "---") else { return nil }
    return (lines[...end].joined(separator: "\n"), lines[(end + 1)...].joined(separator: "\n"))
  }

  static func trimBlankLines(_ text: String) -> String {
    var lines = text.components(separatedBy: "\n")
    while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
    while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
    return lines.joined(separator: "\n")
  }
}
