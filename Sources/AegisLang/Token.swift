// Tokens: the scanner's output and the parser's input. The raw value of each kind is how it is
// spelled in messages ("expected `)`").

/// What kind of token a lexeme is.
public enum TokenKind: String, Equatable, Sendable, CaseIterable {
  // Literals and names.
  case number = "number", string = "string", identifier = "identifier"
  // Keywords.
  case kwDef = "def", kwReturn = "return", kwIf = "if", kwElse = "else", kwFor = "for", kwIn = "in"
  case kwWhile = "while", kwAnd = "and", kwOr = "or", kwNot = "not", kwTrue = "true", kwFalse = "false"
  case kwNil = "nil", kwBreak = "break", kwContinue = "continue"
  // Operators and punctuation.
  case plus = "+", minus = "-", star = "*", slash = "/", caret = "^", percent = "%", at = "@"
  case equalEqual = "==", bangEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case equal = "=", colon = ":", comma = ",", dot = ".", dotDot = ".."
  case leftBracket = "[", rightBracket = "]", leftParen = "(", rightParen = ")", leftBrace = "{", rightBrace = "}"
  case semicolon = ";"
  // Layout.
  case newline = "end of line", eof = "end of input"

  /// Keyword spellings, for the scanner and for completion.
  public static let keywords: [String: TokenKind] = {
    let all: [TokenKind] = [.kwDef, .kwReturn, .kwIf, .kwElse, .kwFor, .kwIn, .kwWhile, .kwAnd, .kwOr,
                            .kwNot, .kwTrue, .kwFalse, .kwNil, .kwBreak, .kwContinue]
    return Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0) })
  }()

  /// Binary operators after which a line may continue (used by the parser and `isIncomplete`).
  public var isBinaryOperator: Bool {
    switch self {
    case .plus, .minus, .star, .slash, .caret, .percent, .at, .equalEqual, .bangEqual, .less, .lessEqual,
         .greater, .greaterEqual, .kwAnd, .kwOr, .dotDot, .equal:
      return true
    default:
      return false
    }
  }
}

/// One lexeme with its kind, literal value and location.
public struct Token: Equatable, Sendable, CustomStringConvertible {
  /// The token kind.
  public var kind: TokenKind
  /// The exact source text.
  public var lexeme: String
  /// For strings, the unescaped contents; for identifiers, the name; otherwise the lexeme.
  public var text: String
  /// For numbers, the value.
  public var number: Double
  /// Where the token starts; `location.length` is its length.
  public var location: SourceLocation

  /// Creates a token.
  public init(kind: TokenKind, lexeme: String, text: String? = nil, number: Double = 0, location: SourceLocation) {
    self.kind = kind
    self.lexeme = lexeme
    self.text = text ?? lexeme
    self.number = number
    self.location = location
  }

  /// How the token is named in error messages: "`)`", "end of line".
  public var displayName: String {
    switch kind {
    case .newline, .eof: return kind.rawValue
    case .string: return "string \(lexeme)"
    default: return "`\(lexeme)`"
    }
  }

  /// `kind lexeme @ location`, for debugging and tests.
  public var description: String { "\(kind) \(lexeme) @\(location)" }
}
