// Tensor builtins: creation (tensor, zeros, ones, full, arange, rand, randn) and shape work
// (shape, reshape, transpose, matmul, concat, stack). Every shape is validated here, before the
// tensor engine (which traps on internal misuse) sees it.

import AegisTensor

/// Registers the tensor family.
public func registerTensorBuiltins(into registry: BuiltinRegistry) {
  registry.register([tensorBuiltin, zerosBuiltin, onesBuiltin, fullBuiltin, arangeBuiltin, randBuiltin,
                     randnBuiltin, shapeBuiltin, reshapeBuiltin, transposeBuiltin, matmulBuiltin,
                     concatBuiltin, stackBuiltin])
}

private let shapeParameter = Parameter("shape", .shape, doc: "dimensions, e.g. [2, 3] (or one number)")

private let tensorBuiltin = Builtin(
  name: "tensor", category: "tensor", summary: "A tensor from a number or a (nested) list of numbers.",
  parameters: [Parameter("values", .tensor, doc: "a number, range, nested list of numbers, or tensor (copied)")],
  returns: "tensor", example: "tensor([[1, 2], [3, 4]])"
) { args, _ in .tensor(try args.tensor("values").detached()) }

private let zerosBuiltin = Builtin(
  name: "zeros", category: "tensor", summary: "A tensor filled with zeros.",
  parameters: [shapeParameter], returns: "tensor", example: "zeros([2, 3])"
) { args, _ in .tensor(Tensor.zeros(try args.shape("shape"))) }

private let onesBuiltin = Builtin(
  name: "ones", category: "tensor", summary: "A tensor filled with ones.",
  parameters: [shapeParameter], returns: "tensor", example: "ones(3)"
) { args, _ in .tensor(Tensor.ones(try args.shape("shape"))) }

private let fullBuiltin = Builtin(
  name: "full", category: "tensor", summary: "A tensor filled with one value.",
  parameters: [shapeParameter, Parameter("value", .number, doc: "the fill value")],
  returns: "tensor", example: "full([2, 2], 0.5)"
) { args, _ in .tensor(Tensor.full(try args.shape("shape"), Float(try args.number("value")))) }

private let arangeBuiltin = Builtin(
  name: "arange", category: "tensor", summary: "A 1-D tensor of evenly spaced values in [start, end).",
  parameters: [
    Parameter("start", .number, doc: "first value, or the end when `end` is omitted"),
    Parameter("end", .optional(.number), default: .nil, doc: "excluded bound"),
    Parameter("step", .number, default: .number(1), doc: "spacing (not zero)"),
  ],
  returns: "tensor", example: "arange(0, 1, 0.25)"
) { args, _ in
  let first = try args.number("start")
  let (start, end) = args.has("end") ? (first, try args.number("end")) : (0, first)
  let step = try args.number("step")
  guard step != 0, step.isFinite, start.isFinite, end.isFinite else { throw args.error("start, end and step must be finite and step non-zero") }
  // Computed from the index (not by repeated addition) so float rounding cannot stall it.
  let n = max(0, ((end - start) / step).rounded(.up))
  guard n <= Double(Value.maxTensorElements) else { throw args.error("too many elements (\(Value.format(n)))") }
  let values = (0..<Int(n)).map { Float(start + Double($0) * step) }
  return .tensor(Tensor(shape: [values.count], storage: values))
}

private let randBuiltin = Builtin(
  name: "rand", category: "tensor", summary: "Uniform random values in [low, high).",
  parameters: [
    shapeParameter,
    Parameter("low", .number, default: .number(0), doc: "lower bound"),
    Parameter("high", .number, default: .number(1), doc: "upper bound (excluded)"),
    Parameter("seed", .optional(.int), default: .nil, doc: "seed for this call; default: the session generator (see `seed`)"),
  ],
  returns: "tensor", example: "rand([2, 2], seed: 1)"
) { args, interp in
  var rng = try interp.generator(seed: args["seed"])
  return .tensor(Tensor.uniform(try args.shape("shape"), low: Float(try args.number("low")),
                                high: Float(try args.number("high")), rng: &rng))
}

private let randnBuiltin = Builtin(
  name: "randn", category: "tensor", summary: "Normally distributed random values.",
  parameters: [
    shapeParameter,
    Parameter("mean", .number, default: .number(0), doc: "mean"),
    Parameter("std", .number, default: .number(1), doc: "standard deviation"),
    Parameter("seed", .optional(.int), default: .nil, doc: "seed for this call; default: the session generator (see `seed`)"),
  ],
  returns: "tensor", example: "randn([2, 3]) * 2 + 1"
) { args, interp in
  var rng = try interp.generator(seed: args["seed"])
  return .tensor(Tensor.normal(try args.shape("shape"), mean: Float(try args.number("mean")),
                               std: Float(try args.number("std")), rng: &rng))
}

private let shapeBuiltin = Builtin(
  name: "shape", category: "tensor", summary: "The dimensions of a tensor, as a list.",
  parameters: [Parameter("t", .tensor, doc: "the tensor")], returns: "list", example: "shape(zeros([2, 3]))"
) { args, _ in .list(try args.tensor("t").shape.map { .number(Double($0)) }) }

private let reshapeBuiltin = Builtin(
  name: "reshape", category: "tensor", summary: "The same elements with a new shape (one dimension may be -1).",
  parameters: [Parameter("t", .tensor, doc: "the tensor"), Parameter("shape", .list, doc: "new dimensions, e.g. [3, -1]")],
  returns: "tensor", example: "reshape(arange(6), [2, -1])"
) { args, _ in
  let dims = try args.list("shape").map { try $0.asInt("reshape: dimension") }
  guard dims.allSatisfy({ $0 >= -1 }), dims.filter({ $0 == -1 }).count <= 1 else {
    throw args.error("dimensions must be non-negative, with at most one -1; got \(dims)")
  }
  _ = try Value.list(dims.filter { $0 != -1 }.map { .number(Double($0)) }).asShape("reshape: shape")
  do { return .tensor(try args.tensor("t").reshapedChecked(dims)) } catch let e as TensorError {
    throw LangError(e.description, at: args.location, usage: args.builtin.usage)
  }
}

private let transposeBuiltin = Builtin(
  name: "transpose", category: "tensor", summary: "Swap the axes of a matrix, or reorder axes with `axes:`.",
  parameters: [
    Parameter("t", .tensor, doc: "the tensor"),
    Parameter("axes", .optional(.list), default: .nil, doc: "new order of the axes, e.g. [0, 2, 1]"),
  ],
  returns: "tensor", example: "transpose(tensor([[1, 2, 3]]))"
) { args, _ in
  let t = try args.tensor("t")
  guard args.has("axes") else {
    guard t.rank == 2 else { throw args.error("needs a 2-D tensor (got shape \(t.shape)) or `axes:`") }
    return .tensor(t.transposed())
  }
  let order = try args.list("axes").map { try $0.asInt("transpose: axis") }.map { $0 < 0 ? $0 + t.rank : $0 }
  guard order.sorted() == Array(0..<t.rank) else {
    throw args.error("axes must be a permutation of 0..\(t.rank), got \(order)")
  }
  return .tensor(t.permuted(order))
}

private let matmulBuiltin = Builtin(
  name: "matmul", category: "tensor", summary: "Matrix product of [m, k] and [k, n] (or batched [b, m, k] and [b, k, n]); also `a @ b`.",
  parameters: [Parameter("a", .tensor, doc: "left matrix"), Parameter("b", .tensor, doc: "right matrix")],
  returns: "tensor", example: "matmul(ones([2, 3]), ones([3, 4]))"
) { args, _ in
  do { return .tensor(try Value.matrixProduct(try args.tensor("a"), try args.tensor("b"))) } catch let e as LangError {
    throw LangError(e.message, at: args.location, hint: e.hint, usage: args.builtin.usage)
  }
}

private let concatBuiltin = Builtin(
  name: "concat", category: "tensor", summary: "Join tensors along an existing axis.",
  parameters: [Parameter("tensors", .list, doc: "tensors with equal shapes except along `axis`"),
               Parameter("axis", .int, default: .number(0), doc: "the axis to join along")],
  returns: "tensor", example: "concat([ones([1, 2]), zeros([2, 2])])"
) { args, _ in
  let parts = try args.list("tensors").map { try $0.asTensor("concat: element") }
  guard let first = parts.first, first.rank > 0 else { throw args.error("needs a non-empty list of tensors of rank ≥ 1") }
  let axis = try normalizedAxis(try args.int("axis"), rank: first.rank, args)
  guard parts.reduce(0, { $0 + $1.count }) <= Value.maxTensorElements else { throw args.error("result is too large") }
  for p in parts where p.rank != first.rank || (0..<p.rank).contains(where: { $0 != axis && p.shape[$0] != first.shape[$0] }) {
    throw args.error("shapes \(first.shape) and \(p.shape) differ outside axis \(axis)")
  }
  return .tensor(Tensor.concat(parts, axis: axis))
}

private let stackBuiltin = Builtin(
  name: "stack", category: "tensor", summary: "Stack equal-shaped tensors along a new first axis.",
  parameters: [Parameter("tensors", .list, doc: "tensors of one shape")],
  returns: "tensor", example: "stack([ones(2), zeros(2)])"
) { args, _ in
  let parts = try args.list("tensors").map { try $0.asTensor("stack: element") }
  guard let first = parts.first else { throw args.error("needs a non-empty list of tensors") }
  guard parts.allSatisfy({ $0.shape == first.shape }) else { throw args.error("all tensors must have shape \(first.shape)") }
  guard parts.count * first.count <= Value.maxTensorElements else { throw args.error("result is too large") }
  return .tensor(Tensor.stack(parts))
}

/// `axis` normalized into 0..<rank, or an error naming the builtin.
func normalizedAxis(_ axis: Int, rank: Int, _ args: BoundArguments) throws -> Int {
  let a = axis < 0 ? axis + rank : axis
  guard rank > 0, a >= 0, a < rank else { throw args.error("axis \(axis) is out of range for a tensor of rank \(rank)") }
  return a
}
