// The training loop of pretext pretraining (single task and task ensembles). It follows
// AegisNN's Trainer conventions exactly — shuffled seeded batches, optional augmentation, the
// learning-rate schedule per iteration, progress reports, cancellation between batches,
// per-epoch history with loss/acc and validation metrics — but trains parameters outside the
// model too (task-owned heads such as Selfie's) and scores pretext labels, not dataset labels.

import AegisData
import AegisNN
import AegisTensor
import Foundation

struct PretextTrainingLoop {
  /// What one batch produced: the loss to minimize, correct/total predictions, extra metrics.
  struct Step {
    var loss: Tensor
    var correct: Int
    var total: Int
    var metrics: [String: Double] = [:]
  }

  let parameters: [Tensor]
  let layers: [Layer]
  let options: TrainingOptions
  let label: String
  /// Whether the trained models already use Kaiming init (the plateau hint then omits it).
  var kaimingAlready = false
  /// How progress names the steps' accuracy ("adv_acc" when the steps score adversarial inputs).
  var accuracyName = "acc"

  /// Runs the epochs; `step` computes a batch's loss from its images and the loop's generator.
  func run(on data: Dataset, step: (Tensor, inout RandomGenerator) throws -> Step,
           evaluation: ((Int) throws -> [String: Double])?, progress: ((TrainingProgress) -> Void)?) throws -> History {
    try Self.validate(options)
    let history = History(label: label)
    let optimizer = makeOptimizer()
    let batchesPerEpoch = (data.count + options.batchSize - 1) / options.batchSize
    let total = batchesPerEpoch * options.epochs
    var rng = RandomGenerator(seed: options.seed)
    let start = Date()
    var iteration = 0
    var startLoss = StartingLoss()
    try LayerGroup.preservingModes(layers) {
      for epoch in 1...options.epochs {
        for layer in layers { layer.setTraining(true) }
        let epochStart = Date()
        var lossSum = 0.0, correct = 0, seen = 0, inputs = 0, batchIndex = 0
        var sums: [String: Double] = [:]
        for (images, _) in try data.batches(size: options.batchSize, shuffle: true, seed: rng.next(), augmentation: options.augmentation) {
          if Cancellation.isRequested { throw TrainingInterrupted(history: history, epoch: epoch, batch: batchIndex) }
          optimizer.learningRate = Float(options.learningRate(iteration: iteration, epoch: epoch - 1, total: total))
          let result = try step(images, &rng)
          try checkFinite(result.loss, epoch: epoch, batch: batchIndex + 1)
          result.loss.backward()
          optimizer.step()
          for p in parameters { p.grad = nil }
          for layer in layers { layer.zeroGrad() }
          let n = images.shape[0]
          lossSum += Double(result.loss.scalar) * Double(n)
          startLoss.record(Double(result.loss.scalar))
          for (k, v) in result.metrics { sums[k, default: 0] += v * Double(n) }
          correct += result.correct
          seen += result.total
          inputs += n
          batchIndex += 1
          iteration += 1
          if let progress {
            let elapsed = Date().timeIntervalSince(start)
            var report = TrainingProgress(epoch: epoch, epochs: options.epochs, batch: batchIndex, batches: batchesPerEpoch,
                                          loss: lossSum / Double(inputs), accuracy: Double(correct) / Double(max(seen, 1)),
                                          elapsed: elapsed, remaining: elapsed / Double(iteration) * Double(total - iteration))
            report.accuracyName = accuracyName
            progress(report)
          }
        }
        var metrics: [String: Double] = [
          "loss": lossSum / Double(max(inputs, 1)), "acc": Double(correct) / Double(max(seen, 1)),
          "lr": Double(optimizer.learningRate), "time": Date().timeIntervalSince(epochStart),
        ]
        for (k, v) in sums { metrics[k] = v / Double(max(inputs, 1)) }
        if let evaluation {
          for layer in layers { layer.setTraining(false) }
          for (k, v) in try evaluation(epoch) { metrics[k] = v }
        }
        history.append(EpochRecord(epoch: epoch, metrics: metrics))
        Trainer.reportEpoch(history, metrics, startLoss: startLoss.value, kaimingAlready: kaimingAlready, accuracyName: accuracyName, epoch: epoch, of: options.epochs,
                            batches: batchesPerEpoch, elapsed: Date().timeIntervalSince(start), progress: progress)
      }
    }
    return history
  }

  /// Stops before a non-finite loss reaches the weights (they keep the last finite step).
  func checkFinite(_ loss: Tensor, epoch: Int, batch: Int) throws {
    guard !loss.scalar.isFinite else { return }
    throw SSLError("\(label): the loss became \(loss.scalar) at epoch \(epoch), batch \(batch); lower the learning rate "
      + "(now \(options.learningRate), e.g. lr: \(options.learningRate / 5)); the model keeps the weights of the last finite step")
  }

  func makeOptimizer() -> Optimizer {
    if options.optimizer == "adam" {
      return Adam(parameters: parameters, learningRate: Float(options.learningRate), weightDecay: Float(options.weightDecay))
    }
    return SGD(parameters: parameters, learningRate: Float(options.learningRate), momentum: Float(options.momentum),
               weightDecay: Float(options.weightDecay), nesterov: options.nesterov)
  }

  /// Checks the settings a loop needs, with the fix in the message.
  static func validate(_ o: TrainingOptions) throws {
    guard o.epochs >= 1 else { throw SSLError("epochs must be at least 1, got \(o.epochs)") }
    guard o.batchSize >= 1 else { throw SSLError("batch size must be at least 1, got \(o.batchSize)") }
    guard o.learningRate.isFinite, o.learningRate > 0 else { throw SSLError("learning rate must be > 0, got \(o.learningRate)") }
    guard ["sgd", "adam"].contains(o.optimizer) else { throw SSLError("optimizer must be \"sgd\" or \"adam\", got \"\(o.optimizer)\"") }
  }

  /// Training settings as history/grid settings.
  static func describe(_ o: TrainingOptions) -> [String: String] {
    ["epochs": String(o.epochs), "batch_size": String(o.batchSize), "lr": String(o.learningRate),
     "warmup": o.warmup.map(String.init) ?? "default",
     "momentum": String(o.momentum), "weight_decay": String(o.weightDecay), "nesterov": String(o.nesterov),
     "optimizer": o.optimizer, "schedule": o.schedule.label, "seed": String(o.seed),
     "augmentation": o.augmentation.map { "pad \($0.padding), flip \($0.horizontalFlip)" } ?? "none"]
  }
}
