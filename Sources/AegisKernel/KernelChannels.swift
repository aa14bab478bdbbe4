// The five sockets of a kernel, bound to the connection file's ports, and the signed sending
// of messages on them. IOPub is shared by the shell thread (outputs of the running cell) and
// the control thread (status of control requests), so it is guarded by a lock.

import Foundation

/// The kernel's sockets and the key that signs its messages.
final class KernelChannels: @unchecked Sendable {
  let context: ZMQContext
  let shell, control, stdin, iopub, heartbeat: ZMQSocket
  let hmac: HMAC?
  /// This kernel's session id (every message it sends carries it).
  let session = UUID().uuidString.lowercased()
  private let iopubLock = NSLock()
  /// Where rejected messages and failures are reported (standard error).
  let log: (String) -> Void

  init(_ connection: ConnectionInfo, log: @escaping (String) -> Void) throws {
    context = try ZMQContext()
    shell = try ZMQSocket(context, .router)
    control = try ZMQSocket(context, .router)
    stdin = try ZMQSocket(context, .router)
    iopub = try ZMQSocket(context, .publisher)
    heartbeat = try ZMQSocket(context, .reply)
    try shell.bind(connection.endpoint(connection.shellPort))
    try control.bind(connection.endpoint(connection.controlPort))
    try stdin.bind(connection.endpoint(connection.stdinPort))
    try iopub.bind(connection.endpoint(connection.iopubPort))
    try heartbeat.bind(connection.endpoint(connection.heartbeatPort))
    hmac = connection.key.isEmpty ? nil : HMAC(key: Array(connection.key.utf8))
    self.log = log
  }

  /// The next valid message on `socket`, or nil when none arrived within the timeout. Messages
  /// with a bad signature or a broken structure are logged and dropped.
  func receive(on socket: ZMQSocket, name: String, timeoutMilliseconds: Int = 100) -> JupyterMessage? {
    guard socket.poll(milliseconds: timeoutMilliseconds) else { return nil }
    do {
      return try JupyterMessage.decode(try socket.receive(), hmac: hmac)
    } catch {
      log("rejected a \(error) on the \(name) channel")
      return nil
    }
  }

  /// Replies to `request` on `socket` (shell or control).
  func reply(_ request: JupyterMessage, type: String, content: [String: Any], on socket: ZMQSocket) {
    let message = JupyterMessage(type: type, session: session, parent: request, content: content)
    do { try socket.send(message.frames(signedWith: hmac)) } catch { log("cannot send \(type): \(error)") }
  }

  /// Broadcasts an IOPub message caused by `parent`.
  func publish(_ type: String, _ content: [String: Any], parent: JupyterMessage?) {
    var message = JupyterMessage(type: type, session: session, parent: parent, content: content)
    message.identities = [Array("kernel.\(session).\(type)".utf8)]  // the PUB topic
    iopubLock.lock()
    defer { iopubLock.unlock() }
    do { try iopub.send(message.frames(signedWith: hmac)) } catch { log("cannot publish \(type): \(error)") }
  }

  /// `status` busy or idle for `parent`.
  func publishStatus(_ state: String, parent: JupyterMessage?) {
    publish("status", ["execution_state": state], parent: parent)
  }

  /// Echoes heartbeat pings until the process ends (its own thread).
  func serveHeartbeat() {
    while true {
      guard heartbeat.poll(milliseconds: 1000), let ping = try? heartbeat.receive() else { continue }
      try? heartbeat.send(ping)
    }
  }
}
