// Binary operators on values: numbers, strings (+ and comparisons), lists (+ and equality), and
// tensors with NumPy broadcasting (numbers and lists mix in as tensors). Shapes are checked
// before the tensor engine is called, so a mismatch is a message, not a trap.

import AegisTensor

extension Value {
  /// Applies `op`; errors carry no location (the interpreter adds the operator's).
  public static func binary(_ op: BinaryOperator, _ l: Value, _ r: Value) throws -> Value {
    if op == .matmul {
      return .tensor(try matrixProduct(try l.asTensor("left operand of `@`"), try r.asTensor("right operand of `@`")))
    }
    switch (l, r) {
    case (.number(let a), .number(let b)): return numeric(op, a, b)
    case (.tensor, _), (_, .tensor):
      return try tensorBinary(op, l, r)
    case (.string(let a), .string(let b)):
      if op == .add {
        guard a.utf8.count + b.utf8.count <= maxListLength else { throw LangError("`+`: string would be too long") }
        return .string(a + b)
      }
      if let c = compareOrdered(op, a, b) { return .bool(c) }
    case (.list(let a), .list(let b)) where op == .add:
      guard a.count + b.count <= maxListLength else { throw LangError("`+`: list would be too long") }
      return .list(a + b)
    default:
      break
    }
    if op == .equal { return .bool(equal(l, r)) }
    if op == .notEqual { return .bool(!equal(l, r)) }
    throw LangError("cannot apply `\(op.rawValue)` to \(l.shortDescription) and \(r.shortDescription)")
  }

  static func numeric(_ op: BinaryOperator, _ a: Double, _ b: Double) -> Value {
    switch op {
    case .add: return .number(a + b)
    case .subtract: return .number(a - b)
    case .multiply: return .number(a * b)
    case .divide: return .number(a / b)
    case .power: return .number(Foundation.pow(a, b))
    case .modulo: return .number(a - b * (a / b).rounded(.down))  // floored, like Python
    case .equal: return .bool(a == b)
    case .notEqual: return .bool(a != b)
    default: return .bool(compareOrdered(op, a, b) ?? false)
    }
  }

  static func compareOrdered<T: Comparable>(_ op: BinaryOperator, _ a: T, _ b: T) -> Bool? {
    switch op {
    case .less: return a < b
    case .lessEqual: return a <= b
    case .greater: return a > b
    case .greaterEqual: return a >= b
    default: return nil
    }
  }

  /// Structural equality (tensors by shape and elements, objects and functions by identity).
  public static func equal(_ l: Value, _ r: Value) -> Bool {
    switch (l, r) {
    case (.number(let a), .number(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.bool(let a), .bool(let b)): return a == b
    case (.nil, .nil): return true
    case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
    case (.range(let a), .range(let b)): return a == b
    case (.range(let a), .list): return a.count <= 1 << 20 && equal(.list(a.values), r)
    case (.list, .range(let b)): return b.count <= 1 << 20 && equal(l, .list(b.values))
    case (.tensor(let a), .tensor(let b)): return a === b || (a.shape == b.shape && a.storage == b.storage)
    case (.function(let a), .function(let b)): return a === b
    case (.builtin(let a), .builtin(let b)): return a.name == b.name
    case (.object(let a), .object(let b)): return a === b
    default: return false
    }
  }

  // MARK: - Tensors

  static func tensorBinary(_ op: BinaryOperator, _ l: Value, _ r: Value) throws -> Value {
    let a = try l.asTensor("left operand of `\(op.rawValue)`")
    let b = try r.asTensor("right operand of `\(op.rawValue)`")
    let shape: [Int]
    do {
      shape = try Tensor.broadcastShape(a.shape, b.shape)
    } catch {
      throw LangError("`\(op.rawValue)`: shapes \(a.shape) and \(b.shape) cannot be broadcast together (sizes must match or be 1, aligned from the right)")
    }
    guard shape.reduce(1, *) <= maxTensorElements else {
      throw LangError("`\(op.rawValue)`: result shape \(shape) is too large")
    }
    switch op {
    case .add: return .tensor(a + b)
    case .subtract: return .tensor(a - b)
    case .multiply: return .tensor(a * b)
    case .matmul: return .tensor(try matrixProduct(a, b))  // handled in `binary`; kept for exhaustiveness
    case .divide: return .tensor(a / b)
    case .power: return .tensor(power(a, b, shape))
    case .modulo: return .tensor(modulo(a, b, shape))
    case .equal: return .tensor(a.compare(b, ==))
    case .notEqual: return .tensor(a.compare(b, !=))
    case .less: return .tensor(a.compare(b, <))
    case .lessEqual: return .tensor(a.compare(b, <=))
    case .greater: return .tensor(a.compare(b, >))
    case .greaterEqual: return .tensor(a.compare(b, >=))
    }
  }

  /// `a @ b` and `matmul(a, b)`: [m, k] × [k, n] or batched [b, m, k] × [b, k, n], checked.
  public static func matrixProduct(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    guard (a.rank == 2 && b.rank == 2) || (a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0]),
          a.shape[a.rank - 1] == b.shape[b.rank - 2] else {
      throw LangError(TensorError.shapeMismatch(operation: "matmul", a.shape, b.shape).description,
                      hint: "matmul and `@` take [m, k] and [k, n] (or [b, m, k] and [b, k, n])")
    }
    let batch = a.rank == 3 ? a.shape[0] : 1
    let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
    let outShape = a.rank == 3 ? [batch, m, n] : [m, n]
    guard Double(batch) * Double(m) * Double(n) <= Double(maxTensorElements) else {
      throw LangError("matmul: result shape \(outShape) is too large")
    }
    // BLAS rejects zero-sized operands (leading dimension 0); the product is all zeros anyway.
    if m == 0 || n == 0 || k == 0 { return Tensor.zeros(outShape) }
    return a.matmul(b)
  }

  /// `a ^ b`: a power rule for a constant one-element exponent; exp(b·log a) (differentiable in
  /// both) for a positive base; otherwise elementwise without gradient (negative bases with
  /// non-integer exponents have no real derivative anyway).
  static func power(_ a: Tensor, _ b: Tensor, _ shape: [Int]) -> Tensor {
    if b.count == 1 && !b.requiresGrad {
      let p = a.pow(b.storage[0])
      return p.shape == shape ? p : p.expanded(to: shape)
    }
    if (a.requiresGrad || b.requiresGrad) && a.storage.allSatisfy({ $0 > 0 }) {
      let p = (b * a.log()).exp()
      return p.shape == shape ? p : p.expanded(to: shape)
    }
    return elementwise(a, b, shape) { Foundation.powf($0, $1) }
  }

  /// `a % b` floored as Python: a - b·floor(a / b), with the quotient held constant, so the
  /// gradient is 1 for a and -floor(a / b) for b (exact away from the jumps).
  static func modulo(_ a: Tensor, _ b: Tensor, _ shape: [Int]) -> Tensor {
    let quotient = elementwise(a, b, shape) { x, y in (x / y).rounded(.down) }
    let r = a - b * quotient
    return r.shape == shape ? r : r.expanded(to: shape)
  }

  /// Applies `f` over the broadcast of `a` and `b` (no gradient).
  static func elementwise(_ a: Tensor, _ b: Tensor, _ shape: [Int], _ f: (Float, Float) -> Float) -> Tensor {
    let x = a.detached().expanded(to: shape), y = b.detached().expanded(to: shape)
    var out = [Float](repeating: 0, count: x.count)
    for i in 0..<out.count { out[i] = f(x.storage[i], y.storage[i]) }
    return Tensor(shape: shape, storage: out)
  }
}

import Foundation
