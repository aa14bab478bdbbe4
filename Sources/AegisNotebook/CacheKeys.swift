// The cache's hash chain. A cell's key covers its code and execution options, the key of the
// cell before it (so, transitively, the code of every earlier cell), the `--set` parameters and
// the Aegis version. Prose and display-only options (`echo`, `cache`) are not part of it, so
// fixing a typo in the text never recomputes anything.

/// Code hashes and chained keys for the cells of a notebook.
struct CacheKeys: Equatable {
  /// Per cell: the hash of its code and execution options alone.
  var codeHashes: [String]
  /// Per cell: the chained key.
  var keys: [String]
  /// The parameters in canonical form (`a = 1; b = "x"`, sorted by name).
  var parameters: String

  /// Computes the keys for `cells` under `parameters` and `version`.
  init(cells: [Cell], parameters: [ParameterOverride], version: String) {
    self.parameters = Self.canonical(parameters)
    codeHashes = cells.map { SHA256.hex($0.options.executionKey + "\n" + $0.code) }
    var previous = SHA256.hex("aegis-notebook-cache/1\n\(version)\n\(self.parameters)")
    var keys: [String] = []
    for hash in codeHashes {
      previous = SHA256.hex(previous + "\n" + hash)
      keys.append(previous)
    }
    self.keys = keys
  }

  /// `a = 1; b = "x"`: the overrides sorted by name (the last one wins for a repeated name).
  static func canonical(_ parameters: [ParameterOverride]) -> String {
    var byName: [String: ParameterOverride] = [:]
    for p in parameters { byName[p.name] = p }
    return byName.keys.sorted().compactMap { byName[$0]?.assignment }.joined(separator: "; ")
  }
}
