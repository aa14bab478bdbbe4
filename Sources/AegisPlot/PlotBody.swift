// PlotBody: a drawing as data-file text plus the gnuplot commands that read it.

/// What a figure or image grid contributes to a script, independent of the target.
///
/// `data` is the full tab-separated data file (comments and `index` blocks). `commands` are
/// the settings and the `plot` command, given how to refer to the data: a quoted file name
/// (`'fig.dat'`) for file targets or a datablock name (`$AEGIS`) for inline ones.
struct PlotBody {
  var data: String
  var commands: (_ dataReference: String) -> [String]
}
