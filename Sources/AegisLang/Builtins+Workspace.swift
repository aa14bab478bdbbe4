// Workspace builtins: printing, listing variables, seeding, conversions and small utilities
// that every session uses (`print`, `who`, `seed`, `len`, `range`, `list`, `str`, `num`,
// `type`, `time`).

import AegisTensor
import Foundation

/// Registers the workspace family.
public func registerWorkspaceBuiltins(into registry: BuiltinRegistry) {
  registry.register([printBuiltin, whoBuiltin, seedBuiltin, lenBuiltin, rangeBuiltin, listBuiltin,
                     strBuiltin, numBuiltin, typeBuiltin, timeBuiltin, delBuiltin, profileBuiltin])
}

private let printBuiltin = Builtin(
  name: "print", category: "workspace", summary: "Print values separated by spaces (strings without quotes).",
  parameters: [
    Parameter("values", .any, doc: "values to print"),
    Parameter("sep", .string, default: .string(" "), doc: "separator between values"),
  ],
  returns: "nil", example: "print \"loss\", 0.25", variadic: true
) { args, interp in
  interp.output(try args.list("values").map(\.description).joined(separator: try args.string("sep")))
  return .nil
}

private let whoBuiltin = Builtin(
  name: "who", category: "workspace", summary: "List workspace variables with their types and shapes.",
  returns: "nil", example: "x = zeros([2, 3])\nwho"
) { _, interp in
  let rows = interp.globals.names.filter { !$0.hasPrefix("_") }.compactMap { name -> [String]? in
    guard let v = interp.globals.lookup(name) else { return nil }
    return [name, v.typeName, v.elementRepr.replacingOccurrences(of: "\n", with: " ")]
  }
  interp.output(rows.isEmpty ? "(the workspace is empty)" : TextTable.render(header: ["name", "type", "value"], rows: rows))
  return .nil
}

private let seedBuiltin = Builtin(
  name: "seed", category: "workspace", summary: "Seed the session's random generator (used when `seed:` is not given).",
  parameters: [Parameter("n", .int, doc: "the seed")],
  returns: "nil", example: "seed 42\nrand([2])"
) { args, interp in
  interp.setSeed(UInt64(bitPattern: Int64(try args.int("n"))))
  return .nil
}

private let lenBuiltin = Builtin(
  name: "len", category: "workspace", summary: "Length of a list, string or range, or the first dimension of a tensor.",
  parameters: [Parameter("x", .any, doc: "a list, string, range or tensor")],
  returns: "number", example: "len([1, 2, 3])"
) { args, _ in
  switch args["x"] {
  case .list(let xs): return .number(Double(xs.count))
  case .string(let s): return .number(Double(s.count))
  case .range(let r): return .number(Double(r.count))
  case .tensor(let t) where t.rank > 0: return .number(Double(t.shape[0]))
  case .object(let o): if let n = try o.member("count") { return n }
  default: break
  }
  throw args.error("cannot take the length of \(args["x"].shortDescription)")
}

private let rangeBuiltin = Builtin(
  name: "range", category: "workspace", summary: "Integers from start up to (not including) end: range(5) is 0..5.",
  parameters: [
    Parameter("start", .int, doc: "first value, or the end when `end` is omitted"),
    Parameter("end", .optional(.int), default: .nil, doc: "excluded bound"),
    Parameter("step", .int, default: .number(1), doc: "increment (may be negative, not zero)"),
  ],
  returns: "range", example: "for i in range(0, 10, 3) { print i }"
) { args, _ in
  let first = try args.int("start")
  let (start, end) = args.has("end") ? (first, try args.int("end")) : (0, first)
  let step = try args.int("step")
  guard step != 0 else { throw args.error("step cannot be zero") }
  return .range(RangeValue(start: start, end: end, step: step))
}

private let listBuiltin = Builtin(
  name: "list", category: "workspace", summary: "A list from a range, string or tensor (nested lists for tensors).",
  parameters: [Parameter("x", .any, doc: "a range, string, list or tensor")],
  returns: "list", example: "list(0..4)"
) { args, _ in
  switch args["x"] {
  case .list, .range: return .list(try args.list("x"))
  case .string(let s): return .list(s.map { .string(String($0)) })
  case .tensor(let t): return Value.list(from: t)
  default: throw args.error("cannot make a list from \(args["x"].shortDescription)")
  }
}

private let strBuiltin = Builtin(
  name: "str", category: "workspace", summary: "The printed form of a value, as a string.",
  parameters: [Parameter("x", .any, doc: "any value")],
  returns: "string", example: "\"eps = \" + str(0.1)"
) { args, _ in .string(args["x"].description) }

private let numBuiltin = Builtin(
  name: "num", category: "workspace", summary: "A number from a string, bool or one-element tensor.",
  parameters: [Parameter("x", .any, doc: "a number, string, bool or one-element tensor")],
  returns: "number", example: "num(\"2.5\") + num(sum([1, 2]))"
) { args, _ in
  switch args["x"] {
  case .number: return args["x"]
  case .bool(let b): return .number(b ? 1 : 0)
  case .string(let s):
    guard let x = Double(s.trimmingCharacters(in: .whitespaces)) else { throw args.error("\(Value.quote(s)) is not a number") }
    return .number(x)
  case .tensor(let t) where t.count == 1: return .number(Double(t.storage[0]))
  default: throw args.error("cannot convert \(args["x"].shortDescription) to a number")
  }
}

private let typeBuiltin = Builtin(
  name: "type", category: "workspace", summary: "The type name of a value: number, string, tensor, Model, …",
  parameters: [Parameter("x", .any, doc: "any value")],
  returns: "string", example: "type(zeros(3))"
) { args, _ in .string(args["x"].typeName) }

private let timeBuiltin = Builtin(
  name: "time", category: "workspace", summary: "Call a function with no arguments, print the wall time, return its result.",
  parameters: [Parameter("f", .callable, doc: "the function to time")],
  returns: "the function's result", example: "def work() { return sum(randn([100, 100])) }\ntime work"
) { args, interp in
  let clock = ContinuousClock()
  var result = Value.nil
  let elapsed = try clock.measure { result = try interp.call(args["f"], arguments: [], at: args.location) }
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  interp.output(String(format: "time: %.3f s", seconds))
  return result
}

private let delBuiltin = Builtin(
  name: "del", category: "workspace", summary: "Delete a workspace variable (a builtin it hid is visible again).",
  details: "`train = fashion_mnist(\"train\")` hides the builtin `train`; `del train` removes the variable and `train(...)` is the builtin again.",
  parameters: [Parameter("name", .name, doc: "the variable, as a bare name: del x")],
  returns: "nil", example: "x = 1\ndel x"
) { args, interp in
  let name = try args.string("name")
  guard interp.globals.lookup(name) != nil else {
    let what = interp.registry[name] != nil ? "`\(name)` is a builtin, not a variable" : "there is no variable `\(name)`"
    throw args.error("nothing to delete: \(what)")
  }
  interp.globals.remove(name)
  interp.forgetGlobalBinding(name)
  if interp.registry[name] != nil { interp.output("`\(name)` is the builtin again") }
  return .nil
}

private let profileBuiltin = Builtin(
  name: "profile", category: "workspace",
  summary: "Call a function with no arguments, print where its time went (per op kind, forward and backward), return its result.",
  parameters: [Parameter("f", .callable, doc: "the function to profile, e.g. one training step")],
  returns: "the function's result",
  example: "net = cnn(width: 8)\ndef work() { return net(rand([16, 1, 28, 28])) }\nprofile work"
) { args, interp in
  var result = Value.nil
  let (_, rows, seconds) = try Profiler.run { result = try interp.call(args["f"], arguments: [], at: args.location) }
  interp.output(Profiler.table(rows, seconds: seconds))
  return result
}
