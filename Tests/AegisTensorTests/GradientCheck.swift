// Finite-difference gradient checking shared by the tensor tests.

import AegisTensor
import XCTest

/// Compares autodiff gradients of `sum(f(inputs) · R)` (R a fixed random projection) with
/// central differences, for every element of every input.
func assertGradientsMatch(
  _ inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-2,
  file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor
) {
  for t in inputs { t.requiresGrad = true }
  var rng = RandomGenerator(seed: 99)
  let probe = f(inputs)
  let projection = Tensor.normal(probe.shape, rng: &rng)
  func loss(_ xs: [Tensor]) -> Tensor { (f(xs) * projection).sum() }
  let analytic = gradients(of: loss(inputs), wrt: inputs)
  for (k, t) in inputs.enumerated() {
    for i in 0..<t.count {
      let saved = t.storage[i]
      t.storage[i] = saved + step
      let plus = withoutGrad { loss(inputs).scalar }
      t.storage[i] = saved - step
      let minus = withoutGrad { loss(inputs).scalar }
      t.storage[i] = saved
      let numeric = (plus - minus) / (2 * step)
      let a = analytic[k].storage[i]
      let scale = max(1, abs(numeric), abs(a))
      if abs(numeric - a) / scale > tolerance {
        XCTFail("input \(k) element \(i): autodiff \(a) vs finite difference \(numeric)", file: file, line: line)
        return
      }
    }
  }
}

func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
  var rng = RandomGenerator(seed: seed)
  return Tensor.uniform(shape, low: low, high: high, rng: &rng)
}
