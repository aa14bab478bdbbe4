// The failed-to-learn warning: when it fires, and that its hints fit the run.

import AegisNN
import XCTest

final class TrainingHealthTests: XCTestCase {
  func testLearningRunsAreNotFlagged() {
    XCTAssertNil(TrainingHealth.warning(startLoss: 2.30, epochLoss: 0.9))
  }

  func testPlateauAndDivergenceAreNamed() throws {
    let plateau = try XCTUnwrap(TrainingHealth.warning(startLoss: 2.30, epochLoss: 2.29))
    XCTAssertTrue(plateau.contains("plateau"), plateau)
    let divergence = try XCTUnwrap(TrainingHealth.warning(startLoss: 2.30, epochLoss: .nan))
    XCTAssertTrue(divergence.contains("divergence"), divergence)
  }

  func testInitHintOnlyWhenTheModelIsNotKaimingInitialized() throws {
    let torchInit = try XCTUnwrap(TrainingHealth.warning(startLoss: 2.30, epochLoss: 2.30))
    XCTAssertTrue(torchInit.contains("init: \"kaiming\""), torchInit)
    let kaiming = try XCTUnwrap(TrainingHealth.warning(startLoss: 2.30, epochLoss: 2.30, kaimingAlready: true))
    XCTAssertFalse(kaiming.contains("init:"), kaiming)
    XCTAssertTrue(kaiming.contains("lower lr"), kaiming)
  }
}
