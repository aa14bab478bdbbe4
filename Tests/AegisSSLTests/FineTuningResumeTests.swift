// A fine-tuning run stopped after some epochs and continued from its resume file gives, bit for
// bit, the model, history and best-RA model of the run that was never stopped.

import AegisData
import AegisNN
import AegisRobust
@testable import AegisSSL
import AegisTensor
import Foundation
import XCTest

final class FineTuningResumeTests: XCTestCase {
  func options(resumePath: String?) throws -> FineTuningOptions {
    var options = FineTuningOptions()
    options.training = Fixtures.training(epochs: 4, batchSize: 64)
    options.training.schedule = .cosine(minimum: 0)
    options.validation = try Fixtures.fashion(.test, limit: 300)
    options.validationLimit = 60
    options.resumePath = resumePath
    return options
  }

  func testStoppedAndResumedRunEqualsTheUninterruptedOne() throws {
    let data = try Fixtures.fashion(.train, limit: 256)
    let attack = try Fixtures.pgd(steps: 2)
    let path = NSTemporaryDirectory() + "aegis-resume-\(getpid())/progress.safetensors"
    defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }

    let whole = try timed("F4, 4 epochs uninterrupted") {
      try FineTuning.finetune(try Fixtures.resnet(width: 4), on: data, attack: attack, options: try options(resumePath: nil))
    }
    // Stop the first attempt during epoch 3, as a kill would: epochs 1–2 are in the file.
    Cancellation.reset()
    defer { Cancellation.reset() }
    XCTAssertThrowsError(try FineTuning.finetune(try Fixtures.resnet(width: 4), on: data, attack: attack, options: try options(resumePath: path)) { p in
      if p.epoch == 3 && p.batch == 1 { Cancellation.request() }
    }) { XCTAssertTrue($0 is TrainingInterrupted, "\($0)") }
    Cancellation.reset()
    let saved = try XCTUnwrap(try TrainingSnapshot.read(path))
    XCTAssertEqual(saved.epochsDone, 2)
    XCTAssertEqual(saved.records.count, 2)

    var epochsRun: Set<Int> = []
    let resumed = try timed("F4, resumed after epoch 2") {
      try FineTuning.finetune(try Fixtures.resnet(width: 4), on: data, attack: attack, options: try options(resumePath: path)) { epochsRun.insert($0.epoch) }
    }
    XCTAssertEqual(epochsRun, [3, 4], "only the epochs after the snapshot ran")
    XCTAssertEqual(resumed.resumed.epochs, 2)
    XCTAssertGreaterThan(resumed.resumed.cpuSeconds, 0)
    XCTAssertEqual(Fixtures.state(resumed.model), Fixtures.state(whole.model), "weights and BN statistics bit-identical")
    XCTAssertEqual(Fixtures.state(resumed.bestModel), Fixtures.state(whole.bestModel))
    XCTAssertEqual(resumed.bestEpoch, whole.bestEpoch)
    for metric in ["loss", "acc", "val_sa", "val_ra", "lr"] {
      XCTAssertEqual(resumed.history.series(metric).map(\.value), whole.history.series(metric).map(\.value), metric)
    }
    XCTAssertEqual(resumed.history.records.map(\.epoch), [1, 2, 3, 4])

    // A file whose counters disagree (damaged, or edited by hand) is an error, never a crash.
    var damaged = try XCTUnwrap(try TrainingSnapshot.read(path))
    damaged.iteration += 1
    try damaged.write(to: path)
    XCTAssertThrowsError(try FineTuning.finetune(try Fixtures.resnet(width: 4), on: data, attack: attack, options: try options(resumePath: path))) {
      XCTAssertTrue("\($0)".contains("is damaged") && "\($0)".contains("delete it"), "\($0)")
    }
  }

  func testASnapshotOfAnotherRunIsRefusedWithWhatDiffers() throws {
    let data = try Fixtures.fashion(.train, limit: 128)
    let path = NSTemporaryDirectory() + "aegis-resume-other-\(getpid()).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    var first = try options(resumePath: path)
    first.training.epochs = 1
    first.validation = nil
    _ = try FineTuning.finetune(try Fixtures.resnet(width: 4), on: data, options: first)
    var other = first
    other.training.epochs = 2
    other.training.seed = 7
    XCTAssertThrowsError(try FineTuning.finetune(try Fixtures.resnet(width: 4), on: data, options: other)) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("different run") && text.contains("epochs 1 → 2") && text.contains("delete it"), text)
    }
  }

  func testAFileThatIsNotASnapshotIsAClearError() throws {
    let path = NSTemporaryDirectory() + "aegis-resume-bad-\(getpid()).safetensors"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.save(try Fixtures.resnet(width: 4), to: path)
    XCTAssertThrowsError(try TrainingSnapshot.read(path)) { XCTAssertTrue("\($0)".contains("not a training snapshot"), "\($0)") }
    XCTAssertNil(try TrainingSnapshot.read(path + ".missing"))
  }
}
