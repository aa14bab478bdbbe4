// Printing: dtype and shape, then a body truncated with … past a threshold (only shown
// elements are formatted), summary statistics for big tensors, NaN/Inf flagged.

extension Tensor: CustomStringConvertible {
  public var description: String { formatted() }

  /// Text form of the tensor; at most `edgeItems` leading and trailing entries per axis.
  public func formatted(edgeItems: Int = 3, threshold: Int = 64) -> String {
    var text = "Tensor \(shape) float32"
    let nonFinite = storage.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
    if nonFinite > 0 { text += "  ⚠ \(nonFinite) NaN/Inf" }
    if count > threshold {
      let finite = storage.filter(\.isFinite)
      let mean = finite.isEmpty ? 0 : finite.reduce(0, +) / Float(finite.count)
      let r = range
      text += String(format: "  min %.4g  max %.4g  mean %.4g", r.min, r.max, mean)
    }
    if rank == 0 { return text + "\n" + Tensor.formatNumber(storage[0]) }
    var body = ""
    formatAxis(0, offset: 0, indent: 0, truncate: count > threshold, edge: edgeItems, into: &body)
    return text + "\n" + body
  }

  static func formatNumber(_ v: Float) -> String {
    if v.isNaN { return "nan" }
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    if v != 0 && (Swift.abs(v) >= 1e5 || Swift.abs(v) < 1e-4) { return String(format: "% .4e", v) }
    return String(format: "% .4f", v)
  }

  private func formatAxis(_ axis: Int, offset: Int, indent: Int, truncate: Bool, edge: Int, into out: inout String) {
    let n = shape[axis]
    let stride = shape[(axis + 1)...].reduce(1, *)
    let shown: [Int?] = (truncate && n > 2 * edge)
      ? Array(0..<edge).map { Optional($0) } + [nil] + Array((n - edge)..<n).map { Optional($0) }
      : Array(0..<n).map { Optional($0) }
    out += "["
    if axis == rank - 1 {
      out += shown.map { $0.map { Tensor.formatNumber(storage[offset + $0]) } ?? "…" }.joined(separator: ", ")
    } else {
      for (k, i) in shown.enumerated() {
        if k > 0 { out += ",\n" + String(repeating: " ", count: indent + 1) }
        if let i {
          formatAxis(axis + 1, offset: offset + i * stride, indent: indent + 1, truncate: truncate, edge: edge, into: &out)
        } else {
          out += "…"
        }
      }
    }
    out += "]"
  }
}

import Foundation
