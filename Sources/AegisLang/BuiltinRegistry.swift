// The builtin registry: the single source of truth for what the language can call. Families of
// builtins register themselves from their own files; `standardFamilies` lists them, so adding a
// family is one new file plus one line here.

/// Registered builtins by name.
public final class BuiltinRegistry {
  /// A function that registers one family of builtins, e.g. `registerTensorBuiltins`.
  public typealias Family = (BuiltinRegistry) -> Void

  /// The families every interpreter starts with. Add new families (data, model, training,
  /// attack, ssl, plot, io) here.
  public static let standardFamilies: [Family] = [
    registerWorkspaceBuiltins,
    registerHelpBuiltins,
    registerTensorBuiltins,
    registerMathBuiltins,
    registerDataBuiltins,
    registerModelBuiltins,
    registerTrainingBuiltins,
    registerAttackBuiltins,
    registerPlotBuiltins,
    registerSSLBuiltins,
    registerStudyBuiltins,  // issue 12: study_collect
    registerSessionBuiltins,
    registerIOBuiltins,
    registerFormatBuiltins,
    registerWorkspaceFileBuiltins,
    registerPlanBuiltins,
  ]

  /// Order of categories in `help` and docs; other categories follow alphabetically.
  public static let categoryOrder = ["workspace", "help", "tensor", "math", "data", "model", "training",
                                     "attack", "ssl", "plot", "io"]

  private var byName: [String: Builtin] = [:]

  /// An empty registry.
  public init() {}

  /// A registry with `standardFamilies` plus `extra` families.
  public static func standard(extra: [Family] = []) -> BuiltinRegistry {
    let registry = BuiltinRegistry()
    for family in standardFamilies + extra { family(registry) }
    return registry
  }

  /// Adds (or replaces) a builtin.
  public func register(_ builtin: Builtin) { byName[builtin.name] = builtin }

  /// Adds (or replaces) several builtins.
  public func register(_ builtins: [Builtin]) { builtins.forEach(register) }

  /// Removes a builtin (tests, sandboxes).
  public func unregister(_ name: String) { byName[name] = nil }

  /// The builtin called `name`.
  public subscript(name: String) -> Builtin? { byName[name] }

  /// All builtins sorted by name.
  public var all: [Builtin] { byName.values.sorted { $0.name < $1.name } }

  /// All names, sorted.
  public var names: [String] { byName.keys.sorted() }

  /// Categories in display order.
  public var categories: [String] {
    let present = Set(byName.values.map(\.category))
    let known = BuiltinRegistry.categoryOrder.filter(present.contains)
    return known + present.subtracting(known).sorted()
  }

  /// Builtins of one category, sorted by name.
  public func builtins(in category: String) -> [Builtin] {
    all.filter { $0.category == category }
  }

  /// What the parser needs for command form.
  public var commandSyntax: CommandSyntax {
    CommandSyntax(names: Set(byName.keys), bareNames: Set(byName.values.filter(\.canRunBare).map(\.name)))
  }
}
