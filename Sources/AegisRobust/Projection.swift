// The threat model's geometry: ε-ball projections, steps and random starts, in [0, 1] pixels.

import AegisTensor

enum Projection {
  /// Projects `adversarial` onto the ε-ball around `clean` and the [0, 1] box.
  static func project(_ adversarial: Tensor, around clean: Tensor, norm: Norm, epsilon: Float) -> Tensor {
    var out = adversarial.storage
    let x = clean.storage
    switch norm {
    case .linf:
      for i in 0..<out.count { out[i] = min(max(out[i], x[i] - epsilon), x[i] + epsilon) }
    case .l2:
      let per = clean.count / clean.shape[0]
      for b in 0..<clean.shape[0] {
        var norm2: Float = 0
        for i in (b * per)..<((b + 1) * per) { let d = out[i] - x[i]; norm2 += d * d }
        let n = norm2.squareRoot()
        if n > epsilon {
          let scale = epsilon / n
          for i in (b * per)..<((b + 1) * per) { out[i] = x[i] + (out[i] - x[i]) * scale }
        }
      }
    }
    for i in 0..<out.count { out[i] = min(max(out[i], 0), 1) }
    return Tensor(shape: clean.shape, storage: out)
  }

  /// One ascent step: sign of the gradient (L∞) or the per-example normalized gradient (L2).
  static func ascend(_ x: Tensor, gradient g: Tensor, norm: Norm, step: [Float]) -> Tensor {
    var out = x.storage
    let per = x.count / x.shape[0]
    for b in 0..<x.shape[0] {
      let range = (b * per)..<((b + 1) * per)
      switch norm {
      case .linf:
        for i in range { out[i] += step[b] * (g.storage[i] > 0 ? 1 : (g.storage[i] < 0 ? -1 : 0)) }
      case .l2:
        var n2: Float = 0
        for i in range { n2 += g.storage[i] * g.storage[i] }
        let inv = 1 / (n2.squareRoot() + 1e-12)
        for i in range { out[i] += step[b] * g.storage[i] * inv }
      }
    }
    return Tensor(shape: x.shape, storage: out)
  }

  /// A random point of the ball per example (uniform per coordinate for L∞; random direction
  /// and radius for L2), each example drawing from its own generator.
  static func randomStart(_ clean: Tensor, norm: Norm, epsilon: Float, rngs: inout [RandomGenerator]) -> Tensor {
    let per = clean.count / clean.shape[0]
    var out = clean.storage
    for b in 0..<clean.shape[0] {
      let range = (b * per)..<((b + 1) * per)
      switch norm {
      case .linf:
        for i in range { out[i] += epsilon * (2 * rngs[b].nextFloat() - 1) }
      case .l2:
        let direction = range.map { _ in rngs[b].nextNormal() }
        let n = direction.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        let radius = epsilon * rngs[b].nextFloat()
        for (k, i) in range.enumerated() { out[i] += direction[k] / max(n, 1e-12) * radius }
      }
    }
    return project(Tensor(shape: clean.shape, storage: out), around: clean, norm: norm, epsilon: epsilon)
  }

  /// One generator per example, seeded from the attack seed and the example's pixels, so an
  /// example gets the same randomness whatever batch it sits in.
  static func exampleGenerators(_ images: Tensor, seed: UInt64, stream: UInt64 = 0) -> [RandomGenerator] {
    let per = images.count / max(images.shape[0], 1)
    return (0..<images.shape[0]).map { b in
      var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
      for i in (b * per)..<((b + 1) * per) { h = (h ^ UInt64(images.storage[i].bitPattern)) &* 0x100_0000_01b3 }
      return RandomGenerator(seed: h &+ stream &* 0x9E37_79B9_7F4A_7C15)
    }
  }

  /// Checks an attack's output: inside the ball (float32 tolerance), inside the box, finite.
  static func validate(_ adversarial: Tensor, around clean: Tensor, norm: Norm, epsilon: Float, attack: String) throws {
    let tolerance: Float = 1e-5
    guard !adversarial.hasNonFinite else { throw AttackError("\(attack) produced NaN/Inf: the model's gradients are not finite") }
    let r = adversarial.range
    guard r.min >= 0, r.max <= 1 else { throw AttackError("internal: \(attack) left the [0,1] box (\(r))") }
    let per = clean.count / max(clean.shape[0], 1)
    for b in 0..<clean.shape[0] {
      var size: Float = 0
      for i in (b * per)..<((b + 1) * per) {
        let d = abs(adversarial.storage[i] - clean.storage[i])
        size = norm == .linf ? max(size, d) : size + d * d
      }
      if norm == .l2 { size = size.squareRoot() }
      guard size <= epsilon + tolerance else { throw AttackError("internal: \(attack) left the ε-ball (\(size) > \(epsilon))") }
    }
  }
}
