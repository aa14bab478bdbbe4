// Errors that user input can trigger inside the tensor engine. They are thrown, never trapped,
// so a bad line in the REPL prints a message instead of killing the session.

/// A problem with the shapes or values handed to a tensor operation.
public enum TensorError: Error, Equatable, CustomStringConvertible {
  case invalidShape([Int])
  case elementCountMismatch(shape: [Int], count: Int)
  case shapeMismatch(operation: String, [Int], [Int])
  case notBroadcastable([Int], [Int])
  case axisOutOfRange(axis: Int, rank: Int)
  case indexOutOfRange(index: Int, size: Int)
  case invalidArgument(String)

  public var description: String {
    switch self {
    case .invalidShape(let s): return "invalid shape \(s): dimensions must be non-negative"
    case .elementCountMismatch(let s, let c):
      return "shape \(s) needs \(s.reduce(1, *)) elements but \(c) were given"
    case .shapeMismatch(let op, let a, let b): return "\(op): shapes \(a) and \(b) do not match"
    case .notBroadcastable(let a, let b):
      return "shapes \(a) and \(b) cannot be broadcast together (sizes must match or be 1, aligned from the right)"
    case .axisOutOfRange(let axis, let rank): return "axis \(axis) is out of range for a tensor of rank \(rank)"
    case .indexOutOfRange(let i, let n): return "index \(i) is out of range for a dimension of size \(n)"
    case .invalidArgument(let m): return m
    }
  }
}
