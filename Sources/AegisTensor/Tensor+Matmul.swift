// Matrix products through OpenBLAS `cblas_sgemm`, optionally batched over a leading axis.

import CBLAS

/// OpenBLAS runs single-threaded: Aegis splits work over the cores itself, and concurrent calls
/// into a multi-threaded OpenBLAS from several threads race and return wrong results.
let singleThreadedBLAS: Void = { openblas_set_num_threads(1) }()

/// C[m×n] = alpha·op(A)·op(B) + beta·C on raw row-major buffers.
@inline(__always)
func sgemm(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
  _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
  beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int
) {
  _ = singleThreadedBLAS
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
    Profiler.measure("matmul", flops: 2 * Double(batch * m * n * k)) {
      a.storage.withUnsafeBufferPointer { pa in
        b.storage.withUnsafeBufferPointer { pb in
          out.withUnsafeMutableBufferPointer { po in
            let a0 = pa.baseAddress!, b0 = pb.baseAddress!, c0 = po.baseAddress!
            if batch == 1 && m * n * k >= 1 << 18 && m >= 2 * Parallel.workers {
              // One large product: split the rows of the result over the cores.
              let rows = (m + Parallel.workers - 1) / Parallel.workers
              Parallel.forEach(Parallel.workers) { w in
                let lo = w * rows, hi = Swift.min(m, lo + rows)
                guard lo < hi else { return }
                // Row r of op(A) starts at A + r·lda (plain) or at column r, A + r (transposed).
                sgemm(transA: tA, transB: tB, m: hi - lo, n: n, k: k,
                      a0 + (tA ? lo : lo * ac), lda: ac, b0, ldb: bc, c0 + lo * n, ldc: n)
              }
            } else {
              Parallel.forEach(batch) { i in
                sgemm(transA: tA, transB: tB, m: m, n: n, k: k,
                      a0 + i * ar * ac, lda: ac, b0 + i * br * bc, ldb: bc, c0 + i * m * n, ldc: n)
              }
            }
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
