// The training loop: epochs over shuffled batches, a pluggable per-batch loss (standard,
// adversarial, pretext…), a learning-rate schedule, per-epoch evaluation and history,
// progress reports, and cancellation checked between batches (Ctrl-C in the REPL).

import AegisData
import AegisTensor
import Foundation

/// Settings of a training run.
public struct TrainingOptions {
  public var epochs = 1
  public var batchSize = 128
  public var learningRate: Double = 0.05
  public var momentum: Double = 0.9
  public var weightDecay: Double = 0
  public var nesterov = false
  /// "sgd" or "adam".
  public var optimizer = "sgd"
  public var schedule: LearningRateSchedule = .constant
  public var seed: UInt64 = 0
  public var augmentation: Augmentation? = nil
  /// Linear learning-rate warm-up steps; nil = the default (see `warmupSteps(total:)`), 0 = none.
  public var warmup: Int? = nil
  public init() {}
}

/// What the loop reports while it runs.
public struct TrainingProgress {
  public var epoch: Int, epochs: Int, batch: Int, batches: Int
  public var loss: Double, accuracy: Double
  public var elapsed: Double
  /// Seconds left in the whole run, estimated from the pace so far.
  public var remaining: Double
  /// Mean loss of the run's first batches (what a plateau warning compares with).
  public var startLoss: Double = .nan
  /// Set only on the report sent once an epoch is done and evaluated: its metrics
  /// (loss, acc, val_acc…) and the plateau/divergence warning if it failed to learn.
  public var epochMetrics: [String: Double]? = nil
  public var warning: String? = nil
  /// What `accuracy` counts, as printed: "acc" (the training inputs), or "adv_acc" when the
  /// loop scores the adversarial inputs it trains on (adversarial training, P3 pretraining),
  /// which can be below chance.
  public var accuracyName = "acc"

  public init(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, accuracy: Double, elapsed: Double, remaining: Double) {
    self.epoch = epoch; self.epochs = epochs; self.batch = batch; self.batches = batches
    self.loss = loss; self.accuracy = accuracy; self.elapsed = elapsed; self.remaining = remaining
  }
}

/// Computes the loss of one batch (and the logits used for the running accuracy).
public typealias BatchLoss = (_ model: Model, _ images: Tensor, _ labels: [Int], _ rng: inout RandomGenerator) throws -> (loss: Tensor, logits: Tensor)

/// Extra metrics measured after each epoch (validation accuracy, robust accuracy…).
public typealias EpochEvaluation = (_ model: Model, _ epoch: Int) throws -> [String: Double]

/// Plain cross-entropy on clean images.
public let standardLoss: BatchLoss = { model, images, labels, _ in
  let logits = model(images)
  return (logits.crossEntropy(labels), logits)
}

/// Where a run stopped early, with the history so far (the model keeps its last weights).
public struct TrainingInterrupted: Error, CustomStringConvertible {
  public let history: History
  public let epoch: Int, batch: Int
  public init(history: History, epoch: Int, batch: Int) { self.history = history; self.epoch = epoch; self.batch = batch }
  public var description: String {
    "interrupted at epoch \(epoch) batch \(batch); the model keeps the weights of its last completed batch"
  }
}

public enum Trainer {
  /// Trains `model` in place and returns its history. `accuracyName` is how progress names the
  /// accuracy of the logits `loss` returns ("adv_acc" when they are of adversarial inputs).
  public static func train(
    _ model: Model, on data: Dataset, options: TrainingOptions, label: String = "train",
    loss: BatchLoss = standardLoss, evaluation: EpochEvaluation? = nil, accuracyName: String = "acc",
    resumption: TrainingResumption? = nil, progress: ((TrainingProgress) -> Void)? = nil
  ) throws -> History {
    let history = History(label: label)
    let trainable = model.parameters.filter(\.requiresGrad)
    let optimizer = makeOptimizer(options, trainable)
    let batchesPerEpoch = (data.count + options.batchSize - 1) / options.batchSize
    let total = batchesPerEpoch * options.epochs
    var rng = RandomGenerator(seed: options.seed)
    let start = Date(), cpuStart = processCPUSeconds()
    var iteration = 0
    var startLoss = StartingLoss()
    var firstEpoch = 1, earlierCPU = 0.0, earlierWall = 0.0
    let run = runDescription(model, data, options, trainable: trainable.count)
    if resumption != nil, model.allLayers().contains(where: { $0 is Dropout }) {
      throw CheckpointError(message: "a run with dropout cannot be resumed exactly (its masks' random state is not saved); train it without a resume file")
    }
    if let resumption, let snapshot = try TrainingSnapshot.read(resumption.path) {
      try snapshot.check(fits: run, epochs: max(options.epochs, 1), batchesPerEpoch: batchesPerEpoch, path: resumption.path)
      try Checkpoint.loadState(Dictionary(snapshot.model.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }), into: model, source: resumption.path)
      optimizer.loadState(Dictionary(snapshot.optimizer.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }))
      guard let restored = RandomGenerator(state: snapshot.random) else { throw CheckpointError(message: "\(resumption.path): bad random state; delete it to start over") }
      rng = restored
      iteration = snapshot.iteration
      startLoss = snapshot.startLoss
      for record in snapshot.records { history.append(record) }
      (firstEpoch, earlierCPU, earlierWall) = (snapshot.epochsDone + 1, snapshot.cpuSeconds, snapshot.wallSeconds)
      try resumption.restore(snapshot)
    }
    let iterationAtStart = iteration
    let wasTraining = model.isTraining
    defer { model.setTraining(wasTraining) }
    for epoch in stride(from: firstEpoch, through: max(options.epochs, 1), by: 1) {
      model.setTraining(true)
      let epochStart = Date()
      var lossSum = 0.0, correct = 0, seen = 0, batchIndex = 0
      for (images, labels) in try data.batches(size: options.batchSize, shuffle: true, seed: rng.next(), augmentation: options.augmentation) {
        if Cancellation.isRequested {
          throw TrainingInterrupted(history: history, epoch: epoch, batch: batchIndex)
        }
        optimizer.learningRate = Float(options.learningRate(iteration: iteration, epoch: epoch - 1, total: total))
        let (batchLoss, logits) = try loss(model, images, labels, &rng)
        batchLoss.backward()
        optimizer.step()
        model.zeroGrad()
        lossSum += Double(batchLoss.scalar) * Double(labels.count)
        startLoss.record(Double(batchLoss.scalar))
        correct += Int((logits.accuracy(labels) * Double(labels.count)).rounded())
        seen += labels.count
        batchIndex += 1
        iteration += 1
        if let progress {
          let elapsed = Date().timeIntervalSince(start)
          var report = TrainingProgress(
            epoch: epoch, epochs: options.epochs, batch: batchIndex, batches: batchesPerEpoch,
            loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen), elapsed: elapsed,
            remaining: elapsed / Double(iteration - iterationAtStart) * Double(total - iteration))
          report.accuracyName = accuracyName
          progress(report)
        }
      }
      var metrics: [String: Double] = [
        "loss": lossSum / Double(max(seen, 1)), "acc": Double(correct) / Double(max(seen, 1)),
        "lr": Double(optimizer.learningRate), "time": Date().timeIntervalSince(epochStart),
      ]
      if let evaluation {
        model.setTraining(false)
        for (k, v) in try evaluation(model, epoch) { metrics[k] = v }
      }
      history.append(EpochRecord(epoch: epoch, metrics: metrics))
      reportEpoch(history, metrics, startLoss: startLoss.value, kaimingAlready: model.config.initialization == .kaiming,
                  accuracyName: accuracyName, epoch: epoch, of: options.epochs,
                  batches: batchesPerEpoch, elapsed: Date().timeIntervalSince(start), progress: progress)
      if let resumption {
        let extra = resumption.extraState()
        var snapshot = TrainingSnapshot(
          epochsDone: epoch, iteration: iteration, random: rng.state, startLoss: startLoss, records: history.records, run: run,
          cpuSeconds: earlierCPU + processCPUSeconds() - cpuStart, wallSeconds: earlierWall + Date().timeIntervalSince(start),
          model: model.stateDict(), optimizer: optimizer.state)
        (snapshot.extraTensors, snapshot.extraMetadata) = (extra.tensors, extra.metadata)
        try snapshot.write(to: resumption.path)
      }
    }
    return history
  }

  /// What a snapshot must match to continue this run: the same data size, schedule and seed.
  static func runDescription(_ model: Model, _ data: Dataset, _ options: TrainingOptions, trainable: Int) -> [String: String] {
    ["epochs": String(options.epochs), "batch_size": String(options.batchSize), "examples": String(data.count),
     "seed": String(options.seed), "lr": String(options.learningRate), "optimizer": options.optimizer,
     "schedule": "\(options.schedule)", "trainable_tensors": String(trainable), "model": model.config.json()]
  }

  /// Notes a failed-to-learn warning in the history and sends the end-of-epoch report.
  public static func reportEpoch(_ history: History, _ metrics: [String: Double], startLoss: Double, kaimingAlready: Bool = false,
                                 accuracyName: String = "acc", epoch: Int, of epochs: Int, batches: Int, elapsed: Double,
                                 progress: ((TrainingProgress) -> Void)?) {
    let warning = TrainingHealth.warning(startLoss: startLoss, epochLoss: metrics["loss"] ?? .nan, kaimingAlready: kaimingAlready)
    // The run's warning is its last epoch's: a run that learned late is not flagged.
    history.settings["warning"] = warning.map { "epoch \(epoch): " + $0 }
    guard let progress else { return }
    var report = TrainingProgress(epoch: epoch, epochs: epochs, batch: batches, batches: batches, loss: metrics["loss"] ?? .nan,
                                  accuracy: metrics["acc"] ?? .nan, elapsed: elapsed, remaining: 0)
    report.startLoss = startLoss
    report.epochMetrics = metrics
    report.warning = warning
    report.accuracyName = accuracyName
    progress(report)
  }

  static func makeOptimizer(_ o: TrainingOptions, _ parameters: [Tensor]) -> Optimizer {
    if o.optimizer == "adam" {
      return Adam(parameters: parameters, learningRate: Float(o.learningRate), weightDecay: Float(o.weightDecay))
    }
    return SGD(parameters: parameters, learningRate: Float(o.learningRate), momentum: Float(o.momentum),
               weightDecay: Float(o.weightDecay), nesterov: o.nesterov)
  }

  /// Top-1 accuracy in eval mode, without recording gradients.
  public static func accuracy(of model: Model, on data: Dataset, batchSize: Int = 256) throws -> Double {
    let wasTraining = model.isTraining
    model.setTraining(false)
    defer { model.setTraining(wasTraining) }
    var correct = 0
    try withoutGrad {
      for (images, labels) in try data.batches(size: batchSize, shuffle: false, seed: 0, augmentation: nil) {
        try Cancellation.check()
        correct += Int((model(images).accuracy(labels) * Double(labels.count)).rounded())
      }
    }
    return Double(correct) / Double(max(data.count, 1))
  }
}
