// Scanner: token kinds, literals, locations, newline handling inside brackets, errors.

import AegisLang
import XCTest

final class ScannerTests: XCTestCase {
  private func kinds(_ source: String) -> [TokenKind] {
    Scanner.scan(source).tokens.map(\.kind)
  }

  func testOperatorsAndPunctuation() {
    XCTAssertEqual(kinds("+ - * / ^ % == != < <= > >= = : , . .. [ ] ( ) { } ;"),
                   [.plus, .minus, .star, .slash, .caret, .percent, .equalEqual, .bangEqual, .less, .lessEqual,
                    .greater, .greaterEqual, .equal, .colon, .comma, .dot, .dotDot, .leftBracket, .rightBracket,
                    .leftParen, .rightParen, .leftBrace, .rightBrace, .semicolon, .eof])
  }

  func testKeywordsAndIdentifiers() {
    let source = "def return if else for in while and or not true false nil break continue pgd _x a1"
    let expected: [TokenKind] = [.kwDef, .kwReturn, .kwIf, .kwElse, .kwFor, .kwIn, .kwWhile, .kwAnd, .kwOr, .kwNot,
                                 .kwTrue, .kwFalse, .kwNil, .kwBreak, .kwContinue, .identifier, .identifier, .identifier, .eof]
    XCTAssertEqual(kinds(source), expected)
  }

  func testNumbers() {
    let tokens = Scanner.scan("1 2.5 1e-3 3E+2 8/255").tokens
    XCTAssertEqual(tokens.filter { $0.kind == .number }.map(\.number), [1, 2.5, 0.001, 300, 8, 255])
    XCTAssertEqual(kinds("0..5"), [.number, .dotDot, .number, .eof])
    XCTAssertEqual(kinds("x.shape"), [.identifier, .dot, .identifier, .eof])
  }

  func testInvalidNumbers() {
    XCTAssertEqual(Scanner.scan("1abc").errors.first?.message, "invalid number `1abc`")
    XCTAssertEqual(Scanner.scan("1e999").errors.first?.message, "number `1e999` is too large")
  }

  func testStringsAndEscapes() {
    let tokens = Scanner.scan(#""a\n\t\"q\"\\ \u{41}""#).tokens
    XCTAssertEqual(tokens[0].kind, .string)
    XCTAssertEqual(tokens[0].text, "a\n\t\"q\"\\ A")
    XCTAssertEqual(Scanner.scan(#""bad \q""#).errors.first?.message.hasPrefix("unknown escape `\\q`"), true)
  }

  func testUnterminatedString() {
    let (tokens, errors) = Scanner.scan("x = \"abc\ny = 1")
    XCTAssertEqual(errors.count, 1)
    XCTAssertEqual(errors[0].location?.line, 1)
    XCTAssertEqual(errors[0].location?.column, 5)
    XCTAssertTrue(tokens.contains { $0.kind == .identifier && $0.text == "y" })
  }

  func testCommentsAndNewlines() {
    XCTAssertEqual(kinds("a # comment\nb"), [.identifier, .newline, .identifier, .eof])
  }

  func testNewlinesIgnoredInsideParensAndBrackets() {
    XCTAssertEqual(kinds("f(1,\n2)\n[3,\n4]"),
                   [.identifier, .leftParen, .number, .comma, .number, .rightParen, .newline,
                    .leftBracket, .number, .comma, .number, .rightBracket, .eof])
    XCTAssertEqual(kinds("{\na\n}"), [.leftBrace, .newline, .identifier, .newline, .rightBrace, .eof])
  }

  func testClosingBraceClosesUnclosedParen() {
    // `f(1 }` must not keep swallowing newlines for the rest of the file.
    XCTAssertEqual(kinds("{ f(1 }\nx"), [.leftBrace, .identifier, .leftParen, .number, .rightBrace, .newline, .identifier, .eof])
  }

  func testLocations() {
    let tokens = Scanner.scan("x = 12\n  yy", file: "f.aegis", firstLine: 10).tokens
    XCTAssertEqual(tokens[2].location, SourceLocation(file: "f.aegis", line: 10, column: 5, length: 2))
    XCTAssertEqual(tokens[4].location, SourceLocation(file: "f.aegis", line: 11, column: 3, length: 2))
  }

  func testUnexpectedCharacters() {
    let errors = Scanner.scan("a $ b ! c").errors.map(\.message)
    XCTAssertEqual(errors, ["unexpected character `$`", "unexpected character `!`"])
  }
}
