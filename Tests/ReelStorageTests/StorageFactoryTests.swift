import Foundation
import ReelStorage
import XCTest

final class StorageFactoryTests: XCTestCase {
    private func make(_ values: [String: String]) throws -> any ObjectStorage {
        try StorageFactory.fromEnvironment { values[$0] }
    }

    func testLocalIsTheDefault() throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("reel-factory-\(randomHex())")
        defer { try? FileManager.default.removeItem(at: dataDir) }
        let storage = try XCTUnwrap(try make(["REEL_DATA_DIR": dataDir.path]) as? LocalDiskStorage)
        XCTAssertEqual(storage.root.path, dataDir.appendingPathComponent("media").path)
        XCTAssertEqual(storage.localPath(for: "a/b"), dataDir.path + "/media/a/b")
    }

    func testS3() throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("reel-factory-\(randomHex())")
        defer { try? FileManager.default.removeItem(at: dataDir) }
        let storage = try XCTUnwrap(try make([
            "REEL_STORAGE": "s3", "REEL_DATA_DIR": dataDir.path,
            "REEL_S3_ENDPOINT": "http://127.0.0.1:9000", "REEL_S3_REGION": "eu-west-1",
            "REEL_S3_BUCKET": "reel-media", "REEL_S3_ACCESS_KEY": "ak", "REEL_S3_SECRET_KEY": "sk",
        ]) as? S3Storage)
        XCTAssertEqual(storage.bucket, "reel-media")
        XCTAssertEqual(storage.region, "eu-west-1")
        XCTAssertTrue(storage.pathStyle)
        XCTAssertNil(storage.localPath(for: "a"))
    }

    func testConfigurationErrors() throws {
        func configurationError(_ values: [String: String]) -> String? {
            do {
                _ = try make(values)
                return nil
            } catch let StorageError.configuration(message) {
                return message
            } catch {
                return "unexpected \(error)"
            }
        }
        XCTAssertEqual(configurationError(["REEL_STORAGE": "ftp"]), "REEL_STORAGE must be local or s3, not ftp")
        XCTAssertEqual(configurationError(["REEL_STORAGE": "s3", "REEL_S3_ACCESS_KEY": "a", "REEL_S3_SECRET_KEY": "b",
                                           "REEL_DATA_DIR": NSTemporaryDirectory()]),
                       "REEL_S3_BUCKET is required when REEL_STORAGE=s3")
        XCTAssertEqual(configurationError(["REEL_STORAGE": "s3", "REEL_S3_BUCKET": "Bad_Bucket", "REEL_S3_ACCESS_KEY": "a",
                                           "REEL_S3_SECRET_KEY": "b", "REEL_DATA_DIR": NSTemporaryDirectory()]),
                       "invalid bucket name \"Bad_Bucket\" (3-63 of a-z 0-9 . -)")
        XCTAssertNotNil(configurationError(["REEL_STORAGE": "s3", "REEL_S3_ENDPOINT": "ftp://x", "REEL_S3_BUCKET": "abc",
                                            "REEL_S3_ACCESS_KEY": "a", "REEL_S3_SECRET_KEY": "b",
                                            "REEL_DATA_DIR": NSTemporaryDirectory()]))
    }

    func testKeyErrorsSayWhy() {
        func reason(_ key: String) -> String {
            do {
                try StorageKey.validate(key)
                return "valid"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(reason("../x"),
                       #"invalid storage key "../x": a path segment starts with "." (".", ".." and hidden names are not allowed)"#)
        XCTAssertEqual(reason("/abs"), #"invalid storage key "/abs": starts with "/""#)
        XCTAssertEqual(reason("a\u{0}b"), #"invalid storage key "a\0b": contains NUL; allowed are A-Z a-z 0-9 . _ - and /"#)
        XCTAssertEqual(reason("a\\b"), #"invalid storage key "a\\b": contains a backslash; allowed are A-Z a-z 0-9 . _ - and /"#)
        XCTAssertEqual(reason("videos/x/seg-1.m4s"), "valid")
    }
}
