// Tab completion from names only (it never formats a value): keywords, builtins, workspace
// names, members after `.`, named parameters of the call being typed (`pgd(ep` → `eps:`),
// choice values and file paths inside string literals.

import Foundation

extension Interpreter {
  /// Candidates that replace `prefix`, the word under the cursor; `context` is the line text
  /// before it. Named parameters come first (as `eps:`), then other names, sorted.
  public func completions(prefix: String, context: String) -> [String] {
    let tokens = Scanner.scan(context).tokens.filter { $0.kind != .eof && $0.kind != .newline }
    if isInsideString(context) { return stringCompletions(prefix: prefix, context: context, tokens: tokens) }
    if context.last == ".", let base = tokens.dropLast().last, base.kind == .identifier {
      let members = globals.lookup(base.text)?.memberNames ?? []
      return members.filter { $0.hasPrefix(prefix) }
    }
    let parameters = openCallParameters(tokens, context: context).filter { $0.hasPrefix(prefix) }.map { $0 + ":" }
    var names = Set(TokenKind.keywords.keys).union(registry.names).union(globals.names.filter { $0 != "_" })
    // A parameter offered as `seed:` hides the plain name `seed`: after `rand(2, se` the label is meant.
    names = names.filter { $0.hasPrefix(prefix) && !parameters.contains($0 + ":") }
    return parameters + names.sorted()
  }

  /// Whether the context ends inside a string literal (an odd number of unescaped quotes).
  public func isInsideString(_ context: String) -> Bool {
    var inside = false, escaped = false
    for c in context {
      if escaped { escaped = false; continue }
      if c == "\\" && inside { escaped = true } else if c == "\"" { inside.toggle() } else if c == "#" && !inside { return false }
    }
    return inside
  }

  /// Choice values when the string is a `name: "` argument of a choice parameter, else paths.
  private func stringCompletions(prefix: String, context: String, tokens: [Token]) -> [String] {
    if let label = tokens.last(where: { $0.kind == .identifier }),
       let call = openCallName(tokens, context: context), let builtin = registry[call],
       let parameter = builtin.parameters.first(where: { $0.name == label.text }),
       case .choice(let options) = parameter.type.unwrapped {
      return options.filter { $0.hasPrefix(prefix) }
    }
    return pathCompletions(prefix)
  }

  /// Files and directories starting with `prefix` (directories get a trailing `/`).
  func pathCompletions(_ prefix: String) -> [String] {
    let expanded = prefix.hasPrefix("~/") ? NSHomeDirectory() + prefix.dropFirst(1) : prefix
    let slash = expanded.lastIndex(of: "/")
    let directory = slash.map { String(expanded[...$0]) } ?? ""
    let stem = slash.map { String(expanded[expanded.index(after: $0)...]) } ?? expanded
    let shownDirectory = slash.map { _ in String(prefix[...(prefix.lastIndex(of: "/") ?? prefix.startIndex)]) } ?? ""
    let fm = FileManager.default
    guard let entries = try? fm.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return [] }
    return entries.filter { $0.hasPrefix(stem) && (stem.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { entry in
      var isDirectory: ObjCBool = false
      _ = fm.fileExists(atPath: directory + entry, isDirectory: &isDirectory)
      return shownDirectory + entry + (isDirectory.boolValue ? "/" : "")
    }
  }

  /// The callee of the innermost unclosed `(`, or the command word of a command-form statement.
  func openCallName(_ tokens: [Token], context: String) -> String? {
    var stack: [String?] = []
    for (i, t) in tokens.enumerated() {
      if t.kind == .leftParen {
        stack.append(i > 0 && tokens[i - 1].kind == .identifier ? tokens[i - 1].text : nil)
      } else if t.kind == .rightParen, !stack.isEmpty {
        stack.removeLast()
      }
    }
    if let innermost = stack.last { return innermost }
    if let first = tokens.first, first.kind == .identifier, registry[first.text] != nil,
       tokens.count > 1 || context.last?.isWhitespace == true {
      return first.text
    }
    return nil
  }

  /// Parameter names of the call being typed that have not been given yet.
  private func openCallParameters(_ tokens: [Token], context: String) -> [String] {
    guard let name = openCallName(tokens, context: context) else { return [] }
    let used = Set(tokens.indices.dropLast().filter { tokens[$0].kind == .identifier && tokens[$0 + 1].kind == .colon }
      .map { tokens[$0].text })
    var names: [String] = []
    if case .function(let f)? = globals.lookup(name) {
      names = f.declaration.parameters.map(\.name)
    } else if let b = registry[name] {
      names = b.parameters.enumerated().filter { !(b.variadic && $0.offset == 0) }.map(\.element.name)
    }
    return names.filter { !used.contains($0) }
  }
}
