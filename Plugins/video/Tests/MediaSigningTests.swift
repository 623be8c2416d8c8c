import XCTest
@testable import VideoCore

/// Signed media URLs, the access cache and the URLs the API answers.
final class MediaSigningTests: XCTestCase {
    let signer = MediaSigner(key: Array(repeating: 7, count: 32))!
    let id = "0b7e6c1e-4a57-4f0e-9f3e-2f1d7c1a9b00"

    func testSignaturesCoverOneVideoUntilTheyExpire() {
        let signature = signer.signature(videoId: id, expires: 2000)
        XCTAssertEqual(signature.count, 43, "base64url of 32 bytes, no padding")
        XCTAssertFalse(signature.contains("=") || signature.contains("+") || signature.contains("/"))
        XCTAssertEqual(signer.verify(videoId: id, expires: 2000, signature: signature, now: 1999), .valid)
        XCTAssertEqual(signer.verify(videoId: id, expires: 2000, signature: signature, now: 2000), .valid)
        XCTAssertEqual(signer.verify(videoId: id, expires: 2000, signature: signature, now: 2001), .expired)
        XCTAssertEqual(signer.verify(videoId: id, expires: 2001, signature: signature, now: 1000), .invalid, "another expiry")
        let other = "1b7e6c1e-4a57-4f0e-9f3e-2f1d7c1a9b00"
        XCTAssertEqual(signer.verify(videoId: other, expires: 2000, signature: signature, now: 1000), .invalid, "another video")
        var tampered = Array(signature)
        tampered[10] = tampered[10] == "A" ? "B" : "A"
        XCTAssertEqual(signer.verify(videoId: id, expires: 2000, signature: String(tampered), now: 1000), .invalid)
        XCTAssertEqual(signer.verify(videoId: id, expires: 2000, signature: String(signature.dropLast()), now: 1000), .invalid)
        XCTAssertEqual(signer.verify(videoId: id, expires: 2000, signature: "", now: 1000), .invalid)
        let otherKey = MediaSigner(key: Array(repeating: 8, count: 32))!
        XCTAssertEqual(otherKey.verify(videoId: id, expires: 2000, signature: signature, now: 1000), .invalid, "another key")
        XCTAssertNil(MediaSigner(key: Array(repeating: 1, count: 31)), "keys have at least 32 bytes")
        XCTAssertEqual(signer.prefix(videoId: id, expires: 2000), "s/2000/\(signature)/")
    }

    func testViewerTokensAreKeyedAndPerDay() {
        let a = signer.viewerToken(address: "203.0.113.9", day: "2026-11-24")
        XCTAssertEqual(a.count, 22)
        XCTAssertEqual(a, signer.viewerToken(address: "203.0.113.9", day: "2026-11-24"))
        XCTAssertNotEqual(a, signer.viewerToken(address: "203.0.113.9", day: "2026-11-25"))
        XCTAssertNotEqual(a, signer.viewerToken(address: "203.0.113.10", day: "2026-11-24"))
        XCTAssertFalse(a.contains("203"))
    }

    func testOpenVideosGetPlainURLsAndTheOthersSignedOnes() throws {
        let links = MediaLinks(baseURL: "/media/", signer: signer, ttlSeconds: 3600)
        let key = "videos/\(id)/streams/a1-x/master.m3u8"
        XCTAssertEqual(links.url(key, videoId: id, access: .open, durationSeconds: 100), "/media/" + key)
        XCTAssertNil(links.url(nil, videoId: id, access: .restricted, durationSeconds: 100))
        do {
            let url = try XCTUnwrap(links.url(key, videoId: id, access: .restricted, durationSeconds: 100, now: 1_000_000))
            // 1_000_000 + 3600 + 100 = 1_003_700, rounded up to 5 minutes.
            let expires: Int64 = 1_003_800
            XCTAssertEqual(url, "/media/s/\(expires)/\(signer.signature(videoId: id, expires: expires))/" + key)
        }
        XCTAssertEqual(MediaLinks.expiry(now: 1_000_000, ttlSeconds: 3600, durationSeconds: nil), 1_003_800)
        XCTAssertEqual(MediaLinks.expiry(now: 1_000_000, ttlSeconds: 3600, durationSeconds: .infinity), 1_003_800)
        XCTAssertEqual(MediaLinks.expiry(now: 999_900, ttlSeconds: 300, durationSeconds: 0), 1_000_200)
        XCTAssertEqual(links.url("elsewhere/x.m3u8", videoId: id, access: .restricted, durationSeconds: nil), "/media/elsewhere/x.m3u8",
                       "a key outside the video's folder cannot be signed")
    }

    func testAccessCache() {
        XCTAssertEqual(MediaAccessCache.Access((.public, .ready)), .open)
        XCTAssertEqual(MediaAccessCache.Access((.unlisted, .ready)), .open)
        XCTAssertEqual(MediaAccessCache.Access((.private, .ready)), .restricted)
        XCTAssertEqual(MediaAccessCache.Access((.public, .processing)), .restricted)
        XCTAssertEqual(MediaAccessCache.Access(nil), .missing)

        let cache = MediaAccessCache(ttlSeconds: 60, capacity: 2)
        XCTAssertNil(cache.lookup(id))
        cache.store(id, .open, loadedAt: cache.beginLoad())
        XCTAssertEqual(cache.lookup(id), .open)
        cache.invalidate(id)
        XCTAssertNil(cache.lookup(id))
        // A load that started before an invalidation does not store what it read.
        let epoch = cache.beginLoad()
        cache.invalidate("other")
        cache.store(id, .open, loadedAt: epoch)
        XCTAssertNil(cache.lookup(id))
        // Bounded.
        for n in 0..<5 { cache.store("v\(n)", .missing, loadedAt: cache.beginLoad()) }
        XCTAssertEqual(cache.lookup("v4"), .missing)
        XCTAssertNil(MediaAccessCache(ttlSeconds: 0).lookup(id))
    }

    func testMediaSettings() throws {
        let defaults = try VideoConfig { _ in nil }
        XCTAssertEqual(defaults.media, MediaSettings())
        let set = try VideoConfig([
            "REEL_MEDIA_URL_TTL_SECONDS": "600", "REEL_MEDIA_ACCESS_CACHE_SECONDS": "0",
            "REEL_MEDIA_S3_DELIVERY": "Redirect", "REEL_MEDIA_S3_PRESIGN_SECONDS": "900",
        ].lookup)
        XCTAssertEqual(set.media.urlTTLSeconds, 600)
        XCTAssertEqual(set.media.accessCacheSeconds, 0)
        XCTAssertEqual(set.media.s3Delivery, .redirect)
        XCTAssertEqual(set.media.presignSeconds, 900)
        for (key, value) in [("REEL_MEDIA_S3_DELIVERY", "cdn"), ("REEL_MEDIA_ACCESS_CACHE_SECONDS", "-1"),
                             ("REEL_MEDIA_S3_PRESIGN_SECONDS", "604801"), ("REEL_MEDIA_URL_TTL_SECONDS", "0")] {
            XCTAssertThrowsError(try VideoConfig([key: value].lookup), key)
        }
    }
}

private extension Dictionary where Key == String, Value == String {
    var lookup: (String) -> String? { { self[$0] } }
}
