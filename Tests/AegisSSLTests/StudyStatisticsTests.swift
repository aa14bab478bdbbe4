// The study's statistics against hand-computed values: t quantiles, t intervals, paired
// differences, epochs to 95%, ensembles against their best member, and the verdicts.

import AegisSSL
import Foundation
import XCTest

final class StudyStatisticsTests: XCTestCase {
  func testTQuantilesMatchPublishedValues() {
    // Two-sided 95% (p = 0.975) quantiles from any t table, to 6 digits.
    let known: [(Double, Double)] = [(1, 12.706205), (2, 4.302653), (4, 2.776445), (9, 2.262157), (29, 2.045230), (1000, 1.962339)]
    for (df, q) in known { XCTAssertEqual(StudyStatistics.tQuantile(0.975, degreesOfFreedom: df), q, accuracy: 2e-6, "df \(df)") }
    XCTAssertEqual(StudyStatistics.tQuantile(0.995, degreesOfFreedom: 4), 4.604095, accuracy: 2e-6)
    XCTAssertEqual(StudyStatistics.tQuantile(0.025, degreesOfFreedom: 4), -2.776445, accuracy: 2e-6)
    XCTAssertEqual(StudyStatistics.tCDF(0, degreesOfFreedom: 3), 0.5, accuracy: 1e-12)
    // df = 1 is the Cauchy distribution: CDF(1) = 3/4 exactly.
    XCTAssertEqual(StudyStatistics.tCDF(1, degreesOfFreedom: 1), 0.75, accuracy: 1e-12)
    XCTAssertTrue(StudyStatistics.tQuantile(1.5, degreesOfFreedom: 3).isNaN)
  }

  func testMeanIntervalByHand() throws {
    // 1…5: mean 3, sd √2.5, se √0.5, half-width 2.776445·0.707107 = 1.963243.
    let i = StudyStatistics.meanInterval([1, 2, 3, 4, 5])
    XCTAssertEqual(i.mean, 3)
    XCTAssertEqual(i.standardDeviation!, 2.5.squareRoot(), accuracy: 1e-12)
    XCTAssertEqual(i.lower!, 3 - 1.963243, accuracy: 1e-5)
    XCTAssertEqual(i.upper!, 3 + 1.963243, accuracy: 1e-5)
    let one = StudyStatistics.meanInterval([0.4])
    XCTAssertNil(one.lower)
    XCTAssertEqual(StudyStatistics.verdict(one), .notDecided)
  }

  func testPairedDifferenceUsesOnlySharedSeeds() throws {
    // Differences 0.02, 0.01, 0.05 (seed 3 has no partner): mean 0.026667, sd 0.020817,
    // se 0.012019, half-width 4.302653·0.012019 = 0.051712.
    let d = StudyStatistics.pairedDifference([0: 0.60, 1: 0.62, 2: 0.65], [0: 0.58, 1: 0.61, 2: 0.60, 3: 0.9])
    XCTAssertEqual(d.n, 3)
    XCTAssertEqual(d.mean, 0.026667, accuracy: 1e-6)
    XCTAssertEqual(d.lower!, 0.026667 - 0.051712, accuracy: 2e-6)
    XCTAssertEqual(d.upper!, 0.026667 + 0.051712, accuracy: 2e-6)
    XCTAssertEqual(StudyStatistics.verdict(d), .notDecided)
    XCTAssertEqual(d.text(), "+2.67 [-2.50, +7.84]")
  }

  func testVerdicts() {
    let up = StudyStatistics.pairedDifference([0: 0.62, 1: 0.63, 2: 0.64], [0: 0.60, 1: 0.60, 2: 0.61])
    XCTAssertEqual(StudyStatistics.verdict(up), .holds)
    let down = StudyStatistics.pairedDifference([0: 0.60, 1: 0.60, 2: 0.61], [0: 0.62, 1: 0.63, 2: 0.64])
    XCTAssertEqual(StudyStatistics.verdict(down), .doesNotHold)
    // Differences 0.001, −0.001, 0.0005: straddles 0, but lies within ±0.5 points.
    let tiny = StudyStatistics.pairedDifference([0: 0.601, 1: 0.599, 2: 0.6005], [0: 0.6, 1: 0.6, 2: 0.6])
    XCTAssertEqual(StudyStatistics.verdict(tiny), .notDecided)
    XCTAssertEqual(StudyStatistics.verdict(tiny, margin: 0.005), .doesNotHold)
  }

  func testEpochsToNinetyFivePercentAndEnsembleOverBestMember() {
    XCTAssertEqual(StudyStatistics.epochsToFraction([0.3, 0.5, 0.58, 0.6]), 3)  // 0.95·0.6 = 0.57
    XCTAssertEqual(StudyStatistics.epochsToFraction([0.6, 0.5, 0.55]), 1)  // the best need not be the last
    XCTAssertNil(StudyStatistics.epochsToFraction([]))
    // Seed 0: best member 0.62 → +0.03; seed 1: 0.64 → +0.01; seed 2 lacks a member → left out.
    let d = StudyStatistics.ensembleOverBestMember([0: 0.65, 1: 0.65, 2: 0.7],
                                                   members: [[0: 0.60, 1: 0.64, 2: 0.6], [0: 0.62, 1: 0.61]])
    XCTAssertEqual(d.n, 2)
    XCTAssertEqual(d.mean, 0.02, accuracy: 1e-12)
  }
}
