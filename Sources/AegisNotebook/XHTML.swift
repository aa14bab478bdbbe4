// Makes Ink's HTML parse as XML, so the page is well-formed XHTML: void elements are closed
// (`<br>` → `<br/>`), named entities other than XML's five become numeric references, and stray
// ampersands are escaped. Also the text escaping the renderers use.

import Foundation

/// XHTML helpers.
public enum XHTML {
  /// Escapes `&`, `<`, `>` and `"` for text and attribute values.
  public static func escape(_ text: String) -> String {
    var out = ""
    for c in text {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }

  /// Undoes `escape` (for text Ink already escaped).
  static func unescape(_ text: String) -> String {
    text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
      .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
  }

  /// `html` with void elements self-closed and entities made XML-safe.
  static func fix(_ html: String) -> String {
    entities(voidElements(html))
  }

  private static let voidPattern = try? NSRegularExpression(
    pattern: "<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)(\\s[^<>]*?)?\\s*(?<!/)>",
    options: [.caseInsensitive])

  private static func voidElements(_ html: String) -> String {
    guard let regex = voidPattern else { return html }
    return regex.stringByReplacingMatches(in: html, range: NSRange(html.startIndex..., in: html), withTemplate: "<$1$2/>")
  }

  /// Named entities HTML authors commonly write, as code points.
  private static let named: [String: Int] = [
    "nbsp": 160, "copy": 169, "reg": 174, "deg": 176, "plusmn": 177, "middot": 183, "times": 215, "divide": 247,
    "ndash": 8211, "mdash": 8212, "lsquo": 8216, "rsquo": 8217, "ldquo": 8220, "rdquo": 8221, "bull": 8226,
    "hellip": 8230, "larr": 8592, "rarr": 8594, "le": 8804, "ge": 8805, "ne": 8800, "asymp": 8776, "infin": 8734,
    "epsilon": 949, "theta": 952, "delta": 948, "nabla": 8711, "alpha": 945, "beta": 946,
  ]

  private static let entityPattern = try? NSRegularExpression(pattern: "&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?")

  private static func entities(_ html: String) -> String {
    guard let regex = entityPattern else { return html }
    let ns = html as NSString
    var out = ""
    var cursor = 0
    for match in regex.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
      out += ns.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
      cursor = match.range.location + match.range.length
      let body = match.range(at: 1).location == NSNotFound ? "" : ns.substring(with: match.range(at: 1))
      out += replacement(body)
    }
    return out + ns.substring(from: cursor)
  }

  /// The text for `&` followed by `body` (an entity name with `;`, a numeric reference, or "").
  private static func replacement(_ body: String) -> String {
    if body.isEmpty { return "&amp;" }
    if body.hasPrefix("#") { return "&" + body }
    let name = String(body.dropLast())
    if ["amp", "lt", "gt", "quot", "apos"].contains(name) { return "&" + body }
    if let code = named[name] { return "&#\(code);" }
    return "&amp;" + body
  }
}
