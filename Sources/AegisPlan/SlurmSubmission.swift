// `aegis grid submit DIR --slurm`: one `sbatch --array` per stage of the unfinished cells
// (pretraining, fine-tuning, model ensembles), each array `%K`-throttled, each stage
// `--dependency=afterok` on the previous stage's array. Every array task runs
// `aegis cell DIR ID` for the ID on its line of slurm/stage-S-STAMP.ids, appending to
// logs/ID.log. Resubmitting submits only cells that are not done and not running.

import AegisData
import Foundation

/// sbatch options.
public struct SlurmOptions: Sendable {
  public var partition: String?
  public var time: String?
  public var cpusPerTask: Int?
  public var memory: String?
  /// At most this many tasks of an array run at once (`--array=0-N%K`).
  public var maxParallel: Int?
  /// Extra `sbatch` arguments, passed as they are.
  public var extra: [String] = []
  /// The sbatch to call.
  public var sbatch = "sbatch"
  public init() {}
}

/// One submitted array.
public struct SlurmSubmission: Codable, Sendable {
  public var stage: Int
  public var jobID: String
  public var cells: [String]
  public var script: String
}

/// Writes batch scripts and calls sbatch.
public struct SlurmSubmitter {
  public let plan: PlanDirectory
  public let executable: String
  public let options: SlurmOptions

  public init(plan: PlanDirectory, executable: String, options: SlurmOptions) {
    self.plan = plan
    self.executable = executable
    self.options = options
  }

  /// Submits the unfinished cells; returns one submission per non-empty stage.
  public func submit() throws -> [SlurmSubmission] {
    let snapshot = try PlanSnapshot(plan)
    let pending = snapshot.cells.filter { snapshot.states[$0.id] != .done && snapshot.states[$0.id] != .running }
    let stamp = String(Int(Date().timeIntervalSince1970))
    var submissions: [SlurmSubmission] = []
    for stage in Set(pending.map(\.stage)).sorted() {
      let ids = pending.filter { $0.stage == stage }.map(\.id)
      let idsPath = "\(plan.path)/slurm/stage-\(stage)-\(stamp).ids"
      try plan.writeText(ids.joined(separator: "\n") + "\n", to: idsPath)
      let scriptPath = "\(plan.path)/slurm/stage-\(stage)-\(stamp).sbatch"
      try plan.writeText(batchScript(stage: stage, count: ids.count, idsPath: idsPath), to: scriptPath)
      let job = try sbatch(scriptPath, after: submissions.last?.jobID)
      submissions.append(SlurmSubmission(stage: stage, jobID: job, cells: ids, script: scriptPath))
    }
    try plan.write(submissions, to: "\(plan.path)/slurm/submitted-\(stamp).json")
    return submissions
  }

  /// The batch script of one stage's array.
  func batchScript(stage: Int, count: Int, idsPath: String) -> String {
    var lines = ["#!/bin/bash", "#SBATCH --job-name=aegis-\(URL(fileURLWithPath: plan.path).lastPathComponent)-s\(stage)",
                 "#SBATCH --array=0-\(count - 1)" + (options.maxParallel.map { "%\($0)" } ?? ""),
                 "#SBATCH --output=\(absolute(plan.path))/slurm/%A_%a.out"]
    if let p = options.partition { lines.append("#SBATCH --partition=\(p)") }
    if let t = options.time { lines.append("#SBATCH --time=\(t)") }
    if let c = options.cpusPerTask { lines.append("#SBATCH --cpus-per-task=\(c)") }
    if let m = options.memory { lines.append("#SBATCH --mem=\(m)") }
    lines += [
      "set -eu",
      "ID=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \(quote(absolute(idsPath))))",
      "echo \"== $ID on $(hostname), job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}, $(date -u +%FT%TZ)\" >> \(quote(absolute(plan.path)))/logs/$ID.log",
      "exec \(quote(absolute(executable))) cell \(quote(absolute(plan.path))) \"$ID\" >> \(quote(absolute(plan.path)))/logs/$ID.log 2>&1",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// Runs sbatch; returns the job id.
  func sbatch(_ script: String, after dependency: String?) throws -> String {
    var arguments = ["--parsable"]
    // A failed pretraining cancels its dependents instead of leaving them pending forever.
    if let dependency { arguments += ["--dependency=afterok:\(dependency)", "--kill-on-invalid-dep=yes"] }
    arguments += options.extra + [script]
    let (status, output) = try runTool(options.sbatch, arguments)
    guard status == 0, let id = output.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }), !id.isEmpty else {
      throw PlanError("sbatch failed (status \(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    return id
  }

  func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }

  func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// Runs a tool (found on PATH), returns its exit status and combined output.
public func runTool(_ tool: String, _ arguments: [String]) throws -> (Int32, String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [tool] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = pipe
  do { try process.run() } catch { throw PlanError("cannot run \(tool): \(error)") }
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

extension PlanDirectory {
  /// Writes text atomically.
  public func writeText(_ text: String, to file: String) throws {
    let bytes = [UInt8](text.utf8)
    try AtomicFileWriter.write(to: file) { try $0.write(bytes) }
  }
}
