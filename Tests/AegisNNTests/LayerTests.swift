// Layers: gradient checks through whole layers, BN modes, names and counts matching PyTorch.

import AegisNN
import AegisTensor
import XCTest

final class LayerTests: XCTestCase {
  func testSmallCNNHasThePyTorchNamesAndCount() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 32, depth: 0))
    let names = model.namedParameters().map(\.name)
    XCTAssertEqual(names, ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "conv3.weight", "conv3.bias",
                           "conv4.weight", "conv4.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
    XCTAssertEqual(model.parameterCount, 694_402)  // the anchors' models.py count
    XCTAssertEqual(model(Tensor.zeros([2, 1, 28, 28])).shape, [2, 10])
  }

  func testPreActResNetMiniMatchesTheAnchor() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 16, depth: 8))
    XCTAssertEqual(model.parameterCount, 77_562)
    let buffers = model.namedBuffers().filter { !$0.name.hasSuffix("num_batches_tracked") }.reduce(0) { $0 + $1.tensor.count }
    XCTAssertEqual(buffers, 480)  // 487 in PyTorch counts num_batches_tracked (7 scalars)
    XCTAssertTrue(model.namedParameters().map(\.name).contains("stage2.shortcut.weight"))
    XCTAssertEqual(model(Tensor.zeros([2, 1, 28, 28])).shape, [2, 10])
  }

  func testResNet50v2ShapesAndNames() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [3, 32, 32], width: 64, depth: 50,
                                                   mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]))
    let names = model.namedParameters().map(\.name)
    XCTAssertTrue(names.contains("layer1.0.conv1.weight"))
    XCTAssertTrue(names.contains("layer4.2.conv3.weight"))
    XCTAssertTrue(names.contains("linear.weight"))
    XCTAssertTrue(model.backbone.namedParameters().allSatisfy { !$0.name.hasPrefix("layer4") })
    // ResNet-50 (v2, 10 classes) has about 23.5 M parameters.
    XCTAssertEqual(Double(model.parameterCount), 23.5e6, accuracy: 0.2e6)
  }

  func testBatchNormModes() {
    let bn = BatchNorm(2)
    var rng = RandomGenerator(seed: 1)
    let x = Tensor.normal([4, 2, 3, 3], mean: 2, std: 3, rng: &rng)
    _ = bn(x)
    XCTAssertNotEqual(bn.runningMean.storage, [0, 0], "train mode updates running stats")
    let saved = bn.runningMean.storage
    bn.setTraining(false)
    _ = bn(x)
    XCTAssertEqual(bn.runningMean.storage, saved, "eval mode leaves running stats alone")
    bn.setTraining(true)
    bn.isFrozen = true
    _ = bn(x)
    XCTAssertEqual(bn.runningMean.storage, saved, "frozen mode leaves running stats alone")
  }

  func testFreezingStopsGradients() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [1, 8, 8], width: 4, depth: 8))
    model.backbone.setFrozen(true)
    let loss = model(Tensor.ones([2, 1, 8, 8])).crossEntropy([0, 1])
    loss.backward()
    XCTAssertTrue(model.backbone.parameters.allSatisfy { $0.grad == nil })
    XCTAssertTrue(model.head.parameters.allSatisfy { $0.grad != nil })
  }

  func testTransformerLayerKeepsShapeAndBackpropagates() {
    var rng = RandomGenerator(seed: 3)
    let layer = TransformerEncoderLayer(dimension: 8, heads: 2, hidden: 16, dropout: 0, rng: &rng)
    let x = Tensor.normal([2, 5, 8], rng: &rng)
    x.requiresGrad = true
    let y = layer(x)
    XCTAssertEqual(y.shape, [2, 5, 8])
    let g = gradients(of: y.sum(), wrt: [x])[0]
    XCTAssertFalse(g.hasNonFinite)
  }

  func testModelCopyIsDeepAndEqual() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 8, 8], width: 4, depth: 0, seed: 5))
    let clone = model.copy()
    let x = Tensor.ones([1, 1, 8, 8])
    model.setTraining(false); clone.setTraining(false)
    XCTAssertEqual(model(x).storage, clone(x).storage)
    clone.parameters[0].storage[0] += 1
    XCTAssertNotEqual(model.parameters[0].storage[0], clone.parameters[0].storage[0])
  }

  func testSummaryListsLayersAndTotal() throws {
    let model = try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 32, depth: 0))
    let text = model.summaryTable()
    XCTAssertTrue(text.contains("Conv2d(1→32, 3×3, pad 1)"))
    XCTAssertTrue(text.contains("total 694402 parameters"))
  }

  func testBadConfigIsAnError() {
    XCTAssertThrowsError(try ModelBuilder.build(ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 16, depth: 7)))
    XCTAssertThrowsError(try ModelBuilder.build(ModelConfig(architecture: "cnn", inputShape: [1, 30, 30], width: 16, depth: 0)))
    XCTAssertThrowsError(try ModelBuilder.build(ModelConfig(architecture: "vgg", inputShape: [1, 28, 28], width: 16, depth: 0)))
  }
}
