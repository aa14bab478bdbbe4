// The connection file Jupyter writes for a kernel: transport, address, five ports and the key
// that signs messages.

import Foundation

/// A parsed Jupyter connection file.
public struct ConnectionInfo: Equatable {
  public var transport: String
  public var ip: String
  public var shellPort: Int
  public var iopubPort: Int
  public var stdinPort: Int
  public var controlPort: Int
  public var heartbeatPort: Int
  /// The HMAC key (empty: messages are not signed).
  public var key: String
  public var signatureScheme: String

  /// Reads and checks the connection file at `path`.
  public static func load(_ path: String) throws -> ConnectionInfo {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw KernelError("cannot read the connection file \(path)")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw KernelError("the connection file \(path) is not a JSON object")
    }
    return try ConnectionInfo(json: object, file: path)
  }

  init(json: [String: Any], file: String) throws {
    func port(_ name: String) throws -> Int {
      guard let value = json[name] as? Int, (0...65535).contains(value) else {
        throw KernelError("the connection file \(file) has no valid \"\(name)\" (a port number)")
      }
      return value
    }
    transport = json["transport"] as? String ?? "tcp"
    ip = json["ip"] as? String ?? "127.0.0.1"
    shellPort = try port("shell_port")
    iopubPort = try port("iopub_port")
    stdinPort = try port("stdin_port")
    controlPort = try port("control_port")
    heartbeatPort = try port("hb_port")
    key = json["key"] as? String ?? ""
    signatureScheme = json["signature_scheme"] as? String ?? "hmac-sha256"
    guard signatureScheme == "hmac-sha256" else {
      throw KernelError("signature scheme \(signatureScheme) is not supported; use hmac-sha256")
    }
  }

  /// The ZeroMQ endpoint for `port` (`tcp://ip:port`, or `ipc://ip-port` for the ipc transport).
  func endpoint(_ port: Int) -> String {
    transport == "ipc" ? "ipc://\(ip)-\(port)" : "\(transport)://\(ip):\(port)"
  }
}

/// A kernel start-up or protocol failure.
public struct KernelError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
