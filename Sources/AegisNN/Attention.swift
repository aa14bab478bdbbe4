// Multi-head self-attention and a post-norm transformer encoder layer (the Selfie task's
// attention pooling; method.md §3.3).

import AegisTensor

/// Multi-head self-attention over [B, T, D] sequences.
public final class MultiHeadSelfAttention: Layer {
  public let heads: Int
  let query: Linear, key: Linear, value: Linear, output: Linear

  public init(dimension: Int, heads: Int, rng: inout RandomGenerator) {
    self.heads = heads
    query = Linear(inputSize: dimension, outputSize: dimension, rng: &rng)
    key = Linear(inputSize: dimension, outputSize: dimension, rng: &rng)
    value = Linear(inputSize: dimension, outputSize: dimension, rng: &rng)
    output = Linear(inputSize: dimension, outputSize: dimension, rng: &rng)
  }

  public override func forward(_ x: Tensor) -> Tensor {
    let b = x.shape[0], t = x.shape[1], d = x.shape[2], dk = d / heads
    let flat = x.reshaped([b * t, d])
    // [B*T, D] → [B, T, H, dk] → [B, H, T, dk] → [B*H, T, dk]
    func split(_ y: Tensor) -> Tensor { y.reshaped([b, t, heads, dk]).permuted([0, 2, 1, 3]).reshaped([b * heads, t, dk]) }
    let q = split(query(flat)), k = split(key(flat)), v = split(value(flat))
    let scores = q.matmul(k, transposeOther: true) * (1 / Float(dk).squareRoot())
    let attended = scores.softmax().matmul(v)
    let merged = attended.reshaped([b, heads, t, dk]).permuted([0, 2, 1, 3]).reshaped([b * t, d])
    return output(merged).reshaped([b, t, d])
  }

  public override var children: [(name: String, layer: Layer)] {
    [("q", query), ("k", key), ("v", value), ("out", output)]
  }
  public override var summary: String { "MultiHeadSelfAttention(\(query.weight.shape[0]), \(heads) heads)" }
}

/// x = LN(x + Drop(Attn(x))); x = LN(x + Drop(FFN(x))), FFN = Linear → GELU → Linear.
public final class TransformerEncoderLayer: Layer {
  let attention: MultiHeadSelfAttention
  let norm1: LayerNorm, norm2: LayerNorm
  let ff1: Linear, ff2: Linear
  let dropout1: Dropout, dropout2: Dropout

  public init(dimension: Int, heads: Int, hidden: Int, dropout: Float = 0.1, rng: inout RandomGenerator) {
    attention = MultiHeadSelfAttention(dimension: dimension, heads: heads, rng: &rng)
    norm1 = LayerNorm(dimension)
    norm2 = LayerNorm(dimension)
    ff1 = Linear(inputSize: dimension, outputSize: hidden, rng: &rng)
    ff2 = Linear(inputSize: hidden, outputSize: dimension, rng: &rng)
    dropout1 = Dropout(rate: dropout, seed: rng.next())
    dropout2 = Dropout(rate: dropout, seed: rng.next())
  }

  public override func forward(_ x: Tensor) -> Tensor {
    let b = x.shape[0], t = x.shape[1], d = x.shape[2]
    let h = norm1(x + dropout1(attention(x)))
    let ff = ff2(ff1(h.reshaped([b * t, d])).gelu()).reshaped([b, t, d])
    return norm2(h + dropout2(ff))
  }

  public override var children: [(name: String, layer: Layer)] {
    [("attn", attention), ("norm1", norm1), ("ff1", ff1), ("ff2", ff2), ("norm2", norm2), ("drop1", dropout1), ("drop2", dropout2)]
  }
  public override var summary: String { "TransformerEncoderLayer" }
}
