import Foundation
import ReelPostgres
import ReelTestSupport
import XCTest

final class ConnectionTests: XCTestCase {
    static let database = TestDatabase.make()
    override class func tearDown() {
        if case .success(let database) = database { database.drop() }
        super.tearDown()
    }

    private func connect() throws -> PostgresConnection { try Self.database.get().connect() }

    func testUniqueViolationCarriesSQLState() throws {
        let connection = try connect()
        try connection.execute("CREATE TABLE users (email text PRIMARY KEY)")
        try connection.query("INSERT INTO users VALUES ($1)", ["a@example.com"])
        XCTAssertThrowsError(try connection.query("INSERT INTO users VALUES ($1)", ["a@example.com"])) { error in
            guard let error = error as? PostgresError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .server)
            XCTAssertEqual(error.sqlState, "23505")
            XCTAssertEqual(error.sqlState, PostgresError.SQLState.uniqueViolation)
            XCTAssertTrue(error.isUniqueViolation)
            XCTAssertTrue(error.isAlreadyExists)
            XCTAssertTrue(error.message.contains("users_pkey"), error.message)
            XCTAssertEqual(error.detail, "Key (email)=(a@example.com) already exists.")
        }
        // The connection is still usable after an error.
        XCTAssertEqual(try connection.query("SELECT count(*) AS n FROM users").first?.int64("n"), 1)
    }

    func testOtherErrorsAreTyped() throws {
        let connection = try connect()
        XCTAssertThrowsError(try connection.execute("SELEC 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, PostgresError.SQLState.syntaxError)
            XCTAssertEqual((error as? PostgresError)?.isUniqueViolation, false)
        }
        XCTAssertThrowsError(try connection.query("SELECT * FROM nowhere")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, PostgresError.SQLState.undefinedTable)
        }
        try connection.execute("CREATE TABLE twice (n int)")
        XCTAssertThrowsError(try connection.execute("CREATE TABLE twice (n int)")) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, PostgresError.SQLState.duplicateTable)
            XCTAssertEqual((error as? PostgresError)?.isAlreadyExists, true)
        }
        // One statement per query; scripts go through execute.
        XCTAssertThrowsError(try connection.query("SELECT 1; SELECT 2"))
    }

    func testExecuteRunsScriptsAndReturnsTheLastResult() throws {
        let connection = try connect()
        let rows = try connection.execute("""
            CREATE TABLE script (n int);
            INSERT INTO script VALUES (1), (2), (3);
            UPDATE script SET n = n * 10 WHERE n > 1;
            SELECT sum(n) AS total FROM script;
            """)
        XCTAssertEqual(try rows.first?.int64("total"), 51)
        XCTAssertEqual(try connection.query("DELETE FROM script WHERE n >= $1", [.int(10)]).affectedRows, 2)
        XCTAssertEqual(try connection.execute("").count, 0)
    }

    func testReconnectsAfterTheServerDropsTheConnection() throws {
        let connection = try connect()
        let admin = try connect()
        let oldPID = connection.backendPID
        try admin.query("SELECT pg_terminate_backend($1::int, 5000)", [.int(oldPID)])
        XCTAssertThrowsError(try connection.query("SELECT 1")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .connection)
        }
        XCTAssertFalse(connection.isConnected)
        XCTAssertEqual(try connection.query("SELECT 1 AS one").first?.int("one"), 1)
        XCTAssertTrue(connection.isConnected)
        XCTAssertNotEqual(connection.backendPID, oldPID)
    }

    func testConnectionFailureIsTyped() throws {
        XCTAssertThrowsError(try PostgresConnection(url: "postgresql:///reel?host=/nonexistent/reel-socket-dir")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .connection)
        }
        XCTAssertThrowsError(try PostgresConnection(url: "postgresql://%zz")) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .connection)
        }
    }

    func testTransactionOnAConnection() throws {
        let connection = try connect()
        try connection.execute("CREATE TABLE ledger (n int)")
        XCTAssertThrowsError(try connection.withTransaction { connection in
            try connection.query("INSERT INTO ledger VALUES (1)")
            throw DeliberateError()
        }) { error in XCTAssertEqual(error as? DeliberateError, DeliberateError()) }
        let kept = try connection.withTransaction { connection in
            try connection.query("INSERT INTO ledger VALUES (2) RETURNING n").first?.int("n")
        }
        XCTAssertEqual(kept, 2)
        XCTAssertEqual(try connection.query("SELECT array_agg(n)::text AS ns FROM ledger").first?.string("ns"), "{2}")
    }

    func testQuotedIdentifiers() throws {
        XCTAssertEqual(try quoteSQLIdentifier("plain"), "\"plain\"")
        XCTAssertEqual(try quoteSQLIdentifier("we\"ird name"), "\"we\"\"ird name\"")
        XCTAssertThrowsError(try quoteSQLIdentifier(""))
    }
}
