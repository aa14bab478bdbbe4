// A training step in steady state reuses the previous step's memory instead of faulting in
// fresh pages from the OS every step (Parallel.configureAllocator). Counted with the minor page
// faults of the `aegis` executable (its interpreter thread's allocations live in a glibc thread
// arena, which an in-process test does not reproduce), never timed.

import AegisData
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class SteadyStateMemoryTests: XCTestCase {
  /// Minor page faults of one `aegis -e` run training PreActResNet-8 (width 16) for `steps`
  /// batches of 128 images.
  private func faults(trainingSteps steps: Int) throws -> Int {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    let before = usage.ru_minflt
    let run = try runAegis(["-e", """
      data = fashion_mnist("train", limit: \(128 * steps))
      net = resnet(depth: 8, width: 16, data: data)
      h = train(net, data, epochs: 1, batch: 128);
      """], timeout: 120)
    XCTAssertEqual(run.status, 0, run.stderr)
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    return usage.ru_minflt - before
  }

  func testTrainingStepsInSteadyStateFaultInAlmostNoFreshPages() throws {
    #if !os(Linux)
    throw XCTSkip("glibc allocator behaviour")
    #else
    guard FileManager.default.fileExists(atPath: FashionMNIST.defaultDirectory) else {
      throw XCTSkip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
    }
    let short = try faults(trainingSteps: 20), long = try faults(trainingSteps: 70)
    let perStep = Double(long - short) / 50
    // Measured (2026-12-02, AMD EPYC, glibc 2.36) with `aegis run` of the same recipe over 60
    // steps, six runs each: before the fix 4 of 6 runs faulted 3,000–6,300 fresh pages per step
    // (12–25 MB: glibc had rejected the old 1 GiB mmap threshold and thread-arena heaps were
    // unmapped and mapped again every step; which run does so depends on thread timing), after
    // it all six ≈ 80–100 per step.
    XCTAssertLessThan(perStep, 1500, "minor page faults per steady-state training step (\(short) for 20 steps, \(long) for 70)")
    #endif
  }
}
