// A builtin's declaration: name, category, docs, typed parameters with defaults, example, paper
// reference and the Swift closure that runs it. Help, usage lines, argument checking,
// completion and docs/language.md are all generated from this one declaration.

/// A builtin function (or command) of the language.
///
/// ```swift
/// registry.register(Builtin(
///   name: "double", category: "math", summary: "Twice a number.",
///   parameters: [Parameter("x", .number, doc: "the number")],
///   returns: "number", example: "double(21)"
/// ) { args, _ in .number(try args.number("x") * 2) })
/// ```
public struct Builtin {
  /// The name scripts call it by.
  public var name: String
  /// Help section: "workspace", "help", "tensor", "math", "data", "model", "training", "attack",
  /// "ssl", "plot", "io", …
  public var category: String
  /// One line, shown by `help` and `apropos`.
  public var summary: String
  /// Further explanation (optional), shown by `help name` and in docs/language.md.
  public var details: String
  /// Parameters in positional order.
  public var parameters: [Parameter]
  /// What it returns, in words ("tensor", "Attack", "nil").
  public var returns: String
  /// A line (or lines) of Aegis that uses it; must run (tests execute every example).
  public var example: String
  /// Paper the builtin implements, e.g. "Madry et al. 2018, arXiv:1706.06083".
  public var paperReference: String?
  /// When true, the first parameter receives every positional argument as a list (`print(a, b)`)
  /// and the other parameters can only be given by name.
  public var variadic: Bool
  /// When true, the example needs files or datasets and is skipped by the example test.
  public var exampleNeedsFiles: Bool
  /// Runs the builtin with checked arguments.
  public var run: (BoundArguments, Interpreter) throws -> Value

  /// Declares a builtin. See the type's documentation for an example.
  public init(name: String, category: String, summary: String, details: String = "",
              parameters: [Parameter] = [], returns: String = "nil", example: String,
              paperReference: String? = nil, variadic: Bool = false, exampleNeedsFiles: Bool = false,
              run: @escaping (BoundArguments, Interpreter) throws -> Value) {
    self.name = name
    self.category = category
    self.summary = summary
    self.details = details
    self.parameters = parameters
    self.returns = returns
    self.example = example
    self.paperReference = paperReference
    self.variadic = variadic
    self.exampleNeedsFiles = exampleNeedsFiles
    self.run = run
  }

  /// `pgd(model, eps: 0.1, steps: 10)`: required parameters by name, optional ones with their
  /// defaults, a variadic one as `values...`.
  public var signature: String {
    let parts = parameters.enumerated().map { i, p -> String in
      if variadic && i == 0 { return "\(p.name)..." }
      guard let d = p.defaultValue else { return p.name }
      return "\(p.name): \(d.repr)"
    }
    return "\(name)(\(parts.joined(separator: ", ")))"
  }

  /// `usage: pgd(model, eps: 0.1)`, attached to argument errors.
  public var usage: String { "\(signature) -> \(returns)" }

  /// Whether a statement consisting of just the name calls it (all parameters optional).
  public var canRunBare: Bool {
    !variadic && parameters.allSatisfy { $0.defaultValue != nil }
  }
}

/// One parameter of a builtin.
public struct Parameter {
  /// Name, also the label of a named argument (`eps: 0.1`).
  public var name: String
  /// Accepted values.
  public var type: ParameterType
  /// Default value; nil means the argument is required (use `.nil` for "optional, no value").
  public var defaultValue: Value?
  /// One line for the help table.
  public var doc: String

  /// Declares a parameter; omit `default` for a required one.
  public init(_ name: String, _ type: ParameterType, default defaultValue: Value? = nil, doc: String) {
    self.name = name
    self.type = type
    self.defaultValue = defaultValue
    self.doc = doc
  }
}

/// The kinds of values a parameter accepts; checked before the builtin runs.
public indirect enum ParameterType {
  case number
  /// A whole number (stored as a number).
  case int
  case string
  case bool
  /// A list (ranges are accepted and expanded).
  case list
  /// A tensor; numbers and (nested) lists of numbers are converted.
  case tensor
  /// A shape: a non-negative whole number or a list of them.
  case shape
  case any
  /// An `AegisObject` whose `typeName` is the given name ("Model", "Dataset", …).
  case object(String)
  /// The inner type or `nil`.
  case optional(ParameterType)
  /// A name: in `help pgd` the bare word `pgd` arrives as the string "pgd" (strings work too).
  case name
  /// A user function, builtin or callable object.
  case callable
  /// One of the given strings (completion offers them).
  case choice([String])
  /// Any of the given types.
  case oneOf([ParameterType])

  /// How the type reads in messages and help ("number", "Model", "\"full\" | \"partial\"").
  public var description: String {
    switch self {
    case .number: return "number"
    case .int: return "int"
    case .string: return "string"
    case .bool: return "bool"
    case .list: return "list"
    case .tensor: return "tensor"
    case .shape: return "shape"
    case .any: return "any"
    case .object(let t): return t
    case .optional(let t): return "\(t.description) or nil"
    case .name: return "name"
    case .callable: return "function"
    case .choice(let options): return options.map { Value.quote($0) }.joined(separator: " | ")
    case .oneOf(let types): return types.map(\.description).joined(separator: " or ")
    }
  }

  /// "a number", "an int", "a Model", "one of \"a\", \"b\"": used in "eps must be a number".
  var withArticle: String {
    switch self {
    case .choice(let options): return "one of " + options.map { Value.quote($0) }.joined(separator: ", ")
    case .optional(let inner): return inner.withArticle + " or nil"
    case .oneOf: return description
    default:
      let vowel = description.first.map { "aeiouAEIOU".contains($0) } ?? false
      return (vowel ? "an " : "a ") + description
    }
  }

  /// The type without `optional`.
  var unwrapped: ParameterType {
    if case .optional(let t) = self { return t.unwrapped }
    return self
  }

  /// Whether `value` is acceptable (conversions such as list → tensor happen later).
  public func accepts(_ value: Value) -> Bool {
    switch (self, value) {
    case (.any, _): return true
    case (.optional(let t), _): return value.isNil || t.accepts(value)
    case (.number, .number), (.string, .string), (.bool, .bool): return true
    case (.int, .number(let x)): return x.isFinite && x == x.rounded() && Swift.abs(x) < 9e15
    case (.list, .list), (.list, .range): return true
    case (.tensor, .tensor), (.tensor, .number), (.tensor, .list), (.tensor, .range): return true
    case (.shape, .number), (.shape, .list), (.shape, .range): return true
    case (.object(let name), .object(let o)): return o.typeName == name
    case (.name, .string): return true
    case (.callable, .function), (.callable, .builtin): return true
    case (.callable, .object(let o)): return o is AegisCallable
    case (.choice(let options), .string(let s)): return options.contains(s)
    case (.oneOf(let types), _): return types.contains { $0.accepts(value) }
    default: return false
    }
  }
}
