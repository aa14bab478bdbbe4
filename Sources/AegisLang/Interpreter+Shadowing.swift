// Workspace variables that hide builtins: `train = fashion_mnist("train")` makes `train` a
// Dataset, so a later `train(net, train)` would fail with a puzzling "Dataset is not a
// function". The first such assignment warns (once per name), the assignment's place is
// remembered, a call of the hiding value names the hidden builtin and that place, and
// `del NAME` (Builtins+Workspace) removes the variable so the builtin is visible again.

/// Where workspace variables that hide builtins were assigned.
struct ShadowedBuiltins {
  /// The latest assignment of each hiding variable.
  var origins: [String: SourceLocation] = [:]
  /// Names already warned about (the warning is given once per name until `del`).
  var warned: Set<String> = []
}

extension Interpreter {
  /// Records a global binding of `name` at `location`; warns the first time it hides a builtin.
  func noteGlobalBinding(_ name: String, _ value: Value, at location: SourceLocation) {
    guard registry[name] != nil else { return }
    shadows.origins[name] = location
    guard !shadows.warned.contains(name) else { return }
    shadows.warned.insert(name)
    output("warning: `\(name)` now names \(Self.article(value.typeName)) and hides the builtin `\(name)`; `del \(name)` brings it back")
  }

  /// Forgets a deleted variable, so the builtin is visible (and a new hiding warns again).
  func forgetGlobalBinding(_ name: String) {
    shadows.origins[name] = nil
    shadows.warned.remove(name)
  }

  /// The error for calling `value`, a variable `name` that is not callable: it names the hidden
  /// builtin and where the variable was assigned, when it hides one.
  func notCallableError(_ name: String, _ value: Value, at location: SourceLocation) -> LangError {
    guard registry[name] != nil, let origin = shadows.origins[name] else {
      return LangError("\(value.shortDescription) is not a function", at: location)
    }
    let place = origin.file == location.file ? "line \(origin.line)" : "\(origin.file):\(origin.line)"
    return LangError("`\(name)` is \(Self.article(value.typeName)) (assigned on \(place)), not a function: it hides the builtin `\(name)`",
                     at: location, hint: "`del \(name)` brings the builtin back; or keep the value under another name, e.g. `\(name)_data = \(name)`")
  }

  static func article(_ typeName: String) -> String {
    ("aeiouAEIOU".contains(typeName.first ?? "x") ? "an " : "a ") + typeName
  }
}
