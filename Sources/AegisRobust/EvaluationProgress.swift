// How far a per-example worst-case evaluation has got, saved after every attacked batch, so an
// hour-long AutoAttack run that is killed continues from its last batch instead of starting over.
// Exact: each attack draws its randomness per example (from the attack seed and the example's
// pixels, Projection.exampleGenerators) and attacks a fixed list of candidates in fixed batches,
// so a batch attacked after a restart gives what it would have given in one run.

import AegisData
import Foundation

/// The state of `RobustEvaluation.evaluate` between two attacked batches.
public struct EvaluationProgress: Codable, Equatable {
  /// One finished attack of the sequence.
  public struct Stage: Codable, Equatable {
    public var attack: String, settings: String
    public var accuracy: Double, seconds: Double
  }

  /// What the run was (data size, batch, attacks): a file only continues the same run.
  public var run: [String: String]
  public var cleanCorrect: [Bool]
  /// Still robust after the finished attacks (the current attack's candidates).
  public var robust: [Bool]
  public var finished: [Stage]
  /// In the current attack: candidates attacked so far and which of them broke.
  public var candidatesDone: Int
  public var broken: [Int]
  /// Wall seconds of the current attack so far, and CPU seconds of the whole evaluation (all processes).
  public var currentSeconds: Double
  public var cpuSeconds: Double

  /// Writes atomically: a kill during the write leaves the previous state.
  public func write(to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(self)
    try AtomicFileWriter.write(to: path) { try $0.write([UInt8](data)) }
  }

  /// The saved state at `path`, or nil when there is none.
  public static func read(_ path: String) throws -> EvaluationProgress? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    do { return try JSONDecoder().decode(Self.self, from: data) } catch {
      throw AttackError("\(path) is not an evaluation progress file of this version of Aegis (\(error)); delete it to start the evaluation over")
    }
  }

  /// Throws unless this state was saved by a run described by `run` (of `examples` points and
  /// `attacks` attacks) and is whole: a damaged file must be an error, not an index out of range.
  func check(fits run: [String: String], examples: Int, attacks: Int, path: String) throws {
    let differing = Set(run.keys).union(self.run.keys).sorted().filter { run[$0] != self.run[$0] }
    guard differing.isEmpty else {
      throw AttackError("\(path) was saved by a different evaluation (\(differing.prefix(3).joined(separator: ", ")) differ); delete it to start this one over")
    }
    let candidates = robust.filter { $0 }.count
    guard cleanCorrect.count == examples, robust.count == examples, finished.count <= attacks,
          (0...candidates).contains(candidatesDone), broken.allSatisfy({ (0..<examples).contains($0) && robust[$0] }) else {
      throw AttackError("\(path) is damaged (its masks or counts do not fit \(examples) examples and \(attacks) attacks); delete it to start the evaluation over")
    }
  }
}
