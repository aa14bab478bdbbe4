// The Selfie head (method.md §3.3): attention pooling of the visible patch features by a
// transformer encoder with a learned prepended token u0, position embeddings (row + column) on
// the queries only, and dot-product scores against the masked patches' features. It is owned by
// the task and discarded after pretraining; only the backbone (θp) is transferred.

import AegisNN
import AegisTensor

/// Selfie's attention pooling and patch classifier (θpc of the Selfie task).
public final class SelfieHead: Layer, PretextHead {
  public let grid: PatchGrid
  /// Size of a patch feature from the backbone, and the transformer width.
  public let featureSize: Int, dimension: Int
  /// The prepended token u0 `[1, 1, d]` (zero-initialized, as the official code).
  public let token: Tensor
  /// Row and column embeddings `[side, d]` (row ~ N(0, 1), column zeros, as the official code).
  public let rowEmbedding: Tensor, columnEmbedding: Tensor
  public let encoder: [TransformerEncoderLayer]
  /// Learned projection of patch features to `dimension`, when the two differ.
  public let projection: Linear?
  public let officialDoubleSoftmax: Bool

  init(grid: PatchGrid, featureSize: Int, dimension: Int, layers: Int, heads: Int, hiddenSize: Int, dropout: Float,
       officialDoubleSoftmax: Bool, rng: inout RandomGenerator) {
    self.grid = grid
    self.featureSize = featureSize
    self.dimension = dimension
    self.officialDoubleSoftmax = officialDoubleSoftmax
    projection = featureSize == dimension ? nil : Linear(inputSize: featureSize, outputSize: dimension, rng: &rng)
    encoder = (0..<layers).map { _ in
      TransformerEncoderLayer(dimension: dimension, heads: heads, hidden: hiddenSize, dropout: dropout, rng: &rng)
    }
    token = Tensor.zeros([1, 1, dimension])
    rowEmbedding = Tensor.normal([grid.rows, dimension], rng: &rng)
    columnEmbedding = Tensor.zeros([grid.columns, dimension])
    for t in [token, rowEmbedding, columnEmbedding] { t.requiresGrad = true }
  }

  /// Scores `[N·m, m]`: row (i, q) scores query q of image i against image i's m masked patches.
  public func scores(_ model: Model, inputs: Tensor, batch: PretextBatch) -> Tensor {
    let n = inputs.shape[0], m = batch.maskedPositions.count
    let features = patchFeatures(model, inputs)
    let candidates = gather(features, n, batch.maskedPositions)
    let pooled = pool(gather(features, n, batch.visiblePositions))
    let queries = pooled.reshaped([n, 1, dimension]) + positionEmbedding(batch.maskedPositions).reshaped([1, m, dimension])
    return queries.matmul(candidates, transposeOther: true).reshaped([n * m, m])
  }

  /// Cross-entropy per query, or the official double softmax (CE of softmax probabilities).
  public func rowLosses(_ scores: Tensor, batch: PretextBatch) -> Tensor {
    (officialDoubleSoftmax ? scores.softmax() : scores).crossEntropyPerExample(batch.labels)
  }

  /// Backbone features of every patch, globally average-pooled (and projected): `[N·16, d]`.
  func patchFeatures(_ model: Model, _ images: Tensor) -> Tensor {
    let pooled = model.pooledFeatures(grid.splitUnchecked(images))
    return projection.map { $0(pooled) } ?? pooled
  }

  /// Rows `positions` of every image: `[N, positions.count, d]`.
  func gather(_ features: Tensor, _ n: Int, _ positions: [Int]) -> Tensor {
    let rows = (0..<n).flatMap { i in positions.map { grid.row(image: i, position: $0) } }
    return features.gatherRows(rows).reshaped([n, positions.count, dimension])
  }

  /// Transformer over [u0, visible patches]; the output at the token is the pooled vector `[N, d]`.
  func pool(_ visible: Tensor) -> Tensor {
    let n = visible.shape[0]
    var sequence = Tensor.concat([token.expanded(to: [n, 1, dimension]), visible], axis: 1)
    for layer in encoder { sequence = layer(sequence) }
    return sequence.slice(axis: 1, 0..<1).reshaped([n, dimension])
  }

  /// row_emb[p / side] + col_emb[p % side] for each position: `[m, d]`.
  func positionEmbedding(_ positions: [Int]) -> Tensor {
    rowEmbedding.gatherRows(positions.map { $0 / grid.columns }) + columnEmbedding.gatherRows(positions.map { $0 % grid.columns })
  }

  /// Feature size of the backbone on one patch (probed in eval mode, statistics untouched).
  static func featureSize(of model: Model, patchShape: [Int]) -> Int {
    LayerGroup([model]).withAttackState {
      let out = withoutGrad { model.features(Tensor.zeros([1] + patchShape)) }
      return model.activationLayout.isSpatial(rank: out.rank) ? model.featureChannels(out) : out.count
    }
  }

  public override var ownParameters: [(name: String, tensor: Tensor)] {
    [("token", token), ("row_embedding", rowEmbedding), ("column_embedding", columnEmbedding)]
  }
  public override var children: [(name: String, layer: Layer)] {
    encoder.enumerated().map { ("encoder.\($0.offset)", $0.element as Layer) } + (projection.map { [("projection", $0 as Layer)] } ?? [])
  }
  public override var summary: String {
    "SelfieHead(\(encoder.count) layers, width \(dimension), \(grid.rows)×\(grid.columns) patches\(officialDoubleSoftmax ? ", double softmax" : ""))"
  }
}
