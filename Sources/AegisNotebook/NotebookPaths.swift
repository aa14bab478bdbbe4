// Where a notebook's outputs go: for `dir/NAME.md`, the rendered `NAME.out.md` and `NAME.html`
// and the plots folder `NAME_files/` (in `--out DIR` or next to the notebook), and the cache
// `NAME.aegis-cache/` next to the notebook.

import Foundation

/// The files a notebook run reads and writes.
public struct NotebookPaths: Equatable {
  /// The notebook.
  public var notebook: URL
  /// The notebook's name without `.md`.
  public var stem: String
  /// The rendered Markdown, `NAME.out.md`.
  public var markdown: URL
  /// The self-contained HTML, `NAME.html`.
  public var html: URL
  /// The plots folder, `NAME_files/`.
  public var files: URL
  /// The plots folder as linked from the rendered Markdown (relative: `NAME_files`).
  public var filesLink: String
  /// The cache folder, `NAME.aegis-cache/`.
  public var cache: URL

  /// The paths for `notebook` under `options`.
  public init(notebook: URL, options: NotebookOptions = NotebookOptions()) {
    self.notebook = notebook
    let name = notebook.lastPathComponent
    stem = name.lowercased().hasSuffix(".md") ? String(name.dropLast(3))
      : name.lowercased().hasSuffix(".ipynb") ? String(name.dropLast(6)) : name
    let folder = notebook.deletingLastPathComponent()
    let out = options.outputDirectory ?? folder
    markdown = out.appendingPathComponent("\(stem).out.md")
    html = out.appendingPathComponent("\(stem).html")
    filesLink = "\(stem)_files"
    files = out.appendingPathComponent(filesLink)
    cache = options.cacheDirectory ?? folder.appendingPathComponent("\(stem).aegis-cache")
  }
}
