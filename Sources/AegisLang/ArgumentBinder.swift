// Generic argument binding for builtins: positional and named arguments are matched to the
// declared parameters, evaluated left to right, type-checked and completed with defaults.
// Every failure names the builtin, says what is wrong and carries the generated usage line.

/// One argument at a call site: a label (for named arguments) and how to get its value.
struct ArgumentInput {
  var label: String?
  var location: SourceLocation?
  /// The identifier, when the argument is a bare name (`help pgd`): `.name` parameters take it
  /// as a string without evaluating it.
  var bareName: String?
  var evaluate: () throws -> Value

  /// An already evaluated argument (calls from Swift).
  static func value(_ v: Value, label: String? = nil) -> ArgumentInput {
    ArgumentInput(label: label, location: nil, bareName: nil, evaluate: { v })
  }
}

enum ArgumentBinder {
  /// Binds `inputs` to `builtin`'s parameters or throws a `LangError` located at the culprit.
  static func bind(_ builtin: Builtin, _ inputs: [ArgumentInput], at location: SourceLocation?) throws -> BoundArguments {
    let slots = try assignSlots(builtin, inputs, at: location)
    var values: [String: Value] = [:]
    var rest: [Value] = []
    for (input, slot) in zip(inputs, slots) {
      let parameter = builtin.parameters[slot]
      let value = try argumentValue(input, for: parameter)
      try check(value, against: parameter, builtin, at: input.location ?? location)
      if builtin.variadic && slot == 0 { rest.append(value) } else { values[parameter.name] = value }
    }
    if builtin.variadic, let first = builtin.parameters.first { values[first.name] = .list(rest) }
    for parameter in builtin.parameters where values[parameter.name] == nil {
      guard let d = parameter.defaultValue else {
        throw LangError("\(builtin.name): missing required argument `\(parameter.name)`", at: location, usage: builtin.usage)
      }
      values[parameter.name] = d
    }
    return BoundArguments(builtin: builtin, location: location, values: values)
  }

  /// The parameter index each input goes to.
  private static func assignSlots(_ builtin: Builtin, _ inputs: [ArgumentInput], at location: SourceLocation?) throws -> [Int] {
    let params = builtin.parameters
    var slots: [Int] = []
    var taken = Set<Int>()
    var positional = 0
    for input in inputs {
      let at = input.location ?? location
      if let label = input.label {
        guard let i = params.firstIndex(where: { $0.name == label }), !(builtin.variadic && i == 0) else {
          let names = params.enumerated().filter { !(builtin.variadic && $0.offset == 0) }.map(\.element.name)
          let hint = EditDistance.suggestion(for: label, among: names).map { "did you mean `\($0):`?" }
          throw LangError("\(builtin.name): unknown argument `\(label)`", at: at, hint: hint, usage: builtin.usage)
        }
        guard !taken.contains(i) else {
          throw LangError("\(builtin.name): argument `\(label)` given twice", at: at, usage: builtin.usage)
        }
        taken.insert(i)
        slots.append(i)
      } else if builtin.variadic {
        guard !params.isEmpty else { throw tooMany(builtin, at: at) }
        slots.append(0)
      } else {
        guard positional < params.count else { throw tooMany(builtin, at: at) }
        taken.insert(positional)
        slots.append(positional)
        positional += 1
      }
    }
    return slots
  }

  private static func tooMany(_ builtin: Builtin, at location: SourceLocation?) -> LangError {
    let n = builtin.parameters.count
    let what = n == 0 ? "takes no arguments" : "takes at most \(n) positional argument\(n == 1 ? "" : "s")"
    return LangError("\(builtin.name): too many arguments; it \(what)", at: location, usage: builtin.usage)
  }

  /// Bare words go to `.name` parameters as strings; everything else is evaluated.
  private static func argumentValue(_ input: ArgumentInput, for parameter: Parameter) throws -> Value {
    if case .name = parameter.type.unwrapped, let word = input.bareName { return .string(word) }
    return try input.evaluate()
  }

  private static func check(_ value: Value, against parameter: Parameter, _ builtin: Builtin, at location: SourceLocation?) throws {
    guard !parameter.type.accepts(value) else { return }
    var hint: String?
    if case .choice(let options) = parameter.type.unwrapped, case .string(let s) = value {
      hint = EditDistance.suggestion(for: s, among: options).map { "did you mean \(Value.quote($0))?" }
    }
    throw LangError("\(builtin.name): \(parameter.name) must be \(parameter.type.withArticle), got \(value.shortDescription)",
                    at: location, hint: hint, usage: builtin.usage)
  }
}
