// `aegis kernel --connection-file F`: the Jupyter kernel. Three threads:
// - the calling thread serves the shell channel, one request at a time (execute runs here);
// - a control thread answers interrupt, shutdown and kernel_info while a cell runs, so an
//   interrupt reaches the running training loop (`Cancellation`) at its next batch;
// - a heartbeat thread echoes pings.
// SIGINT (interrupt_mode "signal" front ends) also cancels the running cell.

import AegisTensor
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Jupyter kernel serving one connection file.
public final class Kernel: @unchecked Sendable {
  private let channels: KernelChannels
  private let session: KernelSession
  private let stopping = Atomic<Bool>(false)

  /// Binds the sockets of `connection`; `version` is reported in kernel_info.
  public init(connection: ConnectionInfo, version: String, log: @escaping (String) -> Void = Kernel.standardErrorLog) throws {
    channels = try KernelChannels(connection, log: log)
    session = KernelSession(version: version, channels: channels)
  }

  /// Writes `aegis kernel: MESSAGE` to standard error (Jupyter's server log shows it).
  public static func standardErrorLog(_ message: String) {
    FileHandle.standardError.write(Data("aegis kernel: \(message)\n".utf8))
  }

  /// Serves until a shutdown request; returns the exit code (0).
  public func run() -> Int32 {
    KernelSignals.install()
    let heartbeat = Thread { [channels] in channels.serveHeartbeat() }
    heartbeat.start()
    let control = Thread { [self] in serveControl() }
    control.stackSize = 1 << 20
    control.start()
    channels.publishStatus("starting", parent: nil)
    while !stopping.load(ordering: .acquiring) {
      guard let request = channels.receive(on: channels.shell, name: "shell") else { continue }
      if handle(request, on: channels.shell) == .stopQueuedCells { abortQueuedExecutions() }
    }
    session.finish()
    return 0
  }

  private func serveControl() {
    while !stopping.load(ordering: .acquiring) {
      guard let request = channels.receive(on: channels.control, name: "control") else { continue }
      handle(request, on: channels.control)
    }
  }

  /// What the shell loop does after a request.
  enum Outcome { case next, stopQueuedCells }

  /// Answers one request between `status: busy` and `status: idle`.
  @discardableResult
  private func handle(_ request: JupyterMessage, on socket: ZMQSocket) -> Outcome {
    channels.publishStatus("busy", parent: request)
    defer { channels.publishStatus("idle", parent: request) }
    let replyType = request.type.hasSuffix("_request") ? String(request.type.dropLast(8)) + "_reply" : request.type + "_reply"
    switch request.type {
    case "interrupt_request":
      Cancellation.request()
      channels.reply(request, type: replyType, content: ["status": "ok"], on: socket)
    case "shutdown_request":
      let restart = request.content["restart"] as? Bool ?? false
      Cancellation.request()
      stopping.store(true, ordering: .releasing)
      channels.reply(request, type: replyType, content: ["status": "ok", "restart": restart], on: socket)
    case "kernel_info_request":
      channels.reply(request, type: replyType, content: session.kernelInfo(), on: socket)
    default:
      // Everything else touches the interpreter, which only the shell thread may use.
      guard socket === channels.shell, let content = session.reply(to: request) else {
        channels.log("ignored an unsupported \(request.type)")
        return .next
      }
      channels.reply(request, type: replyType, content: content, on: socket)
      let failed = request.type == "execute_request" && content["status"] as? String == "error"
      if failed && request.content["stop_on_error"] as? Bool ?? true { return .stopQueuedCells }
    }
    return .next
  }

  /// After a failed cell (with `stop_on_error`), the cells already queued behind it are answered
  /// `aborted` without running, as "Run All" expects; other queued requests are served.
  private func abortQueuedExecutions() {
    while let request = channels.receive(on: channels.shell, name: "shell", timeoutMilliseconds: 0) {
      guard request.type == "execute_request" else {
        handle(request, on: channels.shell)
        continue
      }
      channels.publishStatus("busy", parent: request)
      channels.reply(request, type: "execute_reply", content: ["status": "aborted", "execution_count": session.executionCount], on: channels.shell)
      channels.publishStatus("idle", parent: request)
    }
  }
}

/// SIGINT cancels the running cell (and does nothing at all while the kernel is idle).
enum KernelSignals {
  static func install() {
    Cancellation.reset()
    var action = sigaction()
    #if canImport(Glibc)
    action.__sigaction_handler.sa_handler = { _ in Cancellation.request() }
    #else
    action.__sigaction_u.__sa_handler = { _ in Cancellation.request() }
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = SA_RESTART
    sigaction(SIGINT, &action, nil)
  }
}
