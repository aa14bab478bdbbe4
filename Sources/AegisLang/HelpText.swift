// Help text generated from the registry: the one-screen overview (`help`), one builtin's page
// (`help pgd`), keyword pages, the language cheat-sheet and `apropos` search. The same
// declarations feed usage lines, completion and docs/language.md.

/// Generates help text from builtin declarations.
public enum HelpText {
  /// The language in a few lines, shown by `help` and at the top of docs/language.md.
  public static let cheatSheet = """
    x = expr                      assign; `_` holds the last printed result
    + - * / ^ %  a @ b            arithmetic (tensors broadcast, aligned from the right); @ is matmul
    == != < <= > >=  and or not   comparisons (elementwise 0/1 on tensors) and logic
    [1, 2]  0..5  "text"          lists, ranges (end excluded), strings
    t[0, 2:5]  t[:, 1]  xs[-1]    indexing and slicing; t.shape  t.T  data.count
    f(a, eps: 0.1)                call with positional and named arguments
    help pgd   plot c to: "c.png" a statement starting with a builtin name needs no parentheses
    ?pgd   del x                  at the prompt ?name is help name; del removes a variable
    def f(a, b: 1) { return a + b }
    if c { } else if d { } else { }   for x in xs { }   while c { }   break   continue
    # comment                     a trailing `;` hides the value of a line
    """

  /// What keywords do, for `help for`, `help def`, ….
  public static let keywords: [String: String] = [
    "def": "def name(a, b: default) { … return value }  defines a function; defaults are evaluated at each call.",
    "return": "return value  leaves the current function with a value (nil when omitted).",
    "if": "if condition { … } else if other { … } else { … }  conditions must be true/false (or a one-element tensor).",
    "else": "else  follows the `}` of an `if` block.",
    "for": "for x in list_or_range { … }  loops over a list, range, string or the first axis of a tensor.",
    "in": "in  separates the loop variable from the sequence in `for x in xs`.",
    "while": "while condition { … }  repeats while the condition is true; Ctrl-C stops it.",
    "and": "a and b  is true when both are; b is not evaluated when a is false.",
    "or": "a or b  is true when either is; b is not evaluated when a is true.",
    "not": "not a  negates a bool.",
    "true": "true  the boolean true.", "false": "false  the boolean false.", "nil": "nil  the absence of a value.",
    "break": "break  leaves the innermost loop.", "continue": "continue  skips to the next iteration of the innermost loop.",
  ]

  /// `help` alone: each category with its builtins' one-line summaries, then the cheat-sheet.
  public static func overview(_ registry: BuiltinRegistry) -> String {
    var out = ["Aegis builtins (`help name` for details, `apropos word` to search):"]
    for category in registry.categories {
      out.append("")
      out.append(category)
      let rows = registry.builtins(in: category).map { [$0.name, $0.summary] }
      out.append(TextTable.render(rows: rows, indent: "  "))
    }
    out.append("")
    out.append("Language:")
    out.append(cheatSheet.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    return out.joined(separator: "\n")
  }

  /// `help name`: signature, summary, details, parameter table, example, paper reference.
  public static func page(for builtin: Builtin) -> String {
    var out = [builtin.usage, "  " + builtin.summary]
    if !builtin.details.isEmpty { out.append(""); out.append(indent(builtin.details)) }
    if !builtin.parameters.isEmpty {
      out.append("")
      out.append(TextTable.render(header: ["parameter", "type", "default", "description"],
                                  rows: parameterRows(builtin), indent: "  "))
    }
    out.append("")
    out.append("example:")
    out.append(indent(builtin.example))
    if let reference = builtin.paperReference { out.append("reference: " + reference) }
    return out.joined(separator: "\n")
  }

  /// One row per parameter: name, type, default (or "required"), doc.
  static func parameterRows(_ builtin: Builtin) -> [[String]] {
    builtin.parameters.enumerated().map { i, p in
      let name = builtin.variadic && i == 0 ? p.name + "..." : p.name
      let def = builtin.variadic && i == 0 ? "" : (p.defaultValue.map(\.repr) ?? "required")
      return [name, p.type.description, def, p.doc]
    }
  }

  /// Builtins whose name, summary, details or parameters mention `word` (case-insensitive):
  /// name matches first, then the rest, each group sorted by name.
  public static func apropos(_ word: String, in registry: BuiltinRegistry) -> [Builtin] {
    let w = word.lowercased()
    let matches = registry.all.filter { b in
      let text = ([b.name, b.summary, b.details] + b.parameters.map(\.name) + b.parameters.map(\.doc))
      return text.contains { $0.lowercased().contains(w) }
    }
    return matches.filter { $0.name.lowercased().contains(w) } + matches.filter { !$0.name.lowercased().contains(w) }
  }

  static func indent(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
  }
}
