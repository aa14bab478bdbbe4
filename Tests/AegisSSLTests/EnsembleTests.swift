// Ensembles (method.md §7): the model ensemble is attacked through its averaged output, and
// task-ensemble pretraining trains one backbone with several heads and the log-det penalty.

import AegisData
import AegisNN
import AegisRobust
@testable import AegisSSL
import AegisTensor
import XCTest

final class EnsembleTests: XCTestCase {
  func testEnsembleAttackUsesTheAveragedOutput() throws {
    let a = try Fixtures.resnet(width: 4, seed: 1), b = try Fixtures.resnet(width: 4, seed: 2)
    let ensemble = ModelEnsemble([a, b])
    let (x, labels) = try Fixtures.fashion(.test, limit: 8).batch(at: 0..<8)
    let averaged = withoutGrad { ((a.logits(x).softmax() + b.logits(x).softmax()) * 0.5) }
    assertClose(withoutGrad { ensemble.logits(x).softmax() }.storage, averaged.storage, 1e-5)
    let attack = try Fixtures.pgd(steps: 5, seed: 3)
    let onEnsemble = try attack.run(on: ensemble, images: x, labels: labels)
    // The same PGD on −log(mean of the members' probabilities), written out by hand.
    let byHand = try ClassifierState.forAttack(ensemble) {
      try attack.run(objective: { x in
        let mean = (a.logits(x).softmax() + b.logits(x).softmax()) * 0.5
        let logits = (mean + 1e-12).log()
        return (logits.crossEntropyPerExample(labels), zip(logits.argmax(axis: -1), labels).map { $0 != $1 })
      }, images: x)
    }
    assertClose(onEnsemble.storage, byHand.storage, 1e-6)
    XCTAssertNotEqual(onEnsemble.storage, try attack.run(on: a, images: x, labels: labels).storage, "not a member's attack")
  }

  func testJointObjectiveSumsTaskLossesAndThePenalty() throws {
    let model = try Fixtures.resnet(width: 2, inputShape: [1, 8, 8], classes: 3)
    model.setTraining(false)
    let tasks: [any PretextTask] = [RotationTask(), try JigsawTask(classes: 3, seed: 0)]
    let networks = try tasks.map { try PretextNetwork.make(model: model, task: $0) }
    for n in networks { n.head.setTraining(false) }
    var rng = RandomGenerator(seed: 2)
    let images = Fixtures.images(4, 1, 8, 8)
    let batches = try networks.map { try $0.task.makeBatch(images: images, rng: &rng) }
    let x = Tensor.concat(batches.map(\.inputs), axis: 0)
    x.requiresGrad = true
    for sign in GradientDiversityPenalty.Sign.allCases {
      let penalty = try GradientDiversityPenalty(weight: 0.3, sign: sign)
      let entries = TaskEnsemblePretraining.jointObjective(networks, batches: batches, penalty: penalty)(x).loss
      let (losses, gradients, _) = TaskEnsemblePretraining.lossesAndGradients(networks, batches, at: x)
      let expected = 4 * (losses[0].mean().scalar + losses[1].mean().scalar + (try penalty.term(gradients)).scalar)
      XCTAssertEqual(entries.shape, [8])
      XCTAssertEqual(entries.sum().scalar, expected, accuracy: 1e-4, "\(sign)")
    }
  }

  func testTaskEnsemblePretrainingSharesOneBackbone() throws {
    let model = try Fixtures.resnet(width: 4)
    let before = Fixtures.state(model)
    let data = try Fixtures.fashion(.train, limit: 64)
    var options = TaskEnsembleOptions()
    options.training = Fixtures.training(epochs: 1, batchSize: 32, learningRate: 0.01)
    options.validation = try Fixtures.fashion(.test, limit: 32)
    let tasks: [any PretextTask] = [RotationTask(), try JigsawTask(), try SelfieTask(layers: 1, heads: 2)]
    let result = try timed("task ensemble (3 tasks), 64 images, PGD-2") {
      try TaskEnsemblePretraining.pretrain(model, on: data, tasks: tasks, attack: try Fixtures.pgd(steps: 2), options: options)
    }
    print(result.history.table())
    XCTAssertEqual(Fixtures.state(model), before)
    XCTAssertEqual(result.networks.count, 3)
    XCTAssertTrue(result.networks.allSatisfy { $0.model === result.model })
    XCTAssertEqual(Set(result.networks.map { (n: PretextNetwork) in ObjectIdentifier(n.head) }).count, 3)
    XCTAssertEqual(result.model.numOutputs, 4, "the rotation head is installed")
    XCTAssertNotEqual(Fixtures.state(result.model.backbone), Fixtures.state(model.backbone))
    let record = try XCTUnwrap(result.history.last)
    for key in ["loss", "penalty", "acc_rotation", "acc_jigsaw", "acc_selfie", "val_acc_rotation", "val_acc_selfie"] {
      XCTAssertNotNil(record.metrics[key], key)
    }
    XCTAssertTrue(record.metrics["penalty"]?.isFinite ?? false)
    XCTAssertEqual(result.history.settings["penalty_sign"], "official")
    XCTAssertThrowsError(try TaskEnsemblePretraining.pretrain(model, on: data, tasks: [RotationTask(allRotations: true), RotationTask()])) {
      XCTAssertTrue("\($0)".contains("distinct") || "\($0)".contains("allRotations"), "\($0)")
    }
  }
}

func assertClose(_ a: [Float], _ b: [Float], _ tolerance: Float, file: StaticString = #filePath, line: UInt = #line) {
  XCTAssertEqual(a.count, b.count, file: file, line: line)
  let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
  XCTAssertLessThanOrEqual(worst, tolerance, file: file, line: line)
}
