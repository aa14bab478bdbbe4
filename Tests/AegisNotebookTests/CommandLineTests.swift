// The `aegis notebook` entry point: argument parsing, --help, --list-cells, usage errors and
// exit codes, and a full run printing live output and a summary.

@testable import AegisNotebook
import XCTest

final class CommandLineTests: XCTestCase {
  private func run(_ arguments: [String]) -> (code: Int32, out: String, err: String) {
    var out: [String] = [], err: [String] = []
    let code = NotebookCommandLine.run(arguments: arguments, output: { out.append($0) }, errorOutput: { err.append($0) })
    return (code, out.joined(separator: "\n"), err.joined(separator: "\n"))
  }

  func testParsesEveryFlag() throws {
    let a = try CommandArguments.parse(["nb.md", "--set", "n=5", "--set=eps=[0, 0.1]", "--no-cache", "--from", "3",
                                        "--out", "/tmp/o", "--cache-dir=/tmp/c", "--quiet"])
    XCTAssertEqual(a.file, "nb.md")
    XCTAssertEqual(a.options.parameters.map(\.assignment), ["n = 5", "eps = [0, 0.1]"])
    XCTAssertFalse(a.options.useCache)
    XCTAssertEqual(a.options.from, 3)
    XCTAssertEqual(a.options.outputDirectory?.path, "/tmp/o")
    XCTAssertEqual(a.options.cacheDirectory?.path, "/tmp/c")
    XCTAssertTrue(a.quiet)
  }

  func testUsageErrors() {
    XCTAssertEqual(run([]).code, 64)
    XCTAssertEqual(run(["a.md", "b.md"]).code, 64)
    XCTAssertEqual(run(["a.md", "--bogus"]).code, 64)
    XCTAssertEqual(run(["a.md", "--from", "x"]).code, 64)
    XCTAssertEqual(run(["a.md", "--set"]).code, 64)
    XCTAssertEqual(run(["/nonexistent.md"]).code, 66)
    XCTAssertEqual(run(["--help"]).code, 0)
    XCTAssertTrue(run(["--help"]).out.contains("usage: aegis notebook"))
  }

  func testListCells() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["#| param\nn = 1", "#| echo: false\n#| fig: \"c\"\nprint n"]))
    let result = run([path, "--list-cells"])
    XCTAssertEqual(result.code, 0)
    XCTAssertEqual(result.out, """
      cell  line  options                code
         1     5  param                  n = 1
         2    12  echo: false, fig: "c"  print n
      """)
    XCTAssertFalse(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("nb.out.md").path))
  }

  func testRunPrintsLiveOutputAndExitCode() throws {
    let folder = try TemporaryFolder()
    let path = try folder.write("nb.md", notebookText(["print \"hello\"", "nope"]))
    let result = run([path])
    XCTAssertEqual(result.code, 70)
    XCTAssertTrue(result.out.contains("── cell 1 · line 5 · recomputed: not in the cache\nhello"), result.out)
    XCTAssertTrue(result.out.contains("wrote "), result.out)
    XCTAssertTrue(result.err.contains("nb.md: cell 2 (line 11) failed"), result.err)
    XCTAssertTrue(result.err.contains("nb.md:12:1: error: undefined name `nope`"), result.err)
    let quiet = run([path, "--quiet", "--set", "x=1"])
    XCTAssertEqual(quiet.code, 64)
  }
}
