// The REPL through a pseudo-terminal, as a user types it: Tab completion, multi-line input
// with the continuation prompt, Ctrl-C (at the prompt, in a loop, during training) keeping the
// workspace, timing of slow commands, and the history file written after every command.

import Foundation
import XCTest

final class REPLTests: REPLTestCase {
  func testTabCompletesBuiltinsNamesAndParameters() throws {
    let t = try startREPL()
    t.send("print fashion_mn\t")
    XCTAssertTrue(t.expect("print fashion_mnist"), t.text)
    t.send("\n")
    XCTAssertTrue(t.expect("<builtin fashion_mnist("), t.text)
    XCTAssertTrue(t.expect("aegis> "))
    run(t, "learning_rate_base = 3")
    t.send("print learning_r\t")
    XCTAssertTrue(t.expect("print learning_rate_base"), t.text)
    t.send("\n")
    XCTAssertTrue(t.expect("3\n"), t.text)
    XCTAssertTrue(t.expect("aegis> "))
    t.send("a = pgd(ep\t")
    XCTAssertTrue(t.expect("a = pgd(eps: "), t.text)
    t.send("\u{03}")
    XCTAssertTrue(t.expect("aegis> "))
  }

  func testTabCompletesPathsInsideStrings() throws {
    try "x".write(to: home.appendingPathComponent("weights-final.safetensors"), atomically: true, encoding: .utf8)
    let t = try startREPL()
    t.send("load(\"\(home.path)/weights-f\t")
    XCTAssertTrue(t.expect("\(home.path)/weights-final.safetensors\""), t.text)
    t.send("\u{03}")
    XCTAssertTrue(t.expect("aegis> "))
  }

  func testMultiLineDefinitionWithContinuationPrompt() throws {
    let t = try startREPL()
    t.send("def f(x) {\n")
    XCTAssertTrue(t.expect("...> "), t.text)
    t.send("return x * 2\n")
    XCTAssertTrue(t.expect("...> "), t.text)
    t.send("}\n")
    XCTAssertTrue(t.expect("aegis> "), t.text)
    run(t, "f(21)", expecting: "42\n")
    run(t, "_ + 1", expecting: "43\n")
  }

  func testEmptyLineAbortsContinuation() throws {
    let t = try startREPL()
    t.send("y = [1,\n")
    XCTAssertTrue(t.expect("...> "), t.text)
    t.send("\n")
    XCTAssertTrue(t.expect("aegis> "), t.text)
    run(t, "print 5", expecting: "5\n")
    XCTAssertFalse(t.text.contains("error"), t.text)
  }

  func testControlCAtPromptClearsTheLine() throws {
    let t = try startREPL()
    t.send("this is not code")
    XCTAssertTrue(t.expect("not code"))
    t.send("\u{03}")
    XCTAssertTrue(t.expect("^C\n"), t.text)
    XCTAssertTrue(t.expect("aegis> "), t.text)
    run(t, "print 7", expecting: "7\n")
    XCTAssertFalse(t.text.contains("error"), t.text)
  }

  func testControlCInterruptsLoopAndKeepsWorkspace() throws {
    let t = try startREPL()
    run(t, "x = 5")
    t.send("while true { y = 1 }\n")
    t.idle(1.5)
    t.send("\u{03}")
    XCTAssertTrue(t.expect("interrupted"), t.text)
    XCTAssertTrue(t.expect(" s)"), "a command over 1 s prints its wall time:\n\(t.text)")
    XCTAssertTrue(t.expect("aegis> "), t.text)
    run(t, "print x", expecting: "5\n")
  }

  func testOneInterruptDeliveredTwiceStopsTheCommandButNotTheSession() throws {
    // `timeout -s INT`, or a runner forwarding the terminal's SIGINT, delivers one interrupt twice
    // within microseconds; only a second key press (≥ 100 ms later, within 2 s) exits hard.
    let t = try startREPL()
    run(t, "x = 5")
    t.send("while true { y = 1 }\n")
    t.idle(1.0)
    kill(t.pid, SIGINT)
    kill(t.pid, SIGINT)
    XCTAssertTrue(t.expect("interrupted"), t.text)
    XCTAssertTrue(t.expect("aegis> "), t.text)
    XCTAssertFalse(t.text.contains("interrupted twice"), t.text)
    run(t, "print x", expecting: "5\n")
  }

  func testControlCInterruptsTraining() throws {
    guard FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") else {
      throw XCTSkip("Fashion-MNIST not installed in /usr/share/datasets/fashion-mnist")
    }
    let t = try startREPL()
    run(t, "net = mlp(width: 16, depth: 1)")
    run(t, "d = fashion_mnist(\"train\", limit: 20000)", timeout: 20)
    t.send("h = train(net, d, epochs: 50, batch: 16)\n")
    XCTAssertTrue(t.expect("epoch", timeout: 10), t.text)
    t.idle(1.5)
    t.send("\u{03}")
    XCTAssertTrue(t.expect("interrupted", timeout: 5), t.text)
    XCTAssertTrue(t.expect("aegis> "), t.text)
    run(t, "print net.params", expecting: "12730\n")
  }

  func testHistoryIsWrittenAfterEachCommandAndReloaded() throws {
    let first = try startREPL()
    run(first, "answer = 42")
    let saved = try String(contentsOf: historyFile, encoding: .utf8)
    XCTAssertTrue(saved.contains("answer = 42"), saved)
    first.send("def twice(v) {\n")
    XCTAssertTrue(first.expect("...> "))
    first.send("return 2 * v\n}\n")
    XCTAssertTrue(first.expect("aegis> "))
    run(first, "print answer", expecting: "42\n")
    first.send("exit\n")
    XCTAssertEqual(first.waitForExit(), 0)
    let final = try String(contentsOf: historyFile, encoding: .utf8)
    XCTAssertTrue(final.contains("def twice(v) {\nreturn 2 * v\n}"), final)
    XCTAssertFalse(final.contains("exit"), final)

    // A new session recalls the multi-line entry as one: Up twice, Enter, then call it.
    let second = try startREPL()
    second.send("\u{1B}[A\u{1B}[A\n")
    XCTAssertTrue(second.expect("aegis> "), second.text)
    run(second, "twice(21)", expecting: "42\n")
  }
}
