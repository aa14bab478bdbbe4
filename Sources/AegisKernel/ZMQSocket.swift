// A thin wrapper over libzmq: one context, sockets that bind, send and receive multipart
// messages, and poll with a timeout. A socket is used by one thread at a time (the kernel
// guards the shared IOPub socket with a lock); EINTR (a SIGINT arriving) is retried.

import CZMQ
import Foundation

/// A ZeroMQ failure, with libzmq's message.
public struct ZMQError: Error, CustomStringConvertible {
  public let description: String

  init(_ what: String) {
    description = "\(what): \(String(cString: zmq_strerror(zmq_errno())))"
  }
}

/// A ZeroMQ context (owns the I/O threads).
final class ZMQContext: @unchecked Sendable {
  let raw: UnsafeMutableRawPointer

  init() throws {
    guard let context = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
    raw = context
  }

  deinit { zmq_ctx_term(raw) }
}

/// One ZeroMQ socket.
final class ZMQSocket: @unchecked Sendable {
  enum Kind {
    case router, publisher, reply

    var raw: Int32 {
      switch self {
      case .router: return ZMQ_ROUTER
      case .publisher: return ZMQ_PUB
      case .reply: return ZMQ_REP
      }
    }
  }

  private let raw: UnsafeMutableRawPointer

  init(_ context: ZMQContext, _ kind: Kind) throws {
    guard let socket = zmq_socket(context.raw, kind.raw) else { throw ZMQError("zmq_socket") }
    raw = socket
    var linger: Int32 = 1000  // let replies leave on shutdown, but never hang the exit
    zmq_setsockopt(raw, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
  }

  deinit { zmq_close(raw) }

  /// Binds to `endpoint`, e.g. `tcp://127.0.0.1:5555`.
  func bind(_ endpoint: String) throws {
    guard zmq_bind(raw, endpoint) == 0 else { throw ZMQError("cannot bind \(endpoint)") }
  }

  /// Sends `frames` as one multipart message.
  func send(_ frames: [[UInt8]]) throws {
    for (i, frame) in frames.enumerated() {
      let flags = i < frames.count - 1 ? ZMQ_SNDMORE : 0
      while true {
        let sent = frame.withUnsafeBytes { zmq_send(raw, $0.baseAddress, frame.count, flags) }
        if sent >= 0 { break }
        if zmq_errno() != EINTR { throw ZMQError("zmq_send") }
      }
    }
  }

  /// Receives one multipart message (blocks; use `poll` first).
  func receive() throws -> [[UInt8]] {
    var frames: [[UInt8]] = []
    while true {
      var message = zmq_msg_t()
      zmq_msg_init(&message)
      defer { zmq_msg_close(&message) }
      if zmq_msg_recv(&message, raw, 0) < 0 {
        if zmq_errno() == EINTR { continue }
        throw ZMQError("zmq_msg_recv")
      }
      let size = zmq_msg_size(&message)
      let data = zmq_msg_data(&message)
      frames.append(size == 0 || data == nil ? [] : Array(UnsafeRawBufferPointer(start: data, count: size)))
      if zmq_msg_more(&message) == 0 { return frames }
    }
  }

  /// Whether a message is waiting, waiting at most `milliseconds`.
  func poll(milliseconds: Int) -> Bool {
    var item = zmq_pollitem_t(socket: raw, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
    let ready = zmq_poll(&item, 1, milliseconds)
    return ready > 0 && (item.revents & Int16(ZMQ_POLLIN)) != 0
  }
}
