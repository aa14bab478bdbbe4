// Rendering: the .out.md of a small notebook matches a golden file (dates and times
// normalized), and the HTML is well-formed XML with one inline <svg> per plot and nothing
// loaded from elsewhere.

@testable import AegisNotebook
import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

final class RenderingTests: XCTestCase {
  static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

  func testGoldenMarkdown() throws {
    try requireGnuplot()
    let folder = try TemporaryFolder()
    let source = try String(contentsOf: Self.golden.appendingPathComponent("basic.md"), encoding: .utf8)
    let path = try folder.write("basic.md", source)
    let run = try runNotebook(path, set: ["n=4"])
    XCTAssertTrue(run.succeeded, run.failure ?? "")
    let actual = Self.normalized(try folder.read("basic.out.md"))
    let expectedURL = Self.golden.appendingPathComponent("basic.out.md")
    if ProcessInfo.processInfo.environment["AEGIS_REGENERATE_GOLDEN"] == "1" {
      try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: expectedURL, encoding: .utf8)
    XCTAssertEqual(actual, expected, "regenerate with AEGIS_REGENERATE_GOLDEN=1 after checking the difference")
    try checkHTML(try folder.read("basic.html"), plots: 1)
  }

  func testHTMLIsWellFormedWithOneSVGPerPlot() throws {
    try requireGnuplot()
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", """
      # Plots & things

      Text with &nbsp; an entity, a line<br>break and a rule:

      ***

      | a | b |
      | - | - |
      | 1 | 2 |

      ```aegis
      show_images(rand([2, 1, 4, 4], seed: 1), n: 2)
      show_images(rand([2, 3, 4, 4], seed: 2), n: 2, to: "\(folder.url.path)/direct.svg")
      ```

      ```aegis
      print "<b>not bold</b> & done"
      ```
      """)
    let run = try runNotebook(path)
    XCTAssertTrue(run.succeeded, run.failure ?? "")
    XCTAssertEqual(run.cells[0].output?.plots, ["cell-1-1.svg", "direct.svg"])
    let html = try folder.read("nb.html")
    try checkHTML(html, plots: 2)
    XCTAssertTrue(html.contains("&lt;b&gt;not bold&lt;/b&gt; &amp; done"))
    XCTAssertTrue(html.contains("<title>Plots &amp; things</title>"), html)
  }

  func testPNGPlotsBecomeDataURLs() throws {
    try requireGnuplot()
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", "```aegis\n#| fig: \"grid.png\"\nshow_images(rand([2, 1, 4, 4], seed: 1), n: 2)\n```\n")
    let run = try runNotebook(path)
    XCTAssertEqual(run.cells[0].output?.plots, ["grid.png"])
    let html = try folder.read("nb.html")
    XCTAssertTrue(html.contains("<img src=\"data:image/png;base64,"))
    try checkHTML(html, plots: 0)
    XCTAssertTrue(try folder.read("nb.out.md").contains("![cell 1, plot 1](nb_files/grid.png)"))
  }

  func testOutDirectory() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["1 + 1"]))
    let out = folder.url.appendingPathComponent("site")
    let run = try runNotebook(path, out: out)
    XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("nb.out.md").path))
    XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("nb.html").path))
    XCTAssertEqual(run.paths.cache.path, folder.url.appendingPathComponent("nb.aegis-cache").path)
  }

  func testXHTMLFixes() {
    XCTAssertEqual(XHTML.fix("a<br>b<hr><img src=\"x\" alt=\"y\">"), "a<br/>b<hr/><img src=\"x\" alt=\"y\"/>")
    XCTAssertEqual(XHTML.fix("<br/>&nbsp;&amp;&#955;&bogus; & x"), "<br/>&#160;&amp;&#955;&amp;bogus; &amp; x")
  }

  func testSVGInliningPrefixesIDsAndDropsScripts() {
    let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><defs><path id='pt'/></defs>"
      + "<script href=\"http://x/y.js\"></script><use xlink:href='#pt'/><rect fill=\"url(#pt)\"/><a href=\"#other\"/></svg>"
    let inlined = SVGInliner.inline(svg, prefix: "p1") ?? ""
    XCTAssertTrue(inlined.hasPrefix("<svg"))
    XCTAssertFalse(inlined.contains("script"))
    XCTAssertTrue(inlined.contains("id='p1-pt'"))
    XCTAssertTrue(inlined.contains("xlink:href='#p1-pt'"))
    XCTAssertTrue(inlined.contains("url(#p1-pt)"))
    XCTAssertTrue(inlined.contains("href=\"#other\""))
  }

  /// Dates and wall times vary from run to run.
  static func normalized(_ text: String) -> String {
    var s = text
    for (pattern, replacement) in [("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC", "DATE"),
                                   ("[0-9]+\\.[0-9]{2} s", "T s")] {
      s = s.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
    }
    return s
  }
}

extension XCTestCase {
  /// Parses `html` as XML and checks the page is self-contained with `plots` inline SVGs.
  func checkHTML(_ html: String, plots: Int, file: StaticString = #filePath, line: UInt = #line) throws {
    XCTAssertNoThrow(try XMLDocument(xmlString: html, options: []), "the HTML must be well-formed XML", file: file, line: line)
    let document = try XMLDocument(xmlString: html, options: [])
    let svgs = try document.nodes(forXPath: "//*[local-name()='svg']")
    XCTAssertEqual(svgs.count, plots, "one <svg> per plot", file: file, line: line)
    XCTAssertEqual(try document.nodes(forXPath: "//*[local-name()='script']").count, 0, file: file, line: line)
    XCTAssertEqual(try document.nodes(forXPath: "//*[local-name()='link']").count, 0, file: file, line: line)
    XCTAssertEqual(try document.nodes(forXPath: "//*[local-name()='style']").count, 1, file: file, line: line)
    for pattern in ["src=\"http", "src='http", "@import", "url(http"] {
      XCTAssertFalse(html.contains(pattern), "external reference \(pattern)", file: file, line: line)
    }
  }
}
