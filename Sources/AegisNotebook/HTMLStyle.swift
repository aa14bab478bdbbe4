// The page's stylesheet, inlined in a <style> tag: system fonts only (no remote fonts), a
// readable measure, distinct code / output / error blocks, quiet status lines, responsive
// plots, and a dark variant.

/// CSS for rendered notebooks.
enum HTMLStyle {
  static let css = """
    :root { color-scheme: light dark; --fg: #1d1f21; --bg: #ffffff; --muted: #6a737d; --code-bg: #f6f8fa;
      --border: #d0d7de; --out-bg: #fbfbf4; --err-bg: #fff5f5; --err: #b31d28; --accent: #0b62a4; }
    @media (prefers-color-scheme: dark) {
      :root { --fg: #e6e6e6; --bg: #16181a; --muted: #9aa4ae; --code-bg: #22262a; --border: #3a4047;
        --out-bg: #1f231f; --err-bg: #2d1b1d; --err: #ff8a8a; --accent: #6cb6ff; }
      figure.plot svg, figure.plot img { background: #ffffff; border-radius: 4px; }
    }
    html { background: var(--bg); color: var(--fg); }
    body { margin: 0 auto; max-width: 50rem; padding: 2rem 1.25rem 4rem;
      font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    h1, h2, h3 { line-height: 1.25; margin-top: 2rem; }
    a { color: var(--accent); }
    code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
    :not(pre) > code { background: var(--code-bg); padding: 0.1em 0.3em; border-radius: 3px; }
    pre { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 0.75rem 1rem;
      overflow-x: auto; line-height: 1.45; margin: 0.5rem 0; }
    pre code.language-output { display: block; }
    pre:has(> code.language-output) { background: var(--out-bg); border-style: dashed; }
    pre:has(> code.language-error) { background: var(--err-bg); border-color: var(--err); color: var(--err); }
    section.cell { margin: 1.25rem 0; }
    p.cell-status { color: var(--muted); font-size: 0.78rem; margin: 0.2rem 0 0; text-align: right; }
    figure.plot { margin: 0.75rem 0; text-align: center; }
    figure.plot svg, figure.plot img { max-width: 100%; height: auto; }
    table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
    th, td { border: 1px solid var(--border); padding: 0.25rem 0.6rem; }
    blockquote { border-left: 4px solid var(--border); margin: 1rem 0; padding: 0 1rem; color: var(--muted); }
    hr { border: 0; border-top: 1px solid var(--border); margin: 2.5rem 0 1rem; }
    .missing-plot { color: var(--err); }
    """
}
