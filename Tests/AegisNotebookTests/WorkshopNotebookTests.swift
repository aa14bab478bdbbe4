// Every workshop notebook in notebooks/ runs at a tiny size (its `#| param` variables set from
// the table below through --set) and renders to well-formed HTML with one <svg> per plot.
// Notebooks that read Fashion-MNIST are skipped when the data set is not installed; notebooks
// that call builtins not registered yet are skipped with the names. Set AEGIS_NOTEBOOK_OUT to a
// folder to keep the rendered output, and AEGIS_NOTEBOOK_FULL=1 to run at the default sizes.

@testable import AegisNotebook
import AegisLang
import Foundation
import XCTest

final class WorkshopNotebookTests: XCTestCase {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("notebooks")

  /// Tiny values for the parameter names the notebooks use.
  static let tiny: [String: String] = [
    "n": "3", "steps": "20", "n_train": "256", "n_test": "128", "n_eval": "48", "n_show": "3", "n_sanity": "32",
    "epochs": "1", "pretrain_epochs": "1", "finetune_epochs": "1", "train_steps": "2", "eval_steps": "3",
    "width": "4", "n_grid": "160",
  ]

  /// Builtins other modules are still adding; notebooks using them are skipped until they exist.
  static let pendingBuiltins = ["pretrain", "finetune", "rotation", "jigsaw", "selfie", "ensemble", "grid"]

  static let notebooks = [
    "01-tensors-and-autodiff.md", "02-attacks.md", "03-adversarial-training.md",
    "04-pretext-tasks.md", "05-pretraining-and-fine-tuning.md", "06-ensembles.md",
  ]

  func testEveryNotebookIsListed() throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasSuffix(".md") && !$0.hasSuffix(".out.md") && $0 != "README.md" }.sorted()
    XCTAssertEqual(files, Self.notebooks)
  }

  func test01TensorsAndAutodiff() throws { try check("01-tensors-and-autodiff.md") }
  func test02Attacks() throws { try check("02-attacks.md") }
  func test03AdversarialTraining() throws { try check("03-adversarial-training.md") }
  func test04PretextTasks() throws { try check("04-pretext-tasks.md") }
  func test05PretrainingAndFineTuning() throws { try check("05-pretraining-and-fine-tuning.md") }
  func test06Ensembles() throws { try check("06-ensembles.md") }

  private func check(_ name: String) throws {
    let url = Self.directory.appendingPathComponent(name)
    let notebook = try NotebookRunner.load(url)
    let code = notebook.cells.map(\.code).joined(separator: "\n")
    if code.contains("fashion_mnist("), !FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist") {
      throw XCTSkip("Fashion-MNIST is not installed (/usr/share/datasets/fashion-mnist)")
    }
    let registry = BuiltinRegistry.standard()
    let missing = Self.pendingBuiltins.filter { code.contains("\($0)(") && registry[$0] == nil }
    if !missing.isEmpty { throw XCTSkip("\(name) needs builtins not registered yet: \(missing.joined(separator: ", "))") }
    try requireGnuplot()

    let folder = try TemporaryFolder()
    var options = NotebookOptions()
    options.parameters = try parameters(for: notebook).map(ParameterOverride.parse)
    options.useCache = false
    options.cacheDirectory = folder.url.appendingPathComponent("cache")
    options.outputDirectory = ProcessInfo.processInfo.environment["AEGIS_NOTEBOOK_OUT"].map { URL(fileURLWithPath: $0) } ?? folder.url
    let run = try NotebookRunner(options: options).run(path: url.path)
    XCTAssertTrue(run.succeeded, "\(name): \(run.failure ?? "")")
    XCTAssertFalse(run.cells.contains { $0.output?.error != nil && !$0.cell.options.error }, name)
    let plots = run.cells.reduce(0) { $0 + ($1.output?.plots.count ?? 0) }
    XCTAssertGreaterThan(plots + (name.hasPrefix("01") ? 1 : 0), 0, "\(name) should draw something")
    try checkHTML(try String(contentsOf: run.paths.html, encoding: .utf8), plots: plots)
  }

  /// `--set` arguments for the tiny values of the variables the param cells assign.
  private func parameters(for notebook: Notebook) throws -> [String] {
    if ProcessInfo.processInfo.environment["AEGIS_NOTEBOOK_FULL"] == "1" { return [] }
    let interpreter = Interpreter(output: { _ in })
    let names = notebook.cells.filter(\.options.param).flatMap { cell in
      interpreter.parse(cell.source).statements.compactMap { s -> String? in
        if case .assign(let target, _) = s.kind { return target.identifierName }
        return nil
      }
    }
    return names.compactMap { name in Self.tiny[name].map { "\(name)=\($0)" } }
  }
}
