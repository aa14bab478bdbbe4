// "Did you mean …?" suggestions: the closest candidate by edit distance (with transpositions),
// accepted only when the distance is small relative to the word's length.

/// Edit-distance helpers for hints.
public enum EditDistance {
  /// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
  /// adjacent characters each cost 1.
  public static func distance(_ a: String, _ b: String) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
    for i in 0...x.count { d[i][0] = i }
    for j in 0...y.count { d[0][j] = j }
    for i in 1...x.count {
      for j in 1...y.count {
        let cost = x[i - 1] == y[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[x.count][y.count]
  }

  /// The closest candidate within max(1, ⌊length/3⌋) edits (2 for words of 6+ letters), or nil.
  /// Ties go to the alphabetically first candidate, so hints are deterministic.
  public static func suggestion(for word: String, among candidates: [String]) -> String? {
    guard !word.isEmpty, word.count <= 64 else { return nil }
    let limit = max(1, min(3, word.count / 3))
    var best: (name: String, distance: Int)?
    for c in candidates.sorted() where c != word && Swift.abs(c.count - word.count) <= limit {
      let d = distance(word, c)
      if d <= limit, d < (best?.distance ?? Int.max) { best = (c, d) }
    }
    return best?.name
  }
}
