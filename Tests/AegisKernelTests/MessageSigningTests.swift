// HMAC-SHA256 against RFC 4231's test vectors, and the signed wire form of a Jupyter message:
// round trip, a tampered frame or a wrong key is refused.

@testable import AegisKernel
import XCTest

final class MessageSigningTests: XCTestCase {
  func testRFC4231Vectors() {
    // Test case 1: 20-byte key.
    XCTAssertEqual(HMAC(key: [UInt8](repeating: 0x0b, count: 20)).hex([Array("Hi There".utf8)]),
                   "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    // Test case 2: short key, message split over two parts (the parts are concatenated).
    XCTAssertEqual(HMAC(key: Array("Jefe".utf8)).hex([Array("what do ya want ".utf8), Array("for nothing?".utf8)]),
                   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    // Test case 6: a 131-byte key is hashed first.
    XCTAssertEqual(HMAC(key: [UInt8](repeating: 0xaa, count: 131)).hex([Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)]),
                   "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
  }

  func testSignedMessageRoundTripsAndTamperingIsRefused() throws {
    let hmac = HMAC(key: Array("secret".utf8))
    var message = JupyterMessage(type: "execute_request", session: "s", parent: nil, content: ["code": "1 + 2"])
    message.identities = [Array("client".utf8)]
    let frames = message.frames(signedWith: hmac)
    let decoded = try JupyterMessage.decode(frames, hmac: hmac)
    XCTAssertEqual(decoded.type, "execute_request")
    XCTAssertEqual(decoded.content["code"] as? String, "1 + 2")
    XCTAssertEqual(decoded.identities, [Array("client".utf8)])

    var tampered = frames
    tampered[tampered.count - 1] = Array(#"{"code":"rm()"}"#.utf8)
    XCTAssertThrowsError(try JupyterMessage.decode(tampered, hmac: hmac)) { error in
      XCTAssertEqual("\(error)", "message with an invalid HMAC signature")
    }
    XCTAssertThrowsError(try JupyterMessage.decode(frames, hmac: HMAC(key: Array("other".utf8))))
    XCTAssertThrowsError(try JupyterMessage.decode(Array(frames.prefix(3)), hmac: hmac)) { error in
      XCTAssertTrue("\(error)".contains("malformed"))
    }
  }

  func testKernelSpecNamesTheExecutableAndMessageInterrupts() throws {
    let json = KernelSpec.json(executable: "/opt/aegis/bin/aegis")
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    XCTAssertEqual(object["argv"] as? [String], ["/opt/aegis/bin/aegis", "kernel", "--connection-file", "{connection_file}"])
    XCTAssertEqual(object["interrupt_mode"] as? String, "message")
    XCTAssertEqual(object["language"] as? String, "aegis")
    XCTAssertEqual(KernelSpec.folder(.prefix("/p")).path, "/p/share/jupyter/kernels/aegis")
    XCTAssertEqual(KernelSpec.folder(.user, environment: ["HOME": "/h"]).path, "/h/.local/share/jupyter/kernels/aegis")
  }
}
