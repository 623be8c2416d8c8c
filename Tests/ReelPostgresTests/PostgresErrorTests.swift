import ReelPostgres
import XCTest

/// Which errors mean "the database is away, retry later" (answered 503 by
/// the plugin kit) and which are the statement's own fault.
final class PostgresErrorTests: XCTestCase {
    func testConnectionFailuresAndShutdownsAreUnavailable() {
        XCTAssertTrue(PostgresError(kind: .connection, message: "could not connect").isUnavailable)
        XCTAssertTrue(PostgresError(kind: .server, sqlState: "57P01", message: "terminating connection").isUnavailable)
        XCTAssertTrue(PostgresError(kind: .server, sqlState: "57P03", message: "the database system is starting up").isUnavailable)
        XCTAssertTrue(PostgresError(kind: .server, sqlState: "08006", message: "connection failure").isUnavailable)
    }

    func testStatementErrorsAreNot() {
        XCTAssertFalse(PostgresError(kind: .server, sqlState: "23505", message: "duplicate key").isUnavailable)
        XCTAssertFalse(PostgresError(kind: .server, sqlState: "57014", message: "canceling statement").isUnavailable)
        XCTAssertFalse(PostgresError(kind: .server, message: "no state").isUnavailable)
        XCTAssertFalse(PostgresError(kind: .typeMismatch, message: "not an int").isUnavailable)
    }
}
