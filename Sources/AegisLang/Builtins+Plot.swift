// Plot builtins (gnuplot): learning curves of histories, accuracy-vs-eps curves, SA-vs-RA
// scatters of grid tables, image grids of clean/adversarial/perturbation; export to CSV/JSON.

import AegisData
import AegisNN
import AegisPlot
import AegisRobust
import AegisTensor
import Foundation

/// Registers the plot family.
public func registerPlotBuiltins(into registry: BuiltinRegistry) {
  registry.register([plotBuiltin, showImagesBuiltin, exportBuiltin])
}

private let plotBuiltin = Builtin(
  name: "plot", category: "plot",
  summary: "Plot a History (learning curves), a Curve (accuracy vs eps) or a grid Table (SA vs RA): inline, or `to:` a .png/.svg.",
  details: "Every file plot also writes NAME.dat and NAME.gp next to the image, so `gnuplot NAME.gp` redraws it. Without `to:` the plot is drawn as text in the terminal (or in a window when $DISPLAY is set).",
  parameters: [Parameter("value", .any, doc: "a History, list of Histories, Curve or Table"),
               Parameter("to", .optional(.string), default: .nil, doc: "file to write (.png or .svg)"),
               Parameter("title", .optional(.string), default: .nil, doc: "title"),
               Parameter("metrics", .optional(.list), default: .nil, doc: "for histories: which metrics (default all accuracies and the loss)"),
               Parameter("log", .bool, default: .bool(false), doc: "logarithmic y axis")],
  returns: "nil", example: "h = train(net, train, epochs: 2)\nplot h to: \"curves.png\"", exampleNeedsFiles: true
) { args, interp in
  let metrics = args.has("metrics") ? try args.list("metrics").map { try $0.asString("each metric") } : nil
  var figure = try figure(for: args["value"], metrics: metrics)
  if let title = try args.optionalString("title") { figure.title = title }
  figure.logScaleY = try args.bool("log")
  try draw(figure, to: try args.optionalString("to"), interp)
  return .nil
}

func figure(for value: Value, metrics: [String]?) throws -> Figure {
  switch value {
  case .object(let h as HistoryObject): return learningFigure([h.history], metrics: metrics)
  case .list(let items) where items.allSatisfy({ if case .object(let o) = $0 { return o is HistoryObject } else { return false } }):
    return learningFigure(items.compactMap { if case .object(let h as HistoryObject) = $0 { return h.history } else { return nil } }, metrics: metrics)
  case .object(let c as CurveObject):
    return Figure.robustnessCurves(c.curve.lines.map { ($0.model, $0.epsilons, $0.accuracy) }, title: "accuracy vs eps (n = \(c.curve.examples))")
  case .object(let p as ScatterSource):
    return Figure.accuracyScatter(points: p.scatterPoints, title: p.scatterTitle)
  default:
    throw LangError("cannot plot \(value.shortDescription): plot takes a History, a list of Histories, a Curve or a grid Table")
  }
}

/// Values that plot as an SA-vs-RA scatter (the paper's Figure 1).
public protocol ScatterSource: AegisObject {
  var scatterPoints: [(label: String, sa: Double, ra: Double)] { get }
  var scatterTitle: String { get }
}

private func learningFigure(_ histories: [History], metrics: [String]?) -> Figure {
  var series: [(name: String, values: [Double])] = []
  for h in histories {
    let chosen = metrics ?? h.metricNames.filter { $0.hasSuffix("acc") || $0 == "loss" }
    for m in chosen where h.metricNames.contains(m) {
      let byEpoch = Dictionary(h.series(m).map { ($0.epoch, $0.value) }, uniquingKeysWith: { a, _ in a })
      let last = h.records.last?.epoch ?? 0
      let name = histories.count > 1 ? "\(h.label) \(m)" : m
      series.append((name, (1...max(last, 1)).map { byEpoch[$0] ?? .nan }))
    }
  }
  return Figure.learningCurves(series, title: histories.count == 1 ? "learning curves: \(histories[0].label)" : "learning curves")
}

func draw(_ figure: Figure, to path: String?, _ interp: Interpreter) throws {
  let target = try PlotSettings.target(path)
  let output = try Gnuplot(environment: ProcessInfo.processInfo.environment).plot(figure, to: target)
  try report(output, target, interp)
}

func report(_ output: PlotOutput, _ target: PlotTarget, _ interp: Interpreter) throws {
  if let text = output.text { interp.output(text) }
  switch target {
  case .png(let p, _, _), .svg(let p, _, _):
    PlotSettings.record(p)
    if PlotSettings.defaultFile == nil { interp.output("wrote \(p) (+ .dat and .gp to redraw)") }
  default: break
  }
}

private let showImagesBuiltin = Builtin(
  name: "show_images", category: "plot",
  summary: "A grid of images with labels; with `model:` and `attack:`, rows of clean, adversarial and amplified perturbation with predictions.",
  parameters: [Parameter("data", .any, doc: "a Dataset or an image tensor [N, C, H, W]"),
               Parameter("n", .int, default: .number(8), doc: "how many images"),
               Parameter("model", .optional(.any), default: .nil, doc: "show this model's predictions"),
               Parameter("attack", .optional(.object("Attack")), default: .nil, doc: "also show adversarial examples and perturbations"),
               Parameter("to", .optional(.string), default: .nil, doc: "file to write (.png or .svg)"),
               Parameter("title", .string, default: .string("images"), doc: "title")],
  returns: "nil", example: "show_images(test, n: 8, model: net, attack: pgd(), to: \"adv.png\")", exampleNeedsFiles: true
) { args, interp in
  let n = try args.int("n")
  var images: Tensor, labels: [Int]? = nil, names: [String] = []
  switch args["data"] {
  case .object(let d as DatasetObject):
    let batch = try d.dataset.batch(at: 0..<min(n, d.dataset.count))
    images = batch.images; labels = batch.labels; names = d.dataset.classNames
  case .tensor(let t) where t.rank == 4: images = t.slice(axis: 0, 0..<min(n, t.shape[0]))
  default: throw args.error("data must be a Dataset or an image tensor [N, C, H, W]")
  }
  let count = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3]
  func name(_ k: Int) -> String { k < names.count ? names[k] : String(k) }
  var rows: [(Tensor, [String])] = []
  let cleanCaptions = labels.map { $0.map(name) } ?? Array(repeating: "", count: count)
  if args.has("model") {
    let model = try classifier(args["model"], "model")
    try checkFits(model, Array(images.shape.dropFirst()))
    let predicted = try ClassifierState.forAttack(model) { withoutGrad { model.logits(images) } }.argmax(axis: -1)
    // True and predicted class on two short lines: one line ran into the neighbours' captions.
    rows.append((images, predicted.enumerated().map { "\(cleanCaptions[$0.offset])\n→ \(name($0.element))" }))
    if let attack = try args.optionalObject("attack", as: AttackObject.self)?.attack, let labels {
      let adversarial = try attack.run(on: model, images: images, labels: labels)
      let advPredicted = ClassifierState.forAttack(model) { withoutGrad { model.logits(adversarial) } }.argmax(axis: -1)
      rows.append((adversarial, advPredicted.map { "adversarial\n→ \(name($0))" }))
      let delta = adversarial - images
      let scale = Float(0.5) / max(Float(attack.settings.epsilon), 1e-6)
      rows.append(((delta * scale + 0.5).clamped(0, 1), Array(repeating: "perturbation\n×\(String(format: "%.0f", scale * 2))", count: count)))
    }
  } else {
    rows.append((images, cleanCaptions))
  }
  var cells: [GridImage] = []
  for (tensor, captions) in rows {
    for k in 0..<count {
      let pixels = Array(tensor.storage[(k * c * h * w)..<((k + 1) * c * h * w)])
      cells.append(GridImage(pixels: pixels, channels: c, height: h, width: w, caption: captions[k]))
    }
  }
  let grid = ImageGrid(images: cells, cols: count, title: try args.string("title"))
  let target = PlotSettings.sized(try PlotSettings.target(try args.optionalString("to")), for: grid)
  try report(try Gnuplot(environment: ProcessInfo.processInfo.environment).plot(grid, to: target), target, interp)
  return .nil
}

private let exportBuiltin = Builtin(
  name: "export", category: "io", summary: "Write a History, Curve, Report or Table to CSV or JSON, or a tensor to .npy or .safetensors (by the file's extension).",
  details: "A tensor goes to NumPy's .npy (float32, C order: `numpy.load(path)`) or to .safetensors (named \"tensor\").",
  parameters: [Parameter("value", .any, doc: "what to write"), Parameter("path", .string, doc: "a .csv, .json, .npy or .safetensors file")],
  returns: "nil", example: "export h \"history.csv\"", exampleNeedsFiles: true
) { args, interp in
  let path = try args.string("path")
  if case .tensor = args["value"] {
    try writeTensors(args["value"], names: nil, to: path, args)
    interp.output("wrote \(path)")
    return .nil
  }
  let text = try exportText(args["value"], json: path.lowercased().hasSuffix(".json"))
  guard path.lowercased().hasSuffix(".json") || path.lowercased().hasSuffix(".csv") else {
    throw args.error("export writes .csv or .json files, got \"\(path)\"")
  }
  try text.write(toFile: path, atomically: true, encoding: .utf8)
  interp.output("wrote \(path)")
  return .nil
}

/// Values that export themselves (grid tables).
public protocol Exportable: AegisObject {
  func csv() -> String
  func json() -> String
}

func exportText(_ value: Value, json: Bool) throws -> String {
  switch value {
  case .object(let h as HistoryObject):
    if !json { return h.history.csv() }
    let rows = h.history.records.map { r -> [String: Any] in ["epoch": r.epoch].merging(r.metrics.mapValues { $0 as Any }) { a, _ in a } }
    return try jsonText(["label": h.history.label, "settings": h.history.settings, "epochs": rows])
  case .object(let c as CurveObject):
    if !json { return c.curve.csv() }
    return try jsonText(["examples": c.curve.examples, "attacks": c.curve.attacks, "flags": c.curve.flags,
                         "lines": c.curve.lines.map { ["model": $0.model, "eps": $0.epsilons, "accuracy": $0.accuracy] as [String: Any] }])
  case .object(let r as ReportObject):
    let rep = r.report
    if !json { return "attack,accuracy\nclean,\(rep.cleanAccuracy)\n" + rep.breakdown.map { "\($0.attack),\($0.accuracy)" }.joined(separator: "\n") + "\n" }
    return try jsonText(["model": rep.model, "n": rep.examples, "clean": rep.cleanAccuracy, "robust": rep.robustAccuracy, "flags": rep.flags,
                         "breakdown": rep.breakdown.map { ["attack": $0.attack, "settings": $0.settings, "accuracy": $0.accuracy, "seconds": $0.seconds] as [String: Any] }])
  case .object(let e as Exportable): return json ? e.json() : e.csv()
  default: throw LangError("cannot export \(value.shortDescription): export takes a History, Curve, Report or Table")
  }
}

func jsonText(_ object: Any) throws -> String {
  let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
  return String(data: data, encoding: .utf8) ?? "{}"
}
