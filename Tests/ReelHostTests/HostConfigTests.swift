import ReelHost
import XCTest

/// The host refuses a configuration value that is set but unusable, and
/// scopes what each plugin may read with config_get.
final class HostConfigTests: XCTestCase {
    func testDefaultsAndTheAdminAddress() throws {
        let config = try HostConfig(environment: [:])
        XCTAssertEqual(config.httpPort, 8080)
        XCTAssertEqual(config.adminAddress, ListenAddress(host: "127.0.0.1", port: 9080))
        XCTAssertEqual(try HostConfig(environment: ["REEL_HTTP_PORT": "8090"]).adminAddress?.port, 9090)
        XCTAssertEqual(try HostConfig(environment: ["REEL_ADMIN_ADDR": "127.0.0.1:7001"]).adminAddress?.port, 7001)
        XCTAssertNil(try HostConfig(environment: ["REEL_ADMIN_ADDR": "off"]).adminAddress)
    }

    func testBadValuesAreRefusedNamingTheVariable() {
        let bad: [(String, String)] = [
            ("REEL_HTTP_PORT", "eighty"), ("REEL_HTTP_PORT", "70000"), ("REEL_MAX_BODY_BYTES", "1MB"),
            ("REEL_MAX_BODY_BYTES", "-5"), ("REEL_HTTP_THREADS", "0"), ("REEL_SHUTDOWN_GRACE_SECONDS", "soon"),
            ("REEL_CALL_TIMEOUT_SECONDS", "nan"), ("REEL_CONNECTION_LIMIT", ""), ("REEL_HTTP_HOST", "localhost"),
            ("REEL_ADMIN_ADDR", "0.0.0.0:9080"), ("REEL_ADMIN_ADDR", "10.1.2.3:9080"), ("REEL_ADMIN_ADDR", "127.0.0.1"),
            ("REEL_LOG_LEVEL", "loud"), ("REEL_CONFIG_GRANTS", "video"), ("REEL_CONFIG_GRANTS", "video:s3_key"),
        ]
        for (variable, value) in bad {
            XCTAssertThrowsError(try HostConfig(environment: [variable: value]), "\(variable)=\(value)") { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("\(variable)='\(value)' is not usable"), text)
            }
        }
        XCTAssertThrowsError(try HostConfig(environment: ["REEL_HTTP_PORT": "65000"]), "admin port 66000") { error in
            XCTAssertTrue("\(error)".contains("REEL_ADMIN_ADDR"), "\(error)")
        }
    }

    func testConfigScope() throws {
        let grants = try ConfigGrants(parsing: "video:REEL_S3_*,REEL_MEDIA_SIGNING_KEY; transcoder:REEL_S3_SECRET_KEY")
        func allows(_ plugin: String, _ key: String) -> Bool {
            ConfigScope.allows(plugin: plugin, key: key, grants: grants, otherPlugins: ["hello", "hello-c", "video", "auth"])
        }
        // Own keys, with '-' as '_'.
        XCTAssertTrue(allows("hello-c", "REEL_HELLO_C_FAIL_INIT"))
        XCTAssertTrue(allows("auth", "REEL_AUTH_ACCESS_TTL_SECONDS"))
        XCTAssertFalse(allows("hello", "REEL_AUTH_ACCESS_TTL_SECONDS"))
        XCTAssertFalse(allows("hello", "REEL_HELLO_C_FAIL_INIT"), "hello is not hello-c")
        XCTAssertTrue(allows("hello", "REEL_HELLO_GREETING"))
        // Shared keys, never secrets.
        XCTAssertTrue(allows("hello", "REEL_DATABASE_URL"))
        XCTAssertTrue(allows("hello", "REEL_S3_BUCKET"))
        XCTAssertTrue(allows("hello", "REEL_MEDIA_URL_TTL_SECONDS"))
        XCTAssertFalse(allows("hello", "REEL_MEDIA_SIGNING_KEY"))
        XCTAssertFalse(allows("hello", "REEL_S3_SECRET_KEY"))
        XCTAssertFalse(allows("hello", "REEL_CONFIG_GRANTS"))
        XCTAssertFalse(allows("hello", "HOME"))
        // Grants.
        XCTAssertTrue(allows("video", "REEL_S3_SECRET_KEY"))
        XCTAssertTrue(allows("video", "REEL_S3_ACCESS_KEY"))
        XCTAssertTrue(allows("video", "REEL_MEDIA_SIGNING_KEY"))
        XCTAssertTrue(allows("transcoder", "REEL_S3_SECRET_KEY"))
        XCTAssertFalse(allows("transcoder", "REEL_S3_ACCESS_KEY"))
        XCTAssertFalse(allows("transcoder", "REEL_MEDIA_SIGNING_KEY"))
    }
}
