// `aegis notebook FILE.md [--set name=value]… [--no-cache] [--list-cells] [--from N] [--out DIR]`
// as a library entry point: the executable passes the arguments after `notebook` and exits with
// the returned code (0 ok, 64 usage, 65 malformed notebook or syntax error, 66 unreadable,
// 70 runtime error in a cell, 73 unwritable output, 130 interrupted).

import Foundation

/// The `notebook` subcommand.
public enum NotebookCommandLine {
  /// The help text.
  public static let usage = """
    usage: aegis notebook FILE.md [--set name=value]... [--no-cache] [--list-cells] [--from N] [--out DIR]
                                  [--cache-dir DIR] [--quiet]
           aegis notebook --to ipynb FILE.md [--out DIR]

    Runs the ```aegis cells of a Markdown notebook top to bottom in one workspace and writes
    FILE.out.md (code, outputs, errors, plot links) and a self-contained FILE.html, with plots in
    FILE_files/. Outputs are cached in FILE.aegis-cache/ next to the notebook.

      --set name=value  override a variable assigned in a `#| param` cell (value: an Aegis literal:
                        200, 0.1, true, '"text"', '[0, 0.1]')
      --no-cache        run every cell (fresh outputs still refresh the cache)
      --list-cells      list the cells (number, line, options, first line) and exit
      --from N          recompute cells N… (cells before N run silently to rebuild the workspace)
      --out DIR         write FILE.out.md, FILE.html and FILE_files/ into DIR
      --cache-dir DIR   keep the cache in DIR instead of FILE.aegis-cache/
      --quiet           print only errors and the summary, not the cells' output
      --to ipynb        convert FILE.md to FILE.ipynb (for JupyterLab with the Aegis kernel) and exit

    FILE may also be an .ipynb whose cells are Aegis code: it runs like the Markdown it converts to.
    """

  /// Runs the subcommand with `arguments` (those after `notebook`), printing to standard output
  /// and standard error; returns the exit code.
  public static func run(arguments: [String]) -> Int32 {
    run(arguments: arguments,
        output: { text in
          print(text)
          fflush(stdout)
        },
        errorOutput: { text in FileHandle.standardError.write(Data((text + "\n").utf8)) })
  }

  /// Runs the subcommand, sending normal output and errors to the given closures.
  public static func run(arguments: [String], output: @escaping (String) -> Void,
                         errorOutput: @escaping (String) -> Void) -> Int32 {
    do {
      let parsed = try CommandArguments.parse(arguments)
      if parsed.help {
        output(usage)
        return 0
      }
      if parsed.listCells {
        output(CellListing.render(try NotebookRunner.load(URL(fileURLWithPath: parsed.file))))
        return 0
      }
      if let format = parsed.convertTo { return try convert(parsed, to: format, output: output) }
      var options = parsed.options
      if !parsed.quiet { options.log = output }
      let run = try NotebookRunner(options: options).run(path: parsed.file)
      if let failure = run.failure { errorOutput(failure) }
      output(summary(run))
      return run.exitCode
    } catch let error as NotebookError {
      errorOutput("error: \(error.message)")
      if error.exitCode == 64 { errorOutput("(see aegis notebook --help)") }
      return error.exitCode
    } catch {
      errorOutput("error: \(error)")
      return 70
    }
  }

  /// `--to ipynb`: writes NAME.ipynb next to the notebook (or into --out DIR).
  static func convert(_ parsed: CommandArguments, to format: String, output: (String) -> Void) throws -> Int32 {
    guard format == "ipynb" else { throw NotebookError.usage("--to takes ipynb, got `\(format)`") }
    let url = URL(fileURLWithPath: parsed.file)
    guard let data = FileManager.default.contents(atPath: url.path) else { throw NotebookError("cannot read \(url.path)", exitCode: 66) }
    let json = try Ipynb.fromMarkdown(String(decoding: data, as: UTF8.self), name: url.lastPathComponent)
    let paths = NotebookPaths(notebook: url, options: parsed.options)
    let target = paths.markdown.deletingLastPathComponent().appendingPathComponent(paths.stem + ".ipynb")
    do {
      try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
      try json.write(to: target, atomically: true, encoding: .utf8)
    } catch {
      throw NotebookError("cannot write \(target.path): \(error.localizedDescription)", exitCode: 73)
    }
    output("wrote \(target.path)")
    return 0
  }

  /// `wrote a.out.md and a.html (5 cells: 2 run, 3 cached)`.
  static func summary(_ run: NotebookRun) -> String {
    let n = run.cells.count
    return "wrote \(run.paths.markdown.path) and \(run.paths.html.path) (\(n) cell\(n == 1 ? "" : "s"): "
      + "\(run.executedCount) run, \(run.cachedCount) cached, \(String(format: "%.1f", run.provenance.totalSeconds)) s)"
  }
}

/// The parsed command line.
struct CommandArguments {
  var file = ""
  var options = NotebookOptions()
  var listCells = false
  var quiet = false
  /// `--to FORMAT`: convert instead of running.
  var convertTo: String?
  var help = false

  /// Parses the arguments after `notebook`.
  static func parse(_ arguments: [String]) throws -> CommandArguments {
    var result = CommandArguments()
    var files: [String] = []
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      let (flag, inline) = split(argument)
      func value() throws -> String {
        if let inline { return inline }
        guard let next = rest.popFirst() else { throw NotebookError.usage("\(flag) needs a value") }
        return next
      }
      switch flag {
      case "-h", "--help": result.help = true
      case "--set": result.options.parameters.append(try ParameterOverride.parse(try value()))
      case "--no-cache": result.options.useCache = false
      case "--list-cells": result.listCells = true
      case "--quiet", "-q": result.quiet = true
      case "--to": result.convertTo = try value()
      case "--from":
        let text = try value()
        guard let n = Int(text) else { throw NotebookError.usage("--from takes a cell number, got `\(text)`") }
        result.options.from = n
      case "--out": result.options.outputDirectory = URL(fileURLWithPath: try value(), isDirectory: true)
      case "--cache-dir": result.options.cacheDirectory = URL(fileURLWithPath: try value(), isDirectory: true)
      default:
        guard !argument.hasPrefix("-") || argument == "-" else { throw NotebookError.usage("unknown option \(argument)") }
        files.append(argument)
      }
    }
    if result.help { return result }
    guard files.count == 1 else {
      throw NotebookError.usage(files.isEmpty ? "missing notebook file (FILE.md)" : "one notebook at a time, got \(files.count) files")
    }
    result.file = files[0]
    return result
  }

  /// `--out=DIR` → ("--out", "DIR"); other arguments → (argument, nil).
  private static func split(_ argument: String) -> (String, String?) {
    guard argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") else { return (argument, nil) }
    return (String(argument[..<eq]), String(argument[argument.index(after: eq)...]))
  }
}
