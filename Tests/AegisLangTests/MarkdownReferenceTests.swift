// docs/language.md must equal the reference generated from the registry. Regenerate with
// AEGIS_REGENERATE_DOCS=1 (the test then writes the file and passes).

@testable import AegisLang
import XCTest

final class MarkdownReferenceTests: XCTestCase {
  func testDocsMatchRegistry() throws {
    let url = repositoryRoot.appendingPathComponent("docs/language.md")
    let generated = MarkdownReference.generate(BuiltinRegistry.standard())
    if ProcessInfo.processInfo.environment["AEGIS_REGENERATE_DOCS"] == "1" {
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try generated.write(to: url, atomically: true, encoding: .utf8)
      return
    }
    let committed = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    XCTAssertTrue(committed == generated, """
      docs/language.md is out of date with the builtin registry. Regenerate it with:
        AEGIS_REGENERATE_DOCS=1 swift test --scratch-path .build-lang -c release -Xswiftc -enable-testing --filter MarkdownReferenceTests
      """)
  }

  func testSectionsAreSortedAndComplete() {
    let doc = MarkdownReference.generate(BuiltinRegistry.standard())
    XCTAssertTrue(doc.contains("## tensor"))
    XCTAssertTrue(doc.contains("### `zeros(shape) -> tensor`"))
    XCTAssertTrue(doc.contains("| `shape` | shape | required | dimensions, e.g. [2, 3] (or one number) |"))
    XCTAssertTrue(doc.contains("| `seed` | int or nil | `nil` |"))
    let names = BuiltinRegistry.standard().builtins(in: "tensor").map(\.name)
    XCTAssertEqual(names, names.sorted())
  }
}

import Foundation
