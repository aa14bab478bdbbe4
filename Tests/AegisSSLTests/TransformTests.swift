// Pretext transforms on small tensors: rotation labels match rot90, patches reassemble exactly,
// jigsaw with the identity is the input and the inverse permutation restores it, Selfie masks.

import AegisNN
import AegisSSL
import AegisTensor
import XCTest

final class TransformTests: XCTestCase {
  /// Images whose every pixel value is distinct (so any misplacement is visible).
  func distinctImages(_ n: Int, _ c: Int, _ h: Int, _ w: Int) -> Tensor {
    Tensor(shape: [n, c, h, w], storage: (0..<(n * c * h * w)).map(Float.init))
  }

  func image(_ t: Tensor, _ i: Int) -> Tensor { t.slice(axis: 0, i..<(i + 1)) }

  func testRotationLabelsMatchRot90() throws {
    let x = distinctImages(10, 2, 6, 6)
    var rng = RandomGenerator(seed: 3)
    let batch = try RotationTask().makeBatch(images: x, rng: &rng)
    XCTAssertEqual(batch.inputs.shape, x.shape)
    XCTAssertEqual(batch.labels.count, 10)
    for i in 0..<10 {
      XCTAssertEqual(image(batch.inputs, i).storage, image(x, i).rot90(batch.labels[i]).storage, "image \(i) label \(batch.labels[i])")
    }
    // rot90(1) is counter-clockwise over (H, W), as torch.rot90(x, 1, (-2, -1)).
    let square = Tensor(shape: [1, 1, 2, 2], storage: [1, 2, 3, 4])
    XCTAssertEqual(square.rot90(1).storage, [2, 4, 1, 3])
  }

  func testRotationLabelsAreTheOfficialBalancedDraw() {
    var rng = RandomGenerator(seed: 11)
    for n in [1, 4, 7, 128, 130] {
      let labels = RotationTask.balancedLabels(count: n, rng: &rng)
      XCTAssertEqual(labels.count, n)
      let counts = (0..<4).map { k in labels.filter { $0 == k }.count }
      XCTAssertLessThanOrEqual(counts.max() ?? 0, n / 4 + 1, "a permutation of [0,1,2,3]×(⌊n/4⌋+1) truncated: \(counts)")
    }
    var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5)
    XCTAssertEqual(RotationTask.balancedLabels(count: 64, rng: &a), RotationTask.balancedLabels(count: 64, rng: &b))
  }

  func testAllRotationsGivesFourCopies() throws {
    let x = distinctImages(3, 1, 4, 4)
    var rng = RandomGenerator(seed: 0)
    let batch = try RotationTask(allRotations: true).makeBatch(images: x, rng: &rng)
    XCTAssertEqual(batch.inputs.shape, [12, 1, 4, 4])
    for r in 0..<12 {
      XCTAssertEqual(image(batch.inputs, r).storage, image(x, r % 3).rot90(batch.labels[r]).storage)
    }
    XCTAssertEqual(Set(batch.labels), [0, 1, 2, 3])
  }

  func testRotationRefusesNonSquareImages() throws {
    let model = try Fixtures.resnet(inputShape: [1, 8, 12])
    XCTAssertThrowsError(try RotationTask().validate(for: model)) { XCTAssertTrue("\($0)".contains("square")) }
  }

  func testPatchesSplitAndReassembleExactly() throws {
    let x = distinctImages(2, 3, 28, 28)
    let grid = try PatchGrid(imageShape: [3, 28, 28])
    XCTAssertEqual(grid.patchShape, [3, 7, 7])
    let patches = try grid.split(x)
    XCTAssertEqual(patches.shape, [32, 3, 7, 7])
    XCTAssertEqual(try grid.assemble(patches).storage, x.storage)
    // Patch (image 1, row 2, column 3) holds pixels [14..<21, 21..<28] of image 1.
    let expected = image(x, 1).slice(axis: 2, 14..<21).slice(axis: 3, 21..<28)
    XCTAssertEqual(image(patches, 16 + 2 * 4 + 3).storage, expected.storage)
    XCTAssertEqual(try PatchGrid(imageShape: [3, 32, 32]).patchShape, [3, 8, 8])
  }

  func testGridRefusesIndivisibleImages() {
    XCTAssertThrowsError(try PatchGrid(imageShape: [1, 30, 28], task: "jigsaw")) { error in
      XCTAssertTrue("\(error)".contains("divisible"), "\(error)")
    }
  }

  func testJigsawIdentityIsInputAndInverseRestores() throws {
    let x = distinctImages(2, 1, 8, 8)
    let grid = try PatchGrid(imageShape: [1, 8, 8])
    let identity = Array(0..<16)
    XCTAssertEqual(try grid.rearrange(x, orders: [identity, identity]).storage, x.storage)
    var rng = RandomGenerator(seed: 9)
    let perms = [rng.permutation(16), rng.permutation(16)]
    let shuffled = try grid.rearrange(x, orders: perms)
    // Output patch j is input patch perm[j].
    let inPatches = try grid.split(x), outPatches = try grid.split(shuffled)
    for i in 0..<2 { for j in 0..<16 {
      XCTAssertEqual(image(outPatches, i * 16 + j).storage, image(inPatches, i * 16 + perms[i][j]).storage)
    } }
    let inverses = perms.map { p in (0..<16).map { j in p.firstIndex(of: j) ?? 0 } }
    XCTAssertEqual(try grid.rearrange(shuffled, orders: inverses).storage, x.storage)
  }

  func testJigsawBatchMatchesItsLabels() throws {
    let task = try JigsawTask(classes: 10, seed: 4, identityBias: 0.1)
    let x = distinctImages(20, 1, 28, 28)
    var rng = RandomGenerator(seed: 2)
    let batch = try task.makeBatch(images: x, rng: &rng)
    let grid = try task.grid(for: [1, 28, 28])
    let expected = try grid.rearrange(x, orders: batch.labels.map { task.permutations.permutations[$0] })
    XCTAssertEqual(batch.inputs.storage, expected.storage)
    for (i, label) in batch.labels.enumerated() where label == 0 { XCTAssertEqual(image(batch.inputs, i).storage, image(x, i).storage) }
  }

  func testJigsawIdentityBias() throws {
    var rng = RandomGenerator(seed: 1)
    let x = Tensor.zeros([2000, 1, 8, 8])
    let always = try JigsawTask(classes: 5, seed: 0, identityBias: 1).makeBatch(images: x, rng: &rng)
    XCTAssertEqual(Set(always.labels), [0])
    let official = try JigsawTask(classes: 31, seed: 0, identityBias: 0.1).makeBatch(images: x, rng: &rng)
    let zero = Double(official.labels.filter { $0 == 0 }.count) / 2000
    XCTAssertEqual(zero, 0.1 + 0.9 / 31, accuracy: 0.03, "P(class 0) = 0.1 + 0.9/31 ≈ 0.129")
    XCTAssertThrowsError(try JigsawTask(identityBias: 1.5)) { XCTAssertTrue("\($0)".contains("between 0 and 1")) }
    XCTAssertThrowsError(try JigsawTask(identityBias: -0.1))
  }

  func testSelfieBatchMasksOnePermutationPerBatch() throws {
    let task = try SelfieTask()
    let x = distinctImages(3, 1, 28, 28)
    var rng = RandomGenerator(seed: 6)
    let batch = try task.makeBatch(images: x, rng: &rng)
    XCTAssertEqual(batch.inputs.storage, x.storage, "Selfie attacks and encodes the image itself")
    XCTAssertEqual(batch.maskedPositions.count, 4)
    XCTAssertEqual(batch.visiblePositions.count, 12)
    XCTAssertEqual(Set(batch.maskedPositions + batch.visiblePositions), Set(0..<16))
    XCTAssertEqual(batch.labels, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
    XCTAssertEqual(batch.queriesPerInput, 4)
  }

  func testSelfieScoresAndArchitectureChecks() throws {
    let model = try Fixtures.resnet(width: 4)
    let network = try PretextNetwork.make(model: model, task: try SelfieTask(layers: 1, heads: 2), seed: 0)
    var rng = RandomGenerator(seed: 0)
    let batch = try network.task.makeBatch(images: Fixtures.images(5, 1, 28, 28), rng: &rng)
    XCTAssertEqual(network.scores(batch.inputs, batch: batch).shape, [20, 4])
    XCTAssertEqual(network.perExampleLoss(batch.inputs, batch: batch).loss.shape, [5])
    let mlp = try ModelBuilder.build(ModelConfig(architecture: "mlp", inputShape: [1, 28, 28], width: 16, depth: 1))
    XCTAssertThrowsError(try SelfieTask().validate(for: mlp)) { XCTAssertTrue("\($0)".contains("use resnet"), "\($0)") }
    XCTAssertThrowsError(try SelfieTask(heads: 3).makeHead(for: model, seed: 0)) { XCTAssertTrue("\($0)".contains("must divide"), "\($0)") }
    let cnn = try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 4, depth: 1))
    XCTAssertNoThrow(try PretextNetwork.make(model: cnn, task: try SelfieTask(heads: 2), seed: 0))
  }

  func testSelfieProjectionAndPaperSize() throws {
    let model = try Fixtures.resnet(width: 4)
    var rng = RandomGenerator(seed: 0)
    let projected = try PretextNetwork.make(model: model, task: try SelfieTask(layers: 1, heads: 3, dimension: 12), seed: 0)
    let head = try XCTUnwrap(projected.head as? SelfieHead)
    XCTAssertEqual(head.featureSize, 8, "ResNet-8 width 4: stage-2 features have 2·4 channels")
    XCTAssertEqual(head.dimension, 12)
    XCTAssertNotNil(head.projection)
    let batch = try projected.task.makeBatch(images: Fixtures.images(2, 1, 28, 28), rng: &rng)
    XCTAssertEqual(projected.scores(batch.inputs, batch: batch).shape, [8, 4])
    let paper = try SelfieTask.paperSize()
    XCTAssertEqual(paper.layers, 13)
    XCTAssertEqual(paper.heads, 16)
    let wide = try PretextNetwork.make(model: try Fixtures.resnet(width: 8), task: paper, seed: 0)
    XCTAssertEqual((wide.head as? SelfieHead)?.encoder.count, 13)
    XCTAssertThrowsError(try SelfieTask(maskedPatches: 16)) { XCTAssertTrue("\($0)".contains("between 2 and 15")) }
  }

  func testDoubleSoftmaxIsBoundedAndProperCEIsNot() throws {
    let model = try Fixtures.resnet(width: 4)
    var rng = RandomGenerator(seed: 0)
    let x = Fixtures.images(4, 1, 28, 28)
    for official in [false, true] {
      let network = try PretextNetwork.make(model: model, task: try SelfieTask(layers: 1, heads: 2, officialDoubleSoftmax: official), seed: 0)
      let batch = try network.task.makeBatch(images: x, rng: &rng)
      let rows = network.head.rowLosses(network.scores(x, batch: batch), batch: batch)
      if official {
        XCTAssertTrue(rows.storage.allSatisfy { $0 >= 0.74 && $0 <= 1.75 }, "softmax then CE is bounded in [0.74, 1.74]: \(rows.storage)")
      }
      XCTAssertEqual(rows.shape, [16])
    }
  }
}
