// The study's collect step (issue 12): raw per-cell JSON records under docs/results/<study>/
// → tables, paired intervals, verdicts and the two figures, spliced into docs/results.md.

import AegisPlot
import AegisSSL
import Foundation

/// Registers the study family.
public func registerStudyBuiltins(into registry: BuiltinRegistry) {
  registry.register([studyCollectBuiltin])
}

private let studyCollectBuiltin = Builtin(
  name: "study_collect", category: "ssl",
  summary: "Regenerate the study's tables, 95% intervals, verdicts and figures from the per-cell result files in `dir`.",
  details: "Reads every *.json cell record (format aegis-study-cell/1, see Sources/AegisSSL/StudyRecord.swift) in `dir`, writes `dir`/summary.md, figure1.png (SA vs RA with 95% error bars) and claim2-curves.png, and with `doc:` replaces the text between <!-- study:begin --> and <!-- study:end --> in that file. Returns the generated markdown.",
  parameters: [Parameter("dir", .string, doc: "the study's results directory, e.g. \"docs/results/study\""),
               Parameter("doc", .optional(.string), default: .nil, doc: "markdown file to splice the section into (between the study markers)"),
               Parameter("plots", .bool, default: .bool(true), doc: "draw the figures (needs gnuplot)"),
               Parameter("margin", .optional(.number), default: .nil, doc: "an interval inside ±margin (accuracy fraction, e.g. 0.005) counts as \"does not hold\""),
               Parameter("min_pairs", .optional(.number), default: .nil, doc: "seeds a comparison needs before it gets a verdict (default: the number in the records' `seeds` setting; the ensemble comparisons of claim 3 need at most 3, the seeds issue 12 plans for them)")],
  returns: "string", example: "md = study_collect(\"docs/results/study\", doc: \"docs/results.md\")", exampleNeedsFiles: true
) { args, interp in
  let dir = try args.string("dir")
  let records: [StudyRecord]
  do { records = try StudyRecord.load(directory: dir) } catch let e as StudyError { throw args.error(e.message) }
  guard !records.isEmpty else { throw args.error("\(dir) holds no *.json cell records yet: run the study plan first") }
  let report = StudyReport(study: records[0].study, records: records, margin: try args.optionalNumber("margin"),
                           minimumPairs: try args.optionalNumber("min_pairs").map { Int($0) })
  let doc = try args.optionalString("doc")
  var figure1: String? = nil, curves: String? = nil
  if try args.bool("plots") {
    let scatterPath = dir + "/figure1.png", curvesPath = dir + "/claim2-curves.png"
    try draw(studyScatter(report), to: scatterPath, interp)
    figure1 = relative(scatterPath, to: doc)
    if !report.curves.isEmpty {
      try draw(Figure.learningCurves(report.curves.map { ($0.group, $0.meanRA) }, title: "validation RA per fine-tuning epoch (mean over seeds)",
                                     yLabel: "robust accuracy (PGD)", legendPlacement: .bottomRight), to: curvesPath, interp)
      curves = relative(curvesPath, to: doc)
    }
  }
  let body = report.markdown(figure1: figure1, curvesFigure: curves)
  do {
    try Data((body + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/summary.md"), options: .atomic)
    if let doc {
      let text = try String(contentsOfFile: doc, encoding: .utf8)
      try Data(try StudyReport.splice(body, into: text).utf8).write(to: URL(fileURLWithPath: doc), options: .atomic)
    }
  } catch let e as StudyError { throw args.error("\(doc ?? dir): \(e.message)") }
  catch { throw args.error("cannot write the study summary: \(error.localizedDescription)") }
  return .string(body)
}

/// Figure 1 of the paper as SA vs RA: one point per model, with the 95% intervals of both, named
/// in the legend (text labels next to the points overlap where the models are close).
private func studyScatter(_ report: StudyReport) -> Figure {
  let series = report.scatter.map { p in
    PlotSeries(name: p.label, x: [p.sa], y: [p.ra], yError: [p.raHalfWidth], xError: [p.saHalfWidth], style: .points)
  }
  return Figure(title: "SA vs RA (PGD-20), mean over seeds with 95% intervals", xLabel: "standard accuracy (SA)",
                yLabel: "robust accuracy (RA)", series: series, kind: .scatter, legendPlacement: .outsideRight)
}

/// `path` as seen from the directory of `doc` (for markdown image links).
private func relative(_ path: String, to doc: String?) -> String {
  guard let doc else { return (path as NSString).lastPathComponent }
  let base = (doc as NSString).deletingLastPathComponent
  return base.isEmpty || !path.hasPrefix(base + "/") ? path : String(path.dropFirst(base.count + 1))
}
