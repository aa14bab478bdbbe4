// The state of a training run between two epochs, so a killed process (kill -9, a preempted
// Slurm job, the end of a session) continues where it stopped instead of starting over: the
// model (weights and BN statistics), the optimizer's buffers, the random stream, the schedule's
// position, the history so far and what the caller keeps beside it (fine-tuning's best-RA model).
// Restored in full, a resumed run gives bit for bit the numbers of the uninterrupted one.
//
// On disk it is one safetensors file, written atomically after each epoch: tensors `model.*`,
// `optimizer.*` and the caller's `extra.*`; everything else is JSON in the metadata, with
// numbers as bit patterns so nothing is rounded on the way.

import AegisData
import AegisTensor
import Foundation

/// A training run's state after `epochsDone` epochs.
public struct TrainingSnapshot {
  /// Epochs completed (and evaluated); the run continues with epoch `epochsDone + 1`.
  public var epochsDone: Int
  /// SGD steps taken (the learning-rate schedule's position).
  public var iteration: Int
  public var random: RandomGenerator.State
  public var startLoss: StartingLoss
  public var records: [EpochRecord]
  /// What identifies the run (epochs, batches, seed…): a snapshot only resumes the same run.
  public var run: [String: String]
  /// CPU and wall seconds the run had taken when the snapshot was written (all processes).
  public var cpuSeconds: Double, wallSeconds: Double
  public var model: [(name: String, tensor: Tensor)]
  public var optimizer: [(name: String, tensor: Tensor)]
  /// The caller's own state (e.g. the best model so far), saved and restored with the run.
  public var extraTensors: [(name: String, tensor: Tensor)] = []
  public var extraMetadata: [String: String] = [:]

  static let metadataKey = "aegis.training_snapshot"

  /// Writes the snapshot atomically to `path` (the old file stays whole until the new one is).
  public func write(to path: String) throws {
    let tensors = model.map { ("model.\($0.name)", $0.tensor) } + optimizer.map { ("optimizer.\($0.name)", $0.tensor) }
      + extraTensors.map { ("extra.\($0.name)", $0.tensor) }
    let json = try JSONEncoder().encode(Encoded(self))
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try SafeTensorsFile.write(tensors, metadata: [Self.metadataKey: String(decoding: json, as: UTF8.self)], to: path)
  }

  /// Reads a snapshot written by `write`; nil when there is no file at `path`.
  public static func read(_ path: String) throws -> TrainingSnapshot? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let file = try SafeTensorsFile.read(path: path)
    guard let json = file.metadata[metadataKey], let encoded = try? JSONDecoder().decode(Encoded.self, from: Data(json.utf8)),
          let snapshot = encoded.snapshot(file.tensors) else {
      throw CheckpointError(message: "\(path) is not a training snapshot of this version of Aegis; delete it to start the run over")
    }
    return snapshot
  }

  /// Throws unless this snapshot was written by a run described by `run` (`epochs` epochs of
  /// `batchesPerEpoch` steps) and its counters agree with each other (a damaged file is an error).
  func check(fits run: [String: String], epochs: Int, batchesPerEpoch: Int, path: String) throws {
    let differing = Set(run.keys).union(self.run.keys).sorted().filter { run[$0] != self.run[$0] }
    guard differing.isEmpty else {
      let what = differing.prefix(3).map { "\($0) \(self.run[$0] ?? "none") → \(run[$0] ?? "none")" }.joined(separator: ", ")
      throw CheckpointError(message: "\(path) was written by a different run (\(what)); delete it to start this run over")
    }
    guard (0...epochs).contains(epochsDone), records.count == epochsDone, iteration == epochsDone * batchesPerEpoch else {
      throw CheckpointError(message: "\(path) is damaged (\(epochsDone) epochs, \(records.count) history rows, \(iteration) steps do not agree); delete it to start the run over")
    }
  }

  /// The metadata's JSON form: exact bit patterns for every number.
  private struct Encoded: Codable {
    var epochsDone: Int, iteration: Int
    var random: [String], spareNormal: UInt32?
    var startLossSum: UInt64, startLossCount: Int
    var records: [[String: UInt64]]
    var epochs: [Int]
    var run: [String: String]
    var cpuSeconds: UInt64, wallSeconds: UInt64
    var extra: [String: String]

    init(_ s: TrainingSnapshot) {
      epochsDone = s.epochsDone; iteration = s.iteration
      random = s.random.words.map { String($0, radix: 16) }
      spareNormal = s.random.spareNormal?.bitPattern
      startLossSum = s.startLoss.sum.bitPattern; startLossCount = s.startLoss.count
      records = s.records.map { $0.metrics.mapValues(\.bitPattern) }
      epochs = s.records.map(\.epoch)
      run = s.run
      cpuSeconds = s.cpuSeconds.bitPattern; wallSeconds = s.wallSeconds.bitPattern
      extra = s.extraMetadata
    }

    func snapshot(_ tensors: [String: Tensor]) -> TrainingSnapshot? {
      let words = random.compactMap { UInt64($0, radix: 16) }
      guard words.count == 4, epochs.count == records.count else { return nil }
      func group(_ prefix: String) -> [(name: String, tensor: Tensor)] {
        tensors.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) }.sorted { $0.name < $1.name }
      }
      var s = TrainingSnapshot(
        epochsDone: epochsDone, iteration: iteration,
        random: RandomGenerator.State(words: words, spareNormal: spareNormal.map(Float.init(bitPattern:))),
        startLoss: StartingLoss(sum: Double(bitPattern: startLossSum), count: startLossCount),
        records: zip(epochs, records).map { EpochRecord(epoch: $0, metrics: $1.mapValues(Double.init(bitPattern:))) },
        run: run, cpuSeconds: Double(bitPattern: cpuSeconds), wallSeconds: Double(bitPattern: wallSeconds),
        model: group("model."), optimizer: group("optimizer."))
      s.extraTensors = group("extra.")
      s.extraMetadata = extra
      return s
    }
  }
}

/// How a training run saves its state after each epoch and where it continues from.
public struct TrainingResumption {
  /// Where the snapshot is written after every epoch and read at the start.
  public var path: String
  /// The caller's state to save with each snapshot (called after the epoch's evaluation).
  public var extraState: () -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) = { ([], [:]) }
  /// Called once, before training continues, with the snapshot the run resumes from.
  public var restore: (TrainingSnapshot) throws -> Void = { _ in }

  public init(path: String) { self.path = path }
}
