// The language side of the kernel: one interpreter (the workspace), the execution counter and
// the input history, answering the shell requests. Runs on the shell thread only.

import AegisLang
import AegisTensor
import Foundation

/// One kernel's workspace and the shell requests that use it.
final class KernelSession {
  let interpreter: Interpreter
  let version: String
  let channels: KernelChannels
  let plots: InlinePlots
  /// Count of executions stored in history (`In [n]`).
  private(set) var executionCount = 0
  /// Inputs (and their text results) by execution count.
  var history: [(line: Int, input: String, output: String?)] = []
  /// The request whose outputs the interpreter is producing now.
  private var current: JupyterMessage?
  /// The live progress bar of the running cell (a display updated in place).
  private var progressBar: (id: String, updated: Double)?
  /// Seconds between progress bar updates.
  static let progressInterval = 0.5

  init(version: String, channels: KernelChannels) {
    self.version = version
    self.channels = channels
    interpreter = Interpreter()
    plots = InlinePlots()
    plots.install()
    interpreter.output = { [unowned self] text in self.stream(text + "\n") }
    ProgressDisplay.batchHandler = { [unowned self] label, progress in self.showProgress(ProgressDisplay.bar(label, progress)) }
  }

  /// Removes the inline plot folder.
  func finish() { plots.uninstall() }

  /// The reply content for a shell request, or nil for an unknown request.
  func reply(to request: JupyterMessage) -> [String: Any]? {
    let content = request.content
    switch request.type {
    case "kernel_info_request": return kernelInfo()
    case "execute_request": return execute(request)
    case "complete_request": return complete(code: content["code"] as? String ?? "", cursor: Self.cursor(content))
    case "inspect_request": return inspect(code: content["code"] as? String ?? "", cursor: Self.cursor(content))
    case "is_complete_request": return isComplete(content["code"] as? String ?? "")
    case "history_request": return historyReply(content)
    case "comm_info_request": return ["status": "ok", "comms": [String: Any]()]
    default: return nil
    }
  }

  static func cursor(_ content: [String: Any]) -> Int? { content["cursor_pos"] as? Int }

  // MARK: - Execute

  private func execute(_ request: JupyterMessage) -> [String: Any] {
    let code = request.content["code"] as? String ?? ""
    let silent = request.content["silent"] as? Bool ?? false
    let store = !silent && (request.content["store_history"] as? Bool ?? true)
    if store { executionCount += 1 }
    let count = executionCount
    current = request
    progressBar = nil
    defer { current = nil }
    if !silent { channels.publish("execute_input", ["code": code, "execution_count": count], parent: request) }

    Cancellation.reset()
    _ = plots.take()
    let result = interpreter.run(code, file: "In[\(count)]", firstLine: 1)
    ProgressDisplay.finishLine?()
    let text = result.value.map(interpreter.display)
    if store { history.append((count, code, text)) }
    publishOutputs(of: result, text: text, count: count, silent: silent, for: request)
    guard let first = result.diagnostics.first else {
      interpreter.sources.recordSessionInput(code)
      return ["status": "ok", "execution_count": count, "payload": [Any](), "user_expressions": [String: Any]()]
    }
    let error: [String: Any] = [
      "ename": Self.errorName(first.kind), "evalue": first.message,
      "traceback": interpreter.render(result.diagnostics).components(separatedBy: "\n"),
    ]
    channels.publish("error", error, parent: request)
    return error.merging(["status": "error", "execution_count": count]) { a, _ in a }
  }

  /// The cell's plots (display_data) and its value (execute_result, unless silent).
  private func publishOutputs(of result: RunResult, text: String?, count: Int, silent: Bool, for request: JupyterMessage) {
    let none = [String: Any]()
    for bundle in plots.take() {
      channels.publish("display_data", ["data": bundle, "metadata": none, "transient": none], parent: request)
    }
    guard let value = result.value, let text, !silent else { return }
    channels.publish("execute_result", ["execution_count": count, "data": RichOutput.bundle(value, text: text), "metadata": none],
                     parent: request)
  }

  static func errorName(_ kind: LangError.Kind) -> String {
    switch kind {
    case .syntax: return "SyntaxError"
    case .runtime: return "RuntimeError"
    case .interrupted: return "Interrupted"
    }
  }

  /// Sends printed text as it appears (called on the interpreter's thread).
  private func stream(_ text: String) {
    guard let request = current else { return }
    channels.publish("stream", ["name": "stdout", "text": text], parent: request)
  }

  /// Shows `bar` in a display of its own, updated in place at most every `progressInterval`
  /// (the per-epoch lines still stream as text).
  private func showProgress(_ bar: String) {
    guard let request = current else { return }
    let now = ProcessInfo.processInfo.systemUptime
    let content: [String: Any]
    if let shown = progressBar {
      guard now - shown.updated >= Self.progressInterval else { return }
      content = ["data": ["text/plain": bar], "metadata": [String: Any](), "transient": ["display_id": shown.id]]
      channels.publish("update_display_data", content, parent: request)
      progressBar = (shown.id, now)
    } else {
      let id = "aegis-progress-\(UUID().uuidString.lowercased())"
      content = ["data": ["text/plain": bar], "metadata": [String: Any](), "transient": ["display_id": id]]
      channels.publish("display_data", content, parent: request)
      progressBar = (id, now)
    }
  }

  // MARK: - kernel_info

  func kernelInfo() -> [String: Any] {
    [
      "status": "ok",
      "protocol_version": JupyterMessage.protocolVersion,
      "implementation": "aegis",
      "implementation_version": version,
      "language_info": [
        "name": "aegis",
        "version": version,
        "mimetype": "text/x-aegis",
        "file_extension": ".aegis",
        "pygments_lexer": "text",
        "codemirror_mode": "text/plain",
      ],
      "banner": "Aegis \(version): adversarial robustness in a notebook. `help` lists the builtins, `help NAME` shows one.",
      "help_links": [["text": "Aegis language reference", "url": Self.languageReference]],
      "debugger": false,
    ]
  }

  /// docs/language.md of the installed checkout when it can be found, else the file's name.
  static var languageReference: String {
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
    var folder = executable.deletingLastPathComponent()
    for _ in 0..<5 {
      let candidate = folder.appendingPathComponent("docs/language.md")
      if FileManager.default.fileExists(atPath: candidate.path) { return candidate.absoluteString }
      folder = folder.deletingLastPathComponent()
    }
    return "docs/language.md"
  }
}
