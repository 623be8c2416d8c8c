@testable import AuthCore
import CReelProtoAuth
import Foundation
import JWTKit
import ReelPluginKit
import XCTest

final class TokenTests: XCTestCase {
    func testAccessTokensVerifyWithThePublicKeyAlone() async throws {
        let key = try SigningKey.generate()
        XCTAssertEqual(key.publicKey.count, 32)
        XCTAssertEqual(key.privateKey.count, 32)
        XCTAssertTrue(key.kid.hasPrefix("ed25519-"))
        let signer = try await AccessTokens(key: key, lifetimeSeconds: 900)
        let token = try await signer.sign(userID: "9f1c2d3e-0000-4000-8000-00000000000a", role: .creator)

        let header = try JSONSerialization.jsonObject(with: XCTUnwrap(Data(base64URLEncoded: String(token.split(separator: ".")[0])))) as? [String: Any]
        XCTAssertEqual(header?["alg"] as? String, "EdDSA")
        XCTAssertEqual(header?["kid"] as? String, key.kid)

        let verifier = JWTKeyCollection()
        let publicKey = try EdDSA.PublicKey(x: key.publicKey.base64URLEncoded, curve: .ed25519)
        await verifier.add(eddsa: publicKey, kid: JWKIdentifier(string: key.kid))
        let claims = try await verifier.verify(token, as: AccessClaims.self)
        XCTAssertEqual(claims.sub.value, "9f1c2d3e-0000-4000-8000-00000000000a")
        XCTAssertEqual(claims.role, "creator")
        XCTAssertEqual(claims.iss.value, "reel")
        XCTAssertEqual(claims.aud.value, ["reel"])
        XCTAssertEqual(claims.exp.value.timeIntervalSince(claims.iat.value), 900)
        XCTAssertEqual(claims.nbf.value, claims.iat.value)
        XCTAssertFalse(claims.jti.value.isEmpty)

        // Another key's verifier refuses it.
        let other = JWTKeyCollection()
        await other.add(eddsa: try EdDSA.PrivateKey(curve: .ed25519).publicKey, kid: JWKIdentifier(string: key.kid))
        do {
            _ = try await other.verify(token, as: AccessClaims.self)
            XCTFail("a token verified with the wrong key")
        } catch {}
    }

    func testRefreshTokensAreOpaqueAndHashed() {
        let token = RefreshToken.generate()
        XCTAssertEqual(token.count, 43)
        XCTAssertNil(token.rangeOfCharacter(from: CharacterSet(charactersIn: "+/=")))
        XCTAssertEqual(Data(base64URLEncoded: token)?.count, 32)
        XCTAssertNotEqual(token, RefreshToken.generate())
        XCTAssertEqual(RefreshToken.hash(token).count, 32)
        XCTAssertEqual(RefreshToken.hash(token), RefreshToken.hash(token))
    }

    func testTokenPairPacksEveryField() throws {
        let user = User(id: "9f1c2d3e-0000-4000-8000-00000000000a", email: "ada@example.com", displayName: "Ada",
                        role: .admin, disabled: false, createdAt: "2024-11-24T21:19:00.123Z", createdMicros: 1)
        let bytes = Messages.tokenPair(accessToken: "a.b.c", refreshToken: "r", expiresIn: 900, user: user)
        let unpacked = try Proto.unpack(bytes, as: Reel__Auth__V1__TokenPair.self, "reel.auth.v1.TokenPair")
        defer { withExtendedLifetime(unpacked) {} }
        let pair = unpacked.message
        XCTAssertEqual(Proto.string(pair.access_token), "a.b.c")
        XCTAssertEqual(Proto.string(pair.refresh_token), "r")
        XCTAssertEqual(pair.expires_in, 900)
        XCTAssertEqual(Proto.string(pair.token_type), "Bearer")
        XCTAssertEqual(Proto.string(pair.user.pointee.email), "ada@example.com")
        XCTAssertEqual(Proto.string(pair.user.pointee.role), "admin")
    }

    func testSigningKeysAndPagesPack() throws {
        let key = try SigningKey.generate()
        let bytes = Messages.signingKeys([(key.kid, key.publicKey)])
        let unpackedKeys = try Proto.unpack(bytes, as: Reel__Auth__V1__SigningKeys.self, "reel.auth.v1.SigningKeys")
        defer { withExtendedLifetime(unpackedKeys) {} }
        let keys = unpackedKeys.message
        XCTAssertEqual(keys.n_keys, 1)
        XCTAssertEqual(Proto.string(keys.issuer), "reel")
        XCTAssertEqual(Proto.string(keys.audience), "reel")
        let first = keys.keys[0]!.pointee
        XCTAssertEqual(Proto.string(first.algorithm), "EdDSA")
        XCTAssertEqual(Data(bytes: first.public_key.data, count: first.public_key.len), key.publicKey)

        let users = (0..<3).map {
            User(id: UUID().uuidString.lowercased(), email: "u\($0)@example.com", displayName: "U\($0)", role: .viewer,
                 disabled: $0 == 1, createdAt: "2024-11-24T21:19:00.000Z", createdMicros: Int64($0))
        }
        let unpackedPage = try Proto.unpack(Messages.userPage(users, nextCursor: "next"),
                                            as: Reel__Auth__V1__ListUsersResponse.self, "reel.auth.v1.ListUsersResponse")
        defer { withExtendedLifetime(unpackedPage) {} }
        let page = unpackedPage.message
        XCTAssertEqual(page.n_users, 3)
        XCTAssertEqual(Proto.string(page.users[2]!.pointee.email), "u2@example.com")
        XCTAssertEqual(page.users[1]!.pointee.disabled, 1)
        XCTAssertEqual(Proto.string(page.next_cursor), "next")
    }
}
