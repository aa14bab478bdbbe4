// Embeds plot files in the HTML page: an SVG becomes inline markup (XML prolog and DOCTYPE
// removed, scripts dropped, ids prefixed per figure so several gnuplot SVGs in one page do not
// share ids); a PNG becomes a base64 `data:` image. Nothing refers to an external resource.

import Foundation

/// Inline markup for plot files.
enum SVGInliner {
  /// The markup for the image at `url`; `prefix` makes its ids unique in the page.
  static func markup(for url: URL, alt: String, prefix: String) -> String {
    guard let data = FileManager.default.contents(atPath: url.path) else {
      return "<p class=\"missing-plot\">missing plot file \(XHTML.escape(url.lastPathComponent))</p>"
    }
    if url.pathExtension.lowercased() == "svg" {
      return inline(String(decoding: data, as: UTF8.self), prefix: prefix)
        ?? "<p class=\"missing-plot\">unreadable SVG \(XHTML.escape(url.lastPathComponent))</p>"
    }
    let mime = url.pathExtension.lowercased() == "png" ? "image/png" : "application/octet-stream"
    return "<img src=\"data:\(mime);base64,\(data.base64EncodedString())\" alt=\"\(XHTML.escape(alt))\"/>"
  }

  /// The `<svg>…</svg>` element of `text`, made safe to inline; nil when there is none.
  static func inline(_ text: String, prefix: String) -> String? {
    guard let start = text.range(of: "<svg"), let end = text.range(of: "</svg>", options: .backwards),
          start.lowerBound < end.lowerBound else { return nil }
    var svg = String(text[start.lowerBound..<end.upperBound])
    svg = replacing(svg, "<script\\b[^>]*>[\\s\\S]*?</script>|<script\\b[^>]*/>", with: "")
    return prefixIDs(svg, prefix)
  }

  /// Renames every `id` to `prefix-id` and updates `#id` references (`href`, `url(#id)`).
  static func prefixIDs(_ svg: String, _ prefix: String) -> String {
    guard let idRegex = try? NSRegularExpression(pattern: "\\bid=(['\"])([^'\"]+)\\1") else { return svg }
    let ns = svg as NSString
    let ids = Set(idRegex.matches(in: svg, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range(at: 2)) })
    guard !ids.isEmpty else { return svg }
    var out = replacing(svg, "\\bid=(['\"])([^'\"]+)\\1", with: "id=$1\(prefix)-$2$1")
    guard let refRegex = try? NSRegularExpression(pattern: "(href=['\"]#|url\\(#)([^'\")]+)") else { return out }
    let refs = out as NSString
    var result = ""
    var cursor = 0
    for match in refRegex.matches(in: out, range: NSRange(location: 0, length: refs.length)) {
      let name = refs.substring(with: match.range(at: 2))
      guard ids.contains(name) else { continue }
      result += refs.substring(with: NSRange(location: cursor, length: match.range(at: 2).location - cursor))
      result += "\(prefix)-\(name)"
      cursor = match.range(at: 2).location + match.range(at: 2).length
    }
    out = result + refs.substring(from: cursor)
    return out
  }

  private static func replacing(_ text: String, _ pattern: String, with template: String) -> String {
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
    return regex.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: (text as NSString).length),
                                          withTemplate: template)
  }
}
