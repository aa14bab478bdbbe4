// `aegis bench`: images/s for the SmallCNN and the default ResNet at batch 128 (inference, one
// SGD training step, one PGD-10 adversarial training step), median and spread over repeated
// runs after a warm-up, and the sgemm GFLOP/s of the same machine for reference. Figures are
// keyed like the PyTorch anchors (shared/anchors/torch) so both can be compared by a script.

import AegisNN
import AegisTensor
import Foundation

public struct BenchmarkFigure: Sendable {
  public var model: String, figure: String
  public var median: Double, minimum: Double, maximum: Double, runs: Int
}

public enum Benchmark {
  /// Runs every measurement; `repeats` timed runs after `warmup` untimed ones each.
  public static func run(batch: Int = 128, repeats: Int = 5, warmup: Int = 2, quick: Bool = false,
                         report: ((BenchmarkFigure) -> Void)? = nil) throws -> [BenchmarkFigure] {
    var figures: [BenchmarkFigure] = []
    func record(_ f: BenchmarkFigure) { figures.append(f); report?(f) }
    record(sgemmFigure(size: quick ? 256 : 1024, repeats: repeats))
    var rng = RandomGenerator(seed: 0)
    let images = Tensor.uniform([batch, 1, 28, 28], rng: &rng)
    let labels = (0..<batch).map { $0 % 10 }
    for (name, config) in configs {
      let model = try ModelBuilder.build(config)
      let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
      record(measure(name, "infer_img_s", batch, repeats, warmup) {
        model.setTraining(false)
        _ = withoutGrad { model(images) }
      })
      record(measure(name, "train_step_img_s", batch, repeats, warmup) {
        model.setTraining(true)
        model(images).crossEntropy(labels).backward()
        optimizer.step()
      })
      var settings = AttackSettings()
      settings.epsilon = 0.1
      settings.step = 0.01
      settings.steps = 10
      let pgdLoss = AdversarialTraining.loss(attack: try Attack(kind: .pgd, settings: settings))
      record(measure(name, "pgd10_step_img_s", batch, max(1, repeats / 2), 1) {
        model.setTraining(true)
        var r = RandomGenerator(seed: 1)
        if let (loss, _) = try? pgdLoss(model, images, labels, &r) { loss.backward() }
        optimizer.step()
      })
    }
    return figures
  }

  /// `aegis bench --profile`: per-op time of `steps` training steps (and PGD-10 steps) of each
  /// benchmark model after one warm-up step, as Profiler tables.
  public static func profile(batch: Int = 128, steps: Int = 3) throws -> String {
    var rng = RandomGenerator(seed: 0)
    let images = Tensor.uniform([batch, 1, 28, 28], rng: &rng)
    let labels = (0..<batch).map { $0 % 10 }
    var settings = AttackSettings()
    settings.epsilon = 0.1; settings.step = 0.01; settings.steps = 10
    let pgdLoss = AdversarialTraining.loss(attack: try Attack(kind: .pgd, settings: settings))
    var sections: [String] = []
    for (name, config) in configs {
      let model = try ModelBuilder.build(config)
      model.setTraining(true)
      let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
      let train = {
        model(images).crossEntropy(labels).backward()
        Profiler.measure("sgd step") { optimizer.step() }
      }
      let pgd = {
        var r = RandomGenerator(seed: 1)
        if let (loss, _) = try? pgdLoss(model, images, labels, &r) { loss.backward() }
        Profiler.measure("sgd step") { optimizer.step() }
      }
      for (figure, body, n) in [("training step", train, steps), ("PGD-10 training step", pgd, 1)] {
        body()
        let (_, rows, seconds) = Profiler.run { for _ in 0..<n { body() } }
        let perStep = seconds / Double(n)
        sections.append("\(name) \(figure), batch \(batch): " + Profiler.fmt("%.1f ms/step", perStep * 1000)
          + Profiler.fmt(" = %.1f img/s", Double(batch) / perStep) + "\n" + Profiler.table(rows, seconds: seconds, steps: n))
      }
    }
    return sections.joined(separator: "\n\n")
  }

  static let configs = [
    ("smallcnn", ModelConfig(architecture: "cnn", inputShape: [1, 28, 28], width: 32, depth: 0)),
    ("resnet", ModelConfig(architecture: "resnet", inputShape: [1, 28, 28], width: 16, depth: 8)),
  ]

  static func measure(_ model: String, _ figure: String, _ batch: Int, _ repeats: Int, _ warmup: Int, _ body: () -> Void) -> BenchmarkFigure {
    for _ in 0..<warmup { body() }
    var rates: [Double] = []
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      rates.append(Double(batch) / seconds)
    }
    rates.sort()
    return BenchmarkFigure(model: model, figure: figure, median: rates[rates.count / 2], minimum: rates[0], maximum: rates[rates.count - 1], runs: repeats)
  }

  /// GFLOP/s of an n×n×n sgemm through the same path the layers use (2n³ flops each).
  static func sgemmFigure(size n: Int, repeats: Int) -> BenchmarkFigure {
    var rng = RandomGenerator(seed: 2)
    let a = Tensor.uniform([n, n], rng: &rng), b = Tensor.uniform([n, n], rng: &rng)
    let flops = 2 * pow(Double(n), 3)
    var figure = measure("blas", "sgemm\(n)_gflops", 1, repeats, 1) { _ = withoutGrad { a.matmul(b) } }
    figure.median *= flops / 1e9; figure.minimum *= flops / 1e9; figure.maximum *= flops / 1e9
    return figure
  }

  /// One JSON object keyed by model, then figure (`{"smallcnn": {"infer_img_s": …}}`).
  public static func json(_ figures: [BenchmarkFigure]) -> String {
    var byModel: [String: [String: Any]] = [:]
    for f in figures {
      byModel[f.model, default: [:]][f.figure] = (f.median * 10).rounded() / 10
      byModel[f.model, default: [:]][f.figure + "_range"] = [(f.minimum * 10).rounded() / 10, (f.maximum * 10).rounded() / 10]
    }
    let data = (try? JSONSerialization.data(withJSONObject: byModel, options: [.sortedKeys, .prettyPrinted])) ?? Data()
    return String(data: data, encoding: .utf8) ?? "{}"
  }

  /// Which layout ResNets store activations in here, and oneDNN's kernels for it (the choice
  /// is per machine, see ActivationLayout.preferred).
  public static func engineLine() -> String {
    let layout = ActivationLayout.preferred
    let kernels = Array(Set(ConvBackend.kernelNames(for: layout))).sorted().joined(separator: ", ")
    return "resnet activations \(layout.rawValue) (oneDNN kernels: \(kernels))"
  }

  public static func table(_ figures: [BenchmarkFigure]) -> String {
    func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
    var lines = [engineLine(), pad("model", 10) + pad("figure", 20) + "   median   [min – max]   runs"]
    for f in figures {
      lines.append(pad(f.model, 10) + pad(f.figure, 20) + String(format: "%9.1f   [%.1f – %.1f]   %d", f.median, f.minimum, f.maximum, f.runs))
    }
    return lines.joined(separator: "\n")
  }
}
