// The Aegis side of the parity harness: runs a `ParityCase` through the real training code
// (the same batch losses the Trainer, Pretraining and FineTuning use) and records, per step,
// the batch indices, the PGD start noise, every PGD iterate with its loss and input gradient,
// logits, loss, parameter gradients, the weights and buffers after the update and the SGD
// momentum, into one safetensors file that scripts/parity/parity.py replays in PyTorch.

@testable import AegisSSL
import AegisData
import AegisNN
import AegisRobust
import AegisTensor
import Foundation

struct ParityRecorder {
  let testCase: ParityCase
  private var tensors: [(name: String, tensor: Tensor)] = []

  init(_ testCase: ParityCase) { self.testCase = testCase }

  /// Runs the case and writes `<directory>/<name>.safetensors`; returns the path.
  mutating func run(into directory: String) throws -> String {
    let c = testCase
    let (model, loss) = try makeModelAndLoss()
    model.setTraining(c.step != .eval)
    let named = model.namedParameters().filter { $0.tensor.requiresGrad }
    let optimizer = SGD(parameters: named.map(\.tensor), learningRate: c.learningRate, momentum: c.momentum,
                        weightDecay: c.weightDecay, nesterov: c.nesterov)
    var dataRng = RandomGenerator(seed: 11)
    let count = 4 * c.batch
    let images = Tensor.uniform([count, 1, 28, 28], rng: &dataRng)
    let labels = (0..<count).map { _ in dataRng.nextInt(10) }
    add("data.images", images)
    add("data.labels", ints: labels)
    addState("init", model)
    var rng = RandomGenerator(seed: 5)
    for k in 0..<c.steps {
      let indices = Array(dataRng.permutation(count).prefix(c.batch))
      add("s\(k).indices", ints: indices)
      let x = images.gatherRows(indices), y = indices.map { labels[$0] }
      let noise = Tensor.uniform(x.shape, low: -Float(c.epsilon), high: Float(c.epsilon), rng: &dataRng)
      if c.hasAttack { add("s\(k).noise", noise) }
      if !c.hasAttack { x.requiresGrad = true }
      let trace = AttackTrace(startNoise: [noise])
      var stepRng = rng
      let (batchLoss, logits) = try AttackTrace.$current.withValue(trace) { try loss(model, x, y, &stepRng) }
      if c.step == .rotation { recordRotationBatch(k, x, &rng) }
      rng = stepRng
      recordAttack(k, trace)
      add("s\(k).logits", logits)
      add("s\(k).loss", batchLoss)
      batchLoss.backward()
      if let g = x.grad { add("s\(k).input_grad", g) }
      for (name, p) in named { if let g = p.grad { add("s\(k).grad.\(name)", g) } }
      optimizer.step()
      model.zeroGrad()
      addState("s\(k).post", model)
      let momentum = Dictionary(optimizer.state.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
      for (i, (name, _)) in named.enumerated() { if let m = momentum["momentum.\(i)"] { add("s\(k).momentum.\(name)", m) } }
    }
    let path = directory + "/\(c.name).safetensors"
    let trainable = "[" + named.map { "\"\($0.name)\"" }.joined(separator: ", ") + "]"
    try SafeTensorsFile.write(tensors, metadata: ["parity.case": c.metadata, "parity.frozen_bn": frozenBatchNorms(model),
                                                  "parity.trainable": trainable], to: path)
    return path
  }

  /// The model of the case and the batch loss the library uses for that kind of training.
  private func makeModelAndLoss() throws -> (Model, BatchLoss) {
    let c = testCase
    let model = try ModelBuilder.build(c.config)
    switch c.step {
    case .standard, .eval: return (model, standardLoss)
    case .madry:
      return (model, AdversarialTraining.loss(attack: try c.attack(), objective: .madry, batchNormInTrainMode: c.attackBN == "train"))
    case .trades:
      return (model, AdversarialTraining.loss(attack: try c.attack(), objective: .trades(beta: c.beta), batchNormInTrainMode: c.attackBN == "train"))
    case .rotation:
      // As Pretraining.pretrain: a 4-way head installed on the model, P2 (standard) steps.
      let network = try PretextNetwork.make(model: model, task: RotationTask(), seed: 3)
      if let head = network.head as? ClassificationTaskHead { model.replaceHead(head.layer) }
      let step = Pretraining.step(network, .standard, nil, PretrainingOptions())
      return (model, { _, images, _, rng in
        var again = rng
        let batch = try network.task.makeBatch(images: images.detached(), rng: &again)
        let s = try step(images, &rng)
        return (s.loss, withoutGrad { network.scores(batch.inputs, batch: batch) })
      })
    case .finetunePartial:
      var options = FineTuningOptions()
      options.mode = .partial
      let (tuned, _) = try FineTuning.prepare(model, classes: 10, options: options)
      return (tuned, standardLoss)
    }
  }

  /// The rotated inputs and labels of this step (drawn again from the step's generator).
  private mutating func recordRotationBatch(_ k: Int, _ x: Tensor, _ rng: inout RandomGenerator) {
    var copy = rng
    guard let batch = try? RotationTask().makeBatch(images: x.detached(), rng: &copy) else { return }
    add("s\(k).rotation.inputs", batch.inputs)
    add("s\(k).rotation.labels", ints: batch.labels)
  }

  private mutating func recordAttack(_ k: Int, _ trace: AttackTrace) {
    for (r, run) in trace.runs.enumerated() {
      let p = "s\(k).pgd\(r)"
      add("\(p).start", run.start)
      for (j, it) in run.iterates.enumerated() {
        add("\(p).it\(j).x", it.x)
        add("\(p).it\(j).loss", Tensor(shape: [it.loss.count], storage: it.loss))
        add("\(p).it\(j).grad", it.gradient)
      }
      if let f = run.final { add("\(p).final", f) }
      if let r = run.result { add("\(p).result", r) }
    }
  }

  private mutating func addState(_ prefix: String, _ model: Model) {
    for (name, t) in model.stateDict() { add("\(prefix).\(name)", t) }
  }

  private mutating func add(_ name: String, _ t: Tensor) { tensors.append((name, t.detached())) }
  private mutating func add(_ name: String, ints: [Int]) { add(name, Tensor(shape: [ints.count], storage: ints.map(Float.init))) }

  /// Dotted names of BN layers frozen by partial fine-tuning (JSON list).
  private func frozenBatchNorms(_ model: Model) -> String {
    var names: [String] = []
    func visit(_ layer: Layer, _ prefix: String) {
      if let bn = layer as? BatchNorm, bn.isFrozen { names.append("\"\(prefix.dropLast())\"") }
      for child in layer.children { visit(child.layer, prefix + child.name + ".") }
    }
    visit(model, "")
    return "[" + names.joined(separator: ", ") + "]"
  }
}
