import Foundation
import ReelPostgres

/// A database of its own for a test: created in the cluster of
/// REEL_TEST_DATABASE_URL, dropped by `drop()`. Shared by every Swift test
/// that needs PostgreSQL (ReelPostgresTests, the plugins' store tests).
///
/// Without REEL_TEST_DATABASE_URL these tests *fail* with a message saying
/// how to run them (`tools/dev test` sets it): a database test that skips
/// silently could never fail.
public final class TestDatabase: Sendable {
    public static let urlVariable = "REEL_TEST_DATABASE_URL"

    public let baseURL: String
    public let name: String

    private init(baseURL: String, name: String) {
        self.baseURL = baseURL
        self.name = name
    }

    /// The cluster's URL, or the error that says how to get one.
    public static func requiredURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else {
            throw TestSetupError(description: """
                \(urlVariable) is not set. These tests need a real PostgreSQL: run
                `tools/pg start` and then `\(urlVariable)=$(tools/pg url) swift test …` (tools/dev test does this)
                """)
        }
        return url
    }

    /// A fresh, empty database named `<prefix>_<random>`.
    public static func create(prefix: String = "reel_test") throws -> TestDatabase {
        let url = try requiredURL()
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let name = "\(prefix)_\(suffix)"
        try PostgresConnection(url: url).execute("CREATE DATABASE \(name)")
        return TestDatabase(baseURL: url, name: name)
    }

    /// Use as `static let database = TestDatabase.make()` in a test class
    /// that shares one database between its tests.
    public static func make() -> Result<TestDatabase, any Error> { Result { try create() } }

    public var configuration: PostgresConfiguration {
        PostgresConfiguration(url: baseURL, database: name, applicationName: "reel-tests")
    }

    public func connect() throws -> PostgresConnection {
        try PostgresConnection(configuration: configuration)
    }

    public func client(poolSize: Int = 4) -> PostgresClient {
        PostgresClient(configuration: configuration, poolSize: poolSize)
    }

    /// From the base database, forcing out connections still open.
    public func drop() {
        _ = try? PostgresConnection(url: baseURL).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
}

/// Thrown by test bodies to check that transactions roll back.
public struct DeliberateError: Error, Equatable {
    public init() {}
}
