// One message of the Jupyter messaging protocol (5.3) and its wire form:
//   [identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…]
// where the signature is the HMAC-SHA256 hex of the four JSON frames.

import Foundation

/// A Jupyter message: header, parent header, metadata and content as JSON objects.
struct JupyterMessage {
  static let delimiter = Array("<IDS|MSG>".utf8)
  static let protocolVersion = "5.3"

  /// ZeroMQ routing prefix of the request (replies go back with it).
  var identities: [[UInt8]] = []
  var header: [String: Any]
  var parentHeader: [String: Any] = [:]
  var metadata: [String: Any] = [:]
  var content: [String: Any] = [:]
  var buffers: [[UInt8]] = []

  var type: String { header["msg_type"] as? String ?? "" }
  var id: String { header["msg_id"] as? String ?? "" }

  /// A new message of `type`, in reply to (or caused by) `parent`.
  init(type: String, session: String, parent: JupyterMessage?, content: [String: Any]) {
    header = [
      "msg_id": UUID().uuidString.lowercased(),
      "session": session,
      "username": "aegis",
      "date": Self.timestamp(),
      "msg_type": type,
      "version": Self.protocolVersion,
    ]
    parentHeader = parent?.header ?? [:]
    identities = parent?.identities ?? []
    self.content = content
  }

  private init(header: [String: Any]) { self.header = header }

  /// ISO 8601 with microseconds, UTC.
  static func timestamp() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
  }

  // MARK: - Wire form

  /// The frames to send, signed with `hmac` (or an empty signature when there is no key).
  func frames(signedWith hmac: HMAC?) -> [[UInt8]] {
    let parts = [header, parentHeader, metadata, content].map(Self.json)
    let signature = hmac.map { Array($0.hex(parts).utf8) } ?? []
    return identities + [Self.delimiter, signature] + parts + buffers
  }

  /// Why a received message was refused.
  enum DecodeError: Error, CustomStringConvertible {
    case malformed(String)
    case badSignature

    var description: String {
      switch self {
      case .malformed(let why): return "malformed message (\(why))"
      case .badSignature: return "message with an invalid HMAC signature"
      }
    }
  }

  /// Parses received `frames`, checking the signature when `hmac` is set.
  static func decode(_ frames: [[UInt8]], hmac: HMAC?) throws -> JupyterMessage {
    guard let split = frames.firstIndex(of: delimiter) else { throw DecodeError.malformed("no <IDS|MSG> delimiter") }
    guard frames.count >= split + 6 else { throw DecodeError.malformed("fewer than 5 frames after the delimiter") }
    let signature = frames[split + 1]
    let parts = Array(frames[(split + 2)...(split + 5)])
    if let hmac, !constantTimeEqual(Array(hmac.hex(parts).utf8), signature) { throw DecodeError.badSignature }
    let objects = try parts.map { part -> [String: Any] in
      guard let object = try? JSONSerialization.jsonObject(with: Data(part)) as? [String: Any] else {
        throw DecodeError.malformed("a frame is not a JSON object")
      }
      return object
    }
    var message = JupyterMessage(header: objects[0])
    message.identities = Array(frames[..<split])
    message.parentHeader = objects[1]
    message.metadata = objects[2]
    message.content = objects[3]
    message.buffers = Array(frames[(split + 6)...])
    guard !message.type.isEmpty else { throw DecodeError.malformed("the header has no msg_type") }
    return message
  }

  /// Compares without stopping at the first difference, so timing reveals nothing of the key.
  static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
  }

  static func json(_ object: [String: Any]) -> [UInt8] {
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    return Array(data)
  }
}
