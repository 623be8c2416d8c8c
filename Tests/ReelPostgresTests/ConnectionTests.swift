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

    /// `query` prepares a statement once per connection and reuses it.
    func testStatementsArePreparedOncePerConnection() throws {
        let connection = try connect()
        for n in 1...3 {
            XCTAssertEqual(try connection.query("SELECT $1::int8 AS n", [.int(n)]).first?.int("n"), n)
        }
        let prepared = try connection.query(
            "SELECT count(*)::int8 AS c FROM pg_prepared_statements WHERE statement = $1", [.string("SELECT $1::int8 AS n")])
        XCTAssertEqual(try prepared.first?.int("c"), 1)
    }

    /// A reconnect starts a session without the old statements: they are prepared again.
    func testPreparedStatementsAfterAReconnect() throws {
        let connection = try connect()
        let admin = try connect()
        XCTAssertEqual(try connection.query("SELECT $1::int8 + 1 AS n", [.int(1)]).first?.int("n"), 2)
        try admin.query("SELECT pg_terminate_backend($1::int, 5000)", [.int(connection.backendPID)])
        XCTAssertThrowsError(try connection.query("SELECT $1::int8 + 1 AS n", [.int(1)]))
        XCTAssertEqual(try connection.query("SELECT $1::int8 + 1 AS n", [.int(2)]).first?.int("n"), 3)
    }

    /// A table whose columns changed after a statement on it was prepared
    /// ("cached plan must not change result type"): the statement is prepared
    /// again; outside a transaction the call itself succeeds.
    func testAStatementOnAChangedTableIsPreparedAgain() throws {
        let connection = try connect()
        let table = "changing_\(UInt32.random(in: 0...UInt32.max))"
        try connection.execute("CREATE TABLE \(table) (a int8); INSERT INTO \(table) VALUES (1)")
        let sql = "SELECT * FROM \(table) WHERE a = $1"
        XCTAssertEqual(try connection.query(sql, [.int(1)]).first?.int("a"), 1)
        try connection.execute("ALTER TABLE \(table) ADD COLUMN b int8 DEFAULT 7")
        XCTAssertEqual(try connection.query(sql, [.int(1)]).first?.int("b"), 7)
        XCTAssertEqual(try connection.query(sql, [.int(1)]).first?.int("b"), 7)  // prepared again
        try connection.execute("ALTER TABLE \(table) ADD COLUMN c int8 DEFAULT 8")
        // Inside a transaction the failed statement aborted it: this call fails, the next one is prepared afresh.
        XCTAssertThrowsError(try connection.withTransaction { c in try c.query(sql, [.int(1)]) })
        XCTAssertEqual(try connection.withTransaction { c in try c.query(sql, [.int(1)]).first?.int("c") }, 8)
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
