// `profile f`: prints a per-op table of the call and returns the function's result.

import XCTest

final class ProfileBuiltinTests: XCTestCase {
  func testProfilePrintsOpRowsAndReturnsResult() {
    let lines = output("""
      net = cnn(width: 4)
      def work() { return shape(net(rand([2, 1, 28, 28]))) }
      s = profile(work)
      print(s)
      """)
    XCTAssertTrue(lines.contains { $0.hasPrefix("op ") && $0.contains("GFLOP/s") }, "\(lines)")
    XCTAssertTrue(lines.contains { $0.hasPrefix("conv2d+relu") && $0.contains("forward") }, "\(lines)")
    XCTAssertTrue(lines.contains { $0.hasPrefix("total") && $0.contains("100%") }, "\(lines)")
    XCTAssertEqual(lines.last, "[2, 10]")
  }
}
