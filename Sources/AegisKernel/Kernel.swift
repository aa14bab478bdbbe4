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
      handle(request, on: channels.shell)
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

  /// Answers one request between `status: busy` and `status: idle`.
  private func handle(_ request: JupyterMessage, on socket: ZMQSocket) {
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
        return
      }
      let failed = request.type == "execute_request" && content["status"] as? String == "error"
      // The queue is read *before* the error reply leaves: whatever the client sends after
      // seeing that reply is a new request and must run, not be aborted with the old queue.
      let stopsQueue = failed && (request.content["stop_on_error"] as? Bool ?? true)
      let queued = stopsQueue ? queuedShellRequests() : []
      channels.reply(request, type: replyType, content: content, on: socket)
      answerQueuedBehindFailure(queued)
    }
  }

  /// How long the shell must stay quiet before the queue behind a failed cell counts as read.
  /// "Run All" sends its cells in one burst, but on a busy machine the burst can still be in
  /// flight when a fast cell fails; waiting costs the error reply this much latency, no more.
  static let queueQuietMilliseconds = 50

  /// The shell requests queued behind a failed cell: those already arrived, and those arriving
  /// until the shell has been quiet for `queueQuietMilliseconds`. Called before the error reply
  /// is sent, so none of them can be a reaction to it.
  private func queuedShellRequests() -> [JupyterMessage] {
    var queued: [JupyterMessage] = []
    while let request = channels.receive(on: channels.shell, name: "shell", timeoutMilliseconds: Self.queueQuietMilliseconds) {
      queued.append(request)
    }
    return queued
  }

  /// After a failed cell (with `stop_on_error`), the cells that were queued behind it are answered
  /// `aborted` without running, as "Run All" expects; other queued requests are served.
  private func answerQueuedBehindFailure(_ queued: [JupyterMessage]) {
    for request in queued {
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
