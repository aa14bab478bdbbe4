// XMLText: parses an SVG file as XML and returns all its text content.

import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Parses `url` as XML (failing the test if it is malformed) and returns the root element's
/// name and the concatenated text of all nodes.
func parseXML(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws
  -> (root: String, text: String)
{
  let document = try XMLDocument(contentsOf: url, options: [])
  let root = try XCTUnwrap(
    document.rootElement(), "SVG has no root element", file: file, line: line)
  return (root.name ?? "", root.stringValue ?? "")
}
