// Everything that can change how a notebook runs: parameter overrides, the cache, `--from`,
// where the outputs and the cache go, the version stamped into documents, and live output.

import AegisLang
import Foundation

/// How to run a notebook (the command line's flags, as a value).
public struct NotebookOptions {
  /// `--set name=value` overrides of variables assigned in `#| param` cells.
  public var parameters: [ParameterOverride] = []
  /// False for `--no-cache`: every cell runs (fresh outputs are still stored in the cache).
  public var useCache = true
  /// `--from N`: cells N… always recompute (cells before N still run to rebuild the workspace).
  public var from: Int?
  /// `--out DIR`: where NAME.out.md, NAME.html and NAME_files/ go (default: next to the notebook).
  public var outputDirectory: URL?
  /// The cache folder (default: NAME.aegis-cache/ next to the notebook).
  public var cacheDirectory: URL?
  /// The version in provenance stamps and cache keys.
  public var version = Notebook.aegisVersion
  /// Receives live console output (cell headers and outputs as they are produced); nil = quiet.
  public var log: ((String) -> Void)?
  /// The builtins cells can call (default: the standard registry).
  public var registry: BuiltinRegistry?

  /// The defaults: cache on, no overrides, outputs next to the notebook, quiet.
  public init() {}
}
