@testable import AuthCore
import CReelProtoHost
import Foundation
import XCTest

/// GetVerificationKeys answers with GetSigningKeys's bytes: they must decode
/// as the host's reel.host.v1.VerificationKeys, field for field.
final class VerificationKeysTests: XCTestCase {
    func testSigningKeysBytesAreTheHostsVerificationKeys() throws {
        let keys: [(kid: String, publicKey: Data)] = [
            ("ed25519-a", Data(repeating: 7, count: 32)), ("ed25519-b", Data((0..<32).map { UInt8($0) })),
        ]
        let bytes = Messages.signingKeys(keys)
        let decoded = try XCTUnwrap(bytes.withUnsafeBufferPointer {
            reel__host__v1__verification_keys__unpack(nil, $0.count, $0.baseAddress)
        })
        defer { reel__host__v1__verification_keys__free_unpacked(decoded, nil) }
        XCTAssertEqual(String(cString: decoded.pointee.issuer), AccessTokens.issuer)
        XCTAssertEqual(String(cString: decoded.pointee.audience), AccessTokens.audience)
        XCTAssertEqual(decoded.pointee.n_keys, 2)
        for (index, key) in keys.enumerated() {
            let got = try XCTUnwrap(decoded.pointee.keys[index]).pointee
            XCTAssertEqual(String(cString: got.kid), key.kid)
            XCTAssertEqual(String(cString: got.algorithm), "EdDSA")
            XCTAssertEqual(Data(UnsafeBufferPointer(start: got.public_key.data, count: got.public_key.len)), key.publicKey)
        }
    }
}
