// Optimizers and schedules against hand-computed updates.

import AegisNN
import AegisTensor
import XCTest

final class OptimizerTests: XCTestCase {
  func testSGDMomentumNesterovAndWeightDecayMatchPyTorch() {
    let w = Tensor(shape: [1], storage: [1])
    w.requiresGrad = true
    let sgd = SGD(parameters: [w], learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true)
    w.grad = Tensor(shape: [1], storage: [0.5])
    sgd.step()
    // d = 0.5 + 0.01·1 = 0.51; v = 0.51; step = 0.51 + 0.9·0.51 = 0.969; w = 1 − 0.0969
    XCTAssertEqual(w.storage[0], 0.9031, accuracy: 1e-6)
    w.grad = Tensor(shape: [1], storage: [0.5])
    sgd.step()
    let d: Float = 0.5 + 0.01 * 0.9031, v: Float = 0.9 * 0.51 + d
    XCTAssertEqual(w.storage[0], 0.9031 - 0.1 * (d + 0.9 * v), accuracy: 1e-6)
  }

  func testAdamFirstStepIsLearningRateTimesSign() {
    let w = Tensor(shape: [2], storage: [1, 1])
    w.requiresGrad = true
    let adam = Adam(parameters: [w], learningRate: 0.01)
    w.grad = Tensor(shape: [2], storage: [3, -0.2])
    adam.step()
    XCTAssertEqual(w.storage[0], 0.99, accuracy: 1e-5)
    XCTAssertEqual(w.storage[1], 1.01, accuracy: 1e-5)
  }

  func testSchedules() {
    XCTAssertEqual(LearningRateSchedule.step(milestones: [60, 80], gamma: 0.1).rate(base: 0.1, iteration: 0, epoch: 70, total: 100), 0.01, accuracy: 1e-12)
    let cosine = LearningRateSchedule.cosine(minimum: 0)
    XCTAssertEqual(cosine.rate(base: 1, iteration: 50, epoch: 0, total: 100), 0.5, accuracy: 1e-9)
    XCTAssertEqual(cosine.rate(base: 1, iteration: 100, epoch: 0, total: 100), 0, accuracy: 1e-9)
    let warm = LearningRateSchedule.warmup(iterations: 10, start: 0, then: .constant)
    XCTAssertEqual(warm.rate(base: 1, iteration: 5, epoch: 0, total: 100), 0.5, accuracy: 1e-9)
    // "warmup:N+…" starts at 1 % of the base rate and rises, also for small base rates (Adam's 1e-3).
    let parsed = LearningRateSchedule.parse("warmup:100+constant")!
    XCTAssertEqual(parsed.rate(base: 0.001, iteration: 0, epoch: 0, total: 1000), 0.00001, accuracy: 1e-12)
    XCTAssertLessThan(parsed.rate(base: 0.001, iteration: 50, epoch: 0, total: 1000), 0.001)
    XCTAssertEqual(parsed.rate(base: 0.001, iteration: 100, epoch: 0, total: 1000), 0.001, accuracy: 1e-12)
    XCTAssertEqual(LearningRateSchedule.parse("step:60,80"), .step(milestones: [60, 80], gamma: 0.1))
  }
}
