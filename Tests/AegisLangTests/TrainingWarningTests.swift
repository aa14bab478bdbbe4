// A run that failed to learn says so: the epoch line warns when the loss has not moved below its
// start, shows validation accuracy, and sanity/evaluate call a model at chance untrained.

import AegisLang
import AegisRobust
import Foundation
import XCTest

final class TrainingWarningTests: XCTestCase {
  override func setUpWithError() throws {
    guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
  }

  let data = "d = fashion_mnist(\"train\", limit: 512)\nt = fashion_mnist(\"test\", limit: 100)\n"

  func testAStalledRunWarnsOnItsEpochLineWithWhatToTry() {
    let lines = output(data + "net = mlp(width: 16, depth: 1, seed: 1)\nh = train(net, d, lr: 0.000001, validation: t, seed: 1)")
    let text = lines.joined(separator: "\n")
    XCTAssertTrue(text.contains("val_acc"), text)
    XCTAssertTrue(text.contains("warning: the loss has not moved below its start"), text)
    XCTAssertTrue(text.contains("lr: 0.01") && text.contains("warmup: 200"), "what to try: \(text)")
  }

  func testALearningRunHasNoWarningAndShowsValidationAccuracy() {
    let lines = output(data + "net = mlp(width: 32, depth: 1, seed: 1)\nh = train(net, d, epochs: 2, batch: 32, validation: t, seed: 1)")
    let epochLines = lines.filter { $0.contains("epoch ") }
    XCTAssertEqual(epochLines.count, 2, "\(lines)")
    for line in epochLines { XCTAssertTrue(line.contains("val_acc 0."), line) }
    XCTAssertFalse(lines.joined().contains("warning"), "\(lines)")
  }

  func testAdversarialPretrainingAndTrainingNameTheirAccuracyAdversarial() {
    // P3 scores the attacked pretext inputs it trains on (below chance is possible); P2 the clean ones.
    let lines = output(data + """
      net = resnet(depth: 8, width: 4, data: d)
      p3 = pretrain(net, d, task: rotation(), attack: pgd(eps: 0.1, steps: 2), epochs: 1, batch: 128)
      p2 = pretrain(net, d, task: rotation(), epochs: 1, batch: 128)
      m = mlp(width: 16, depth: 1, seed: 1)
      h = train(m, d, epochs: 1, attack: pgd(eps: 0.1, steps: 2))
      """)
    let epochLines = lines.filter { $0.contains("epoch 1/1") }
    XCTAssertEqual(epochLines.count, 3, "\(lines)")
    XCTAssertTrue(epochLines[2].contains("adv_acc 0."), "adversarial training: \(epochLines[2])")
    XCTAssertTrue(epochLines[0].contains("adv_acc 0."), epochLines[0])
    XCTAssertTrue(epochLines[1].contains("  acc 0.") && !epochLines[1].contains("adv_acc"), epochLines[1])
  }

  func testSanityAndEvaluateCallAModelAtChanceUntrained() {
    let lines = output("""
      t = fashion_mnist("test", limit: 100)
      net = mlp(width: 16, depth: 1, seed: 4)
      print accuracy(net, t)
      print sanity(net, t, n: 40)
      print evaluate(net, t, attack: [fgsm()], n: 40)
      """)
    let text = lines.joined(separator: "\n")
    XCTAssertTrue(text.contains(SanityChecks.untrainedVerdict), text)
    XCTAssertFalse(text.contains("all checks passed"), text)
    XCTAssertTrue(text.contains("near chance"), "evaluate flags it too: \(text)")
  }
}
