// Math builtins: elementwise functions (numbers stay numbers, tensors stay tensors), reductions
// (sum, mean, max, min, argmax, all, any), softmax, clamp and `grad`, which differentiates a
// user function through AegisTensor's reverse-mode autodiff.

import AegisTensor
import Foundation

/// Registers the math family.
public func registerMathBuiltins(into registry: BuiltinRegistry) {
  registry.register([
    unary("exp", "e raised to x, elementwise.", "exp(1)", Foundation.exp) { $0.exp() },
    unary("log", "Natural logarithm, elementwise.", "log(tensor([1, 10, 100]))", Foundation.log) { $0.log() },
    unary("sqrt", "Square root, elementwise.", "sqrt(2)", Foundation.sqrt) { $0.sqrt() },
    unary("abs", "Absolute value, elementwise.", "abs(tensor([-1, 2]))", Swift.abs) { $0.abs() },
    unary("relu", "max(x, 0), elementwise.", "relu(tensor([-1, 0.5]))", { Swift.max($0, 0) }) { $0.relu() },
    unary("tanh", "Hyperbolic tangent, elementwise.", "tanh(0.5)", Foundation.tanh) { $0.tanh() },
    unary("floor", "Largest whole number ≤ x, elementwise (no gradient).", "floor(2.7)", Foundation.floor) { elementwise($0, Foundation.floor) },
    unary("round", "Nearest whole number, elementwise (no gradient).", "round(2.5)", { $0.rounded() }) { elementwise($0) { $0.rounded() } },
    unary("sigmoid", "1 / (1 + exp(-x)), elementwise.", "sigmoid(tensor([0, 2]))", { 1 / (1 + Foundation.exp(-$0)) }) { $0.sigmoid() },
    reduction("sum", "Sum of all elements, or along one axis.", "sum(tensor([[1, 2], [3, 4]]), axis: 0)") { t, axes in t.sum(axes: axes) },
    reduction("mean", "Mean of all elements, or along one axis.", "mean(tensor([1, 2, 3, 4]))") { t, axes in t.mean(axes: axes) },
    extremum("max", "Largest value: of numbers, of a list, of a tensor (or along an axis), or elementwise of tensors.", largest: true),
    extremum("min", "Smallest value: of numbers, of a list, of a tensor (or along an axis), or elementwise of tensors.", largest: false),
    argmaxBuiltin, softmaxBuiltin, clampBuiltin, gradBuiltin,
    truthReduction("all", "Whether every element is non-zero (true).", "all(tensor([1, 2]) > 0)") { $0.allSatisfy { $0 != 0 } },
    truthReduction("any", "Whether some element is non-zero (true).", "any(tensor([0, 3]) > 2)") { $0.contains { $0 != 0 } },
  ])
}

private let numberOrTensor = ParameterType.oneOf([.number, .tensor])

/// A non-differentiable elementwise map.
private func elementwise(_ t: Tensor, _ f: (Double) -> Double) -> Tensor {
  Tensor(shape: t.shape, storage: t.storage.map { Float(f(Double($0))) })
}

/// An elementwise function: a number gives a number, anything tensor-like gives a tensor.
private func unary(_ name: String, _ summary: String, _ example: String, _ number: @escaping (Double) -> Double,
                   tensor: @escaping (Tensor) -> Tensor) -> Builtin {
  Builtin(name: name, category: "math", summary: summary,
          parameters: [Parameter("x", numberOrTensor, doc: "a number, or a tensor (lists are converted)")],
          returns: "number or tensor", example: example) { args, _ in
    if case .number(let x) = args["x"] { return .number(number(x)) }
    return .tensor(tensor(try args.tensor("x")))
  }
}

private func reduction(_ name: String, _ summary: String, _ example: String,
                       _ reduce: @escaping (Tensor, [Int]) -> Tensor) -> Builtin {
  Builtin(name: name, category: "math", summary: summary,
          details: "Without `axis` the result is a 0-d tensor (use `num(x)` or `x.item` for a number); gradients flow through it.",
          parameters: [Parameter("t", .tensor, doc: "the tensor (lists are converted)"),
                       Parameter("axis", .optional(.int), default: .nil, doc: "axis to reduce (negative counts from the end)")],
          returns: "tensor", example: example) { args, _ in
    let t = try args.tensor("t")
    guard let axis = try args.optionalInt("axis") else { return .tensor(reduce(t, [])) }
    return .tensor(reduce(t, [try normalizedAxis(axis, rank: t.rank, args)]))
  }
}

private func truthReduction(_ name: String, _ summary: String, _ example: String,
                            _ test: @escaping ([Float]) -> Bool) -> Builtin {
  Builtin(name: name, category: "math", summary: summary,
          parameters: [Parameter("t", .tensor, doc: "a tensor, e.g. a comparison result")],
          returns: "bool", example: example) { args, _ in .bool(test(try args.tensor("t").storage)) }
}

private func extremum(_ name: String, _ summary: String, largest: Bool) -> Builtin {
  Builtin(name: name, category: "math", summary: summary,
          parameters: [Parameter("values", .any, doc: "numbers, one list, one tensor, or several tensors"),
                       Parameter("axis", .optional(.int), default: .nil, doc: "with one tensor: reduce along this axis")],
          returns: "number or tensor", example: "\(name)(3, 7, 5)\n\(name)(tensor([[1, 9], [4, 2]]), axis: 1)", variadic: true) { args, _ in
    var values = try args.list("values")
    if values.count == 1, case .tensor(let t) = values[0] { return .tensor(try reduceExtremum(t, args, largest: largest)) }
    if values.count == 1, case .list = values[0] { values = try values[0].asList(name) }
    if values.count == 1, case .range = values[0] { values = try values[0].asList(name) }
    guard !values.isEmpty else { throw args.error("needs at least one value") }
    guard !args.has("axis") else { throw args.error("`axis:` needs exactly one tensor") }
    if values.allSatisfy({ if case .number = $0 { return true } else { return false } }) {
      let xs = try values.map { try $0.asNumber(name) }
      return .number((largest ? xs.max() : xs.min()) ?? 0)
    }
    return .tensor(try elementwiseExtremum(values, args, largest: largest))
  }
}

private func reduceExtremum(_ t: Tensor, _ args: BoundArguments, largest: Bool) throws -> Tensor {
  guard t.count > 0 else { throw args.error("the tensor is empty") }
  guard let axis = try args.optionalInt("axis") else {
    let flat = t.reshaped([t.count])
    return largest ? differentiableMax(flat, axis: 0) : -differentiableMax(-flat, axis: 0)
  }
  let a = try normalizedAxis(axis, rank: t.rank, args)
  return largest ? differentiableMax(t, axis: a) : -differentiableMax(-t, axis: a)
}

/// The maximum along `axis` as a masked sum, so the gradient reaches the (first) largest
/// element, as PyTorch's max does; the engine's own `max(axis:)` is a constant.
private func differentiableMax(_ t: Tensor, axis: Int) -> Tensor {
  let winners = t.argmax(axis: axis)
  let n = t.shape[axis], inner = t.shape[(axis + 1)...].reduce(1, *)
  var mask = [Float](repeating: 0, count: t.count)
  for (flat, k) in winners.enumerated() {
    let outer = flat / inner, i = flat % inner
    mask[(outer * n + k) * inner + i] = 1
  }
  return (t * Tensor(shape: t.shape, storage: mask)).sum(axes: [axis])
}

private func elementwiseExtremum(_ values: [Value], _ args: BoundArguments, largest: Bool) throws -> Tensor {
  var result = try values[0].asTensor("\(args.builtin.name): value")
  for v in values.dropFirst() {
    let t = try v.asTensor("\(args.builtin.name): value")
    guard (try? Tensor.broadcastShape(result.shape, t.shape)) != nil else {
      throw args.error("shapes \(result.shape) and \(t.shape) cannot be broadcast together")
    }
    result = largest ? result.maximum(t) : result.minimum(t)
  }
  return result
}

private let argmaxBuiltin = Builtin(
  name: "argmax", category: "math", summary: "Index of the largest element (flat), or indices along an axis.",
  parameters: [Parameter("t", .tensor, doc: "the tensor"),
               Parameter("axis", .optional(.int), default: .nil, doc: "axis to search; omitted: the flattened tensor")],
  returns: "number or tensor", example: "argmax(tensor([[1, 9], [4, 2]]), axis: 1)"
) { args, _ in
  let t = try args.tensor("t")
  guard t.count > 0 else { throw args.error("the tensor is empty") }
  guard let axis = try args.optionalInt("axis") else {
    let best = t.storage.indices.max { t.storage[$0] < t.storage[$1] || (t.storage[$0] == t.storage[$1] && $0 > $1) } ?? 0
    return .number(Double(best))
  }
  let a = try normalizedAxis(axis, rank: t.rank, args)
  var shape = t.shape
  shape.remove(at: a)
  return .tensor(Tensor(shape: shape, storage: t.argmax(axis: a).map(Float.init)))
}

private let softmaxBuiltin = Builtin(
  name: "softmax", category: "math", summary: "exp(x) / sum(exp(x)) along an axis (the last by default).",
  parameters: [Parameter("t", .tensor, doc: "logits"), Parameter("axis", .int, default: .number(-1), doc: "the axis that sums to 1")],
  returns: "tensor", example: "softmax(tensor([1, 2, 3]))"
) { args, _ in
  let t = try args.tensor("t")
  let a = try normalizedAxis(try args.int("axis"), rank: t.rank, args)
  if a == t.rank - 1 { return .tensor(t.softmax()) }
  var order = Array(0..<t.rank)
  order.swapAt(a, t.rank - 1)
  return .tensor(t.permuted(order).softmax().permuted(order))
}

private let clampBuiltin = Builtin(
  name: "clamp", category: "math", summary: "Limit values to [low, high], elementwise.",
  parameters: [Parameter("t", .tensor, doc: "the tensor"), Parameter("low", .number, doc: "lower bound"),
               Parameter("high", .number, doc: "upper bound")],
  returns: "tensor", example: "clamp(tensor([-1, 0.5, 2]), 0, 1)"
) { args, _ in
  let low = try args.number("low"), high = try args.number("high")
  guard low <= high else { throw args.error("low (\(Value.format(low))) is above high (\(Value.format(high)))") }
  return .tensor(try args.tensor("t").clamped(Float(low), Float(high)))
}

private let gradBuiltin = Builtin(
  name: "grad", category: "math", summary: "Gradient of a function returning a one-element tensor, with respect to x.",
  details: "Calls f(x) on a copy of x that records operations, then runs reverse-mode differentiation. "
    + "The gradient has x's shape; it is zero where f does not depend on x.",
  parameters: [Parameter("f", .callable, doc: "a function of one tensor returning a one-element tensor"),
               Parameter("x", .tensor, doc: "the point at which to differentiate")],
  returns: "tensor", example: "def f(x) { return sum(x ^ 2) }\ngrad(f, tensor([1, 2, 3]))"
) { args, interp in
  let x = try args.tensor("x")
  let leaf = Tensor(shape: x.shape, storage: x.storage, requiresGrad: true)
  let result = try withGradMode(true) { try interp.call(args["f"], arguments: [.tensor(leaf)], at: args.location) }
  guard case .tensor(let y) = result, y.count == 1 else {
    throw args.error("f must return a one-element tensor, got \(result.shortDescription)",
                     hint: "reduce the result, e.g. `return sum(...)`, and compute it from the argument")
  }
  let g = gradients(of: y.reshaped([]), wrt: [leaf])[0]
  return .tensor(g.detached())
}
