// Matrix products through OpenBLAS `cblas_sgemm`, optionally batched over a leading axis.

import CBLAS

/// C[m×n] = alpha·op(A)·op(B) + beta·C on raw row-major buffers.
@inline(__always)
func sgemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
  _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
  cblas_sgemm(
    CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

extension Tensor {
  /// op(self)·op(other) for rank-2 `[m, k]·[k, n]` or batched rank-3 `[B, m, k]·[B, k, n]`.
  /// `transposeSelf`/`transposeOther` use the transposed matrices without copying.
  public func matmul(_ other: Tensor, transposeSelf tA: Bool = false, transposeOther tB: Bool = false) -> Tensor {
    let a = self, b = other
    let batched = a.rank == 3
    let batch = batched ? a.shape[0] : 1
    let ar = a.shape[a.rank - 2], ac = a.shape[a.rank - 1]
    let br = b.shape[b.rank - 2], bc = b.shape[b.rank - 1]
    let m = tA ? ac : ar, k = tA ? ar : ac, n = tB ? br : bc
    precondition((tB ? bc : br) == k, "internal: matmul \(a.shape) x \(b.shape)")
    var out = [Float](repeating: 0, count: batch * m * n)
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        out.withUnsafeMutableBufferPointer { po in
          for i in 0..<batch {
            sgemm(transA: tA, transB: tB, m: m, n: n, k: k,
                  pa.baseAddress! + i * ar * ac, lda: ac, pb.baseAddress! + i * br * bc, ldb: bc,
                  po.baseAddress! + i * m * n, ldc: n)
          }
        }
      }
    }
    let outShape = batched ? [batch, m, n] : [m, n]
    return Tensor(shape: outShape, storage: out).recorded("matmul", [a, b]) { g in
      // d op(A) = g·op(B)ᵀ and d op(B) = op(A)ᵀ·g, each transposed back when op is a transpose.
      let ga: Tensor? = a.requiresGrad
        ? (tA ? b.matmul(g, transposeSelf: tB, transposeOther: true) : g.matmul(b, transposeOther: !tB))
        : nil
      let gb: Tensor? = b.requiresGrad
        ? (tB ? g.matmul(a, transposeSelf: true, transposeOther: tA) : a.matmul(g, transposeSelf: !tA))
        : nil
      return [ga, gb]
    }
  }

  /// Checked matrix product for user input.
  public func matmulChecked(_ other: Tensor) throws -> Tensor {
    guard (rank == 2 && other.rank == 2) || (rank == 3 && other.rank == 3 && shape[0] == other.shape[0]),
          shape[rank - 1] == other.shape[other.rank - 2]
    else { throw TensorError.shapeMismatch(operation: "matmul", shape, other.shape) }
    return matmul(other)
  }
}
