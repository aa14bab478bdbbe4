// docs/language.md, generated from the registry: the language summary, then one section per
// category with each builtin's signature, description, parameter table, example and reference.
// A test keeps the committed file equal to this output.

/// Generates the Markdown language reference.
public enum MarkdownReference {
  /// The whole reference document.
  public static func generate(_ registry: BuiltinRegistry) -> String {
    var out: [String] = []
    out.append("# Aegis language reference")
    out.append("")
    out.append("<!-- Generated from the builtin registry by MarkdownReference.generate; do not edit by hand.")
    out.append("     Regenerate: AEGIS_REGENERATE_DOCS=1 swift test --filter MarkdownReferenceTests -->")
    out.append("")
    out.append("## The language")
    out.append("")
    out.append("```text")
    out.append(HelpText.cheatSheet)
    out.append("```")
    out.append("")
    out.append(commandFormRule)
    out.append("")
    out.append(scopingRule)
    out.append("")
    out.append("## Builtins")
    out.append("")
    for category in registry.categories {
      let names = registry.builtins(in: category).map { "`\($0.name)`" }.joined(separator: ", ")
      out.append("- **\(category)**: \(names)")
    }
    for category in registry.categories {
      out.append("")
      out.append("## \(category)")
      for builtin in registry.builtins(in: category) {
        out.append("")
        out.append(contentsOf: section(builtin))
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  static let commandFormRule = """
    **Command form.** A statement that starts with the name of a builtin, followed on the same \
    line by a name, number, string, `true`/`false`/`nil` or `not` — or by `[` or `-` written \
    after a space and (for `-`) directly before its operand — is a call without parentheses: \
    `help pgd`, `print x, y`, `print [1, 2]`, `print -x`, `save clf "clf.safetensors"` (commas \
    optional), `plot curve to: "x.png"` (named arguments as usual). Anything else after the name \
    parses as an ordinary expression, so `f (1)`, `x = f(1)`, `a - b` and `shape[0]` keep their \
    meaning; note that `print (1 + 2) * 3` is therefore `print(1 + 2) * 3`. A statement that is \
    only the name of a builtin whose parameters are all optional (`who`, `help`) calls it.
    """

  /// The scoping rule, stated once for users.
  static let scopingRule = """
    **Scopes.** Top-level variables form the workspace (`who` lists them). A `def` call gets its \
    own scope; blocks (`if`, `for`, `while`) do not, so a loop variable outlives its loop. Inside \
    a function, `x = …` updates `x` in the nearest enclosing function scope that has it, otherwise \
    creates a local: functions read workspace variables but never rebind them. Lists are values \
    (`ys = xs` copies); tensors and objects are shared references, but operations return new tensors. \
    A workspace variable may take a builtin's name (`train = fashion_mnist("train")`): the first \
    such assignment warns, calling the value names the hidden builtin and the line that assigned \
    it, and `del train` brings the builtin back.

    **Text and gradients.** `format(x, ".1%")` formats with Python's spec mini-language; there is \
    no string interpolation (strings often carry braces for JSON, gnuplot and LaTeX labels), so \
    text is joined with `+`. `grad(f, x)` differentiates through every operator, tensor builtin \
    and model call (`net(x)`, `net(x, training: true)`, ensembles, `pre.pretext(x)`); calls of \
    models outside `grad` record nothing.
    """

  /// One builtin's section.
  static func section(_ b: Builtin) -> [String] {
    var out = ["### `\(b.usage)`", "", b.summary]
    if !b.details.isEmpty { out += ["", b.details] }
    if !b.parameters.isEmpty {
      out += ["", "| parameter | type | default | description |", "| --- | --- | --- | --- |"]
      for row in HelpText.parameterRows(b) {
        out.append("| `\(row[0])` | \(cell(row[1])) | \(defaultCell(row[2])) | \(cell(row[3])) |")
      }
    }
    out += ["", "```aegis", b.example, "```"]
    if let reference = b.paperReference { out += ["", "Reference: \(reference)"] }
    return out
  }

  /// Defaults in code font; "required" and the variadic blank as plain text.
  static func defaultCell(_ text: String) -> String {
    text.isEmpty || text == "required" ? text : "`\(cell(text))`"
  }

  /// Escapes table-breaking characters.
  static func cell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }
}

import Foundation
