// Help builtins: `help` (overview, a builtin's page, a keyword, or a workspace variable) and
// `apropos` (search). Both accept bare words: `help pgd`, `apropos robust`.

/// Registers the help family.
public func registerHelpBuiltins(into registry: BuiltinRegistry) {
  registry.register([helpBuiltin, aproposBuiltin])
}

private let helpBuiltin = Builtin(
  name: "help", category: "help", summary: "Show help: an overview, or the page of a builtin, keyword or variable.",
  parameters: [Parameter("name", .optional(.name), default: .nil, doc: "what to explain (a bare word or a string)")],
  returns: "nil", example: "help zeros"
) { args, interp in
  guard case .string(let name) = args["name"] else {
    interp.output(HelpText.overview(interp.registry))
    return .nil
  }
  interp.output(try helpPage(name, interp, args))
  return .nil
}

/// The page for `name`: builtin, keyword, then workspace variable.
private func helpPage(_ name: String, _ interp: Interpreter, _ args: BoundArguments) throws -> String {
  if let value = interp.globals.lookup(name) {
    if case .builtin(let b) = value { return HelpText.page(for: b) }
    if case .function(let f) = value { return "\(name): function \(f.declaration.signature)" }
    var text = "\(name): \(value.typeName)\n\(value.description)"
    if !value.memberNames.isEmpty { text += "\nmembers: " + value.memberNames.joined(separator: ", ") }
    return text
  }
  if let builtin = interp.registry[name] { return HelpText.page(for: builtin) }
  if let keyword = HelpText.keywords[name] { return keyword }
  let candidates = interp.registry.names + Array(HelpText.keywords.keys) + interp.globals.names
  let hint = EditDistance.suggestion(for: name, among: candidates).map { "did you mean `\($0)`?" }
  throw args.error("no builtin, keyword or variable named `\(name)`", hint: hint ?? "try `apropos \(name)`")
}

private let aproposBuiltin = Builtin(
  name: "apropos", category: "help", summary: "Search builtin names and descriptions for a word.",
  parameters: [Parameter("word", .name, doc: "the word to look for")],
  returns: "nil", example: "apropos random"
) { args, interp in
  let word = try args.string("word")
  let found = HelpText.apropos(word, in: interp.registry)
  if found.isEmpty {
    interp.output("no builtins mention \(Value.quote(word))")
  } else {
    interp.output(TextTable.render(rows: found.map { [$0.name, $0.summary] }))
  }
  return .nil
}
