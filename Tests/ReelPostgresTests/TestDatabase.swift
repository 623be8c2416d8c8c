import Foundation
import ReelPostgres

/// A database of its own for one test class: created from the cluster in
/// REEL_TEST_DATABASE_URL, dropped in the class's `tearDown`.
final class TestDatabase: Sendable {
    static let urlVariable = "REEL_TEST_DATABASE_URL"

    let baseURL: String
    let name: String

    private init(baseURL: String, name: String) {
        self.baseURL = baseURL
        self.name = name
    }

    /// Use as `static let database = TestDatabase.make()` in each test class.
    static func make() -> Result<TestDatabase, any Error> {
        Result {
            guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else {
                throw TestSetupError(description: """
                    \(urlVariable) is not set. These tests need a real PostgreSQL: run
                    `tools/pg start` and then `\(urlVariable)=$(tools/pg url) swift test …`
                    """)
            }
            let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let name = "reel_test_\(suffix)"
            try PostgresConnection(url: url).execute("CREATE DATABASE \(name)")
            return TestDatabase(baseURL: url, name: name)
        }
    }

    var configuration: PostgresConfiguration {
        PostgresConfiguration(url: baseURL, database: name, applicationName: "reel-tests")
    }

    func connect() throws -> PostgresConnection {
        try PostgresConnection(configuration: configuration)
    }

    func client(poolSize: Int = 4) -> PostgresClient {
        PostgresClient(configuration: configuration, poolSize: poolSize)
    }

    /// From the base database, forcing out connections still open.
    func drop() {
        _ = try? PostgresConnection(url: baseURL).execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// Thrown by test bodies to check that transactions roll back.
struct DeliberateError: Error, Equatable {}
