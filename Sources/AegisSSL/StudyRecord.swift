// The raw result of one study cell, one small JSON file per cell under docs/results/<study>/.
// Everything in docs/results.md §3 is computed from these files (StudyReport), never typed.
//
// Format "aegis-study-cell/1" (all accuracies are fractions in [0, 1], on the full test set):
// {
//   "format": "aegis-study-cell/1",
//   "study": "study",                       // the configuration name
//   "cell": "rotation-P3F4-s0",             // unique id (file name = cell + ".json")
//   "kind": "cell",                         // "cell" | "task-ensemble" | "model-ensemble"
//   "task": "rotation",                     // "none" for P1 (no pretraining), "ensemble" for task-ensemble
//   "pretraining": "P3", "finetuning": "F4",
//   "seed": 0,
//   "members": ["rotation-P3F4-s0", …],     // model-ensemble only: the member cells
//   "sa": 0.853, "n_test": 10000,
//   "ra": {"pgd20": 0.641, "autoattack": 0.612, "apgd-ce": 0.63, "apgd-t": 0.62, "fab-t": 0.625, "square": 0.64},
//   "curves": {"val_sa": [..per fine-tuning epoch..], "val_ra": [..]},   // optional
//   "settings": {"n_train": "60000", "eps": "0.1", "model": "resnet(depth: 8, width: 16)", …},
//   "cpu_seconds": 1234.5                   // optional
// }
// "ra" must hold "pgd20"; "autoattack" is the per-example worst case over the standard suite.

import Foundation

public struct StudyRecord: Codable, Equatable, Sendable {
  public static let format = "aegis-study-cell/1"

  public struct Curves: Codable, Equatable, Sendable {
    public var valSA: [Double]
    public var valRA: [Double]
    enum CodingKeys: String, CodingKey { case valSA = "val_sa", valRA = "val_ra" }
    public init(valSA: [Double], valRA: [Double]) { self.valSA = valSA; self.valRA = valRA }
  }

  public var format: String
  public var study: String
  public var cell: String
  public var kind: String
  public var task: String
  public var pretraining: String
  public var finetuning: String
  public var seed: Int
  public var members: [String]?
  public var sa: Double
  public var nTest: Int
  public var ra: [String: Double]
  public var curves: Curves?
  public var settings: [String: String]
  public var cpuSeconds: Double?

  enum CodingKeys: String, CodingKey {
    case format, study, cell, kind, task, pretraining, finetuning, seed, members, sa, ra, curves, settings
    case nTest = "n_test", cpuSeconds = "cpu_seconds"
  }

  public init(study: String, cell: String, kind: String = "cell", task: String, pretraining: String, finetuning: String,
              seed: Int, members: [String]? = nil, sa: Double, nTest: Int, ra: [String: Double],
              curves: Curves? = nil, settings: [String: String] = [:], cpuSeconds: Double? = nil) {
    self.format = StudyRecord.format
    self.study = study; self.cell = cell; self.kind = kind; self.task = task
    self.pretraining = pretraining; self.finetuning = finetuning; self.seed = seed; self.members = members
    self.sa = sa; self.nTest = nTest; self.ra = ra; self.curves = curves; self.settings = settings; self.cpuSeconds = cpuSeconds
  }

  /// The model this record describes, without the seed: "rotation P3F4", "P1F4", "ensemble P3F4".
  public var group: String {
    switch kind {
    case "model-ensemble": return "model-ensemble \(pretraining)\(finetuning)"
    case "task-ensemble": return "task-ensemble \(pretraining)\(finetuning)"
    default: return pretraining == "P1" ? "\(pretraining)\(finetuning)" : "\(task) \(pretraining)\(finetuning)"
    }
  }

  /// Checks the fields a report relies on, naming the file and the fix.
  func validate(file: String) throws {
    func fail(_ why: String) -> StudyError { StudyError("\(file): \(why)") }
    guard format == StudyRecord.format else { throw fail("format is \"\(format)\", expected \"\(StudyRecord.format)\"") }
    guard ["cell", "task-ensemble", "model-ensemble"].contains(kind) else { throw fail("kind must be cell, task-ensemble or model-ensemble, got \"\(kind)\"") }
    guard ra["pgd20"] != nil else { throw fail("ra has no \"pgd20\" entry (the study's primary robust accuracy)") }
    let values = [sa] + Array(ra.values) + (curves.map { $0.valSA + $0.valRA } ?? [])
    guard values.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else { throw fail("accuracies must be fractions in [0, 1] (0.853, not 85.3)") }
    if let c = curves, c.valSA.count != c.valRA.count { throw fail("curves.val_sa and curves.val_ra have different lengths") }
  }

  /// Reads every *.json under `directory` (sorted by name), validating each.
  public static func load(directory: String) throws -> [StudyRecord] {
    let url = URL(fileURLWithPath: directory)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
      throw StudyError("cannot read the results directory \(directory): create it, or run the study plan first")
    }
    let records = try names.sorted().filter { $0.hasSuffix(".json") }.map { try read(file: url.appendingPathComponent($0).path) }
    let duplicates = Dictionary(grouping: records, by: \.cell).filter { $0.value.count > 1 }.keys.sorted()
    if !duplicates.isEmpty { throw StudyError("\(directory): cell ids appear twice: \(duplicates.joined(separator: ", "))") }
    return records
  }

  /// Reads and validates one record file.
  public static func read(file: String) throws -> StudyRecord {
    let record: StudyRecord
    do { record = try JSONDecoder().decode(StudyRecord.self, from: Data(contentsOf: URL(fileURLWithPath: file))) }
    catch { throw StudyError("\(file): not a study cell record (\(error)); see the format in Sources/AegisSSL/StudyRecord.swift") }
    try record.validate(file: file)
    return record
  }

  /// Writes the record as pretty JSON, atomically (a crash never leaves half a file).
  public func write(to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
  }
}

/// A study input or output problem, naming the file and the fix.
public struct StudyError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
