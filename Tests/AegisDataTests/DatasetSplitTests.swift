// Tests for DatasetSplit: names used in data set names and messages.

import XCTest
@testable import AegisData

final class DatasetSplitTests: XCTestCase {
  func testNames() {
    XCTAssertEqual(DatasetSplit.allCases.map(\.description), ["train", "test"])
    XCTAssertEqual(DatasetSplit(rawValue: "test"), .test)
  }
}
