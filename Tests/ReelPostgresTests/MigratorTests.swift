import Foundation
import ReelPostgres
import ReelTestSupport
import XCTest

final class MigratorTests: XCTestCase {
    static let database = TestDatabase.make()
    override class func tearDown() {
        if case .success(let database) = database { database.drop() }
        super.tearDown()
    }

    private static let greetings = [
        Migration(version: 1, name: "create greetings", sql: """
            CREATE TABLE greetings (name text PRIMARY KEY, count bigint NOT NULL DEFAULT 0);
            """),
        Migration(version: 2, name: "seed", sql: "INSERT INTO greetings (name) VALUES ('world');"),
    ]

    private func client(poolSize: Int = 2) throws -> PostgresClient {
        try Self.database.get().client(poolSize: poolSize)
    }

    private func assertThrows(
        _ expected: MigrationError, _ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line
    ) async {
        do {
            try await body()
            XCTFail("expected \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error as? MigrationError, expected, "\(error)", file: file, line: line)
        }
    }

    func testAppliesOnceThenIsANoOp() async throws {
        let client = try client()
        defer { client.close() }
        let migrator = Migrator(schema: "hello", migrations: Self.greetings)
        let first = try await migrator.migrate(client)
        XCTAssertEqual(first, [1, 2])
        let second = try await migrator.migrate(client)
        XCTAssertEqual(second, [])

        // Unqualified names landed in the schema.
        let rows1 = try await client.query("SELECT name FROM hello.greetings")
        XCTAssertEqual(try rows1.first?.string("name"), "world")
        let rows2 = try await client.query("SELECT to_regclass('public.greetings')::text AS t")
        XCTAssertNil(try rows2.first?.string("t"))
        let history = try await client.query(
            "SELECT version, name, checksum, applied_at FROM hello.schema_migrations ORDER BY version")
        XCTAssertEqual(try history.map { try $0.int("version") }, [1, 2])
        XCTAssertEqual(try history.map { try $0.string("name") }, ["create greetings", "seed"])
        XCTAssertEqual(try history.first?.string("checksum")?.count, 64)
        XCTAssertNotNil(try history.first?.date("applied_at"))

        let grown = Migrator(schema: "hello", migrations: Self.greetings + [
            Migration(version: 5, name: "add greeted_at", sql: "ALTER TABLE greetings ADD COLUMN greeted_at timestamptz"),
        ])
        let third = try await grown.migrate(client)
        XCTAssertEqual(third, [5])
        let fourth = try await grown.migrate(client)
        XCTAssertEqual(fourth, [])
    }

    func testChangedChecksumIsRefused() async throws {
        let client = try client()
        defer { client.close() }
        _ = try await Migrator(schema: "edited", migrations: Self.greetings).migrate(client)
        var edited = Self.greetings
        edited[0] = Migration(version: 1, name: "create greetings", sql: "CREATE TABLE greetings (name text);")
        await assertThrows(.checksumMismatch(version: 1, name: "create greetings")) {
            _ = try await Migrator(schema: "edited", migrations: edited).migrate(client)
        }
    }

    func testBadMigrationListsAreRefused() async throws {
        let client = try client()
        defer { client.close() }
        let one = Migration(version: 1, name: "a", sql: "SELECT 1")
        let two = Migration(version: 2, name: "b", sql: "SELECT 2")
        await assertThrows(.versionsNotIncreasing(previous: 2, next: 1)) {
            _ = try await Migrator(schema: "unordered", migrations: [two, one]).migrate(client)
        }
        await assertThrows(.versionsNotIncreasing(previous: 1, next: 1)) {
            _ = try await Migrator(schema: "unordered", migrations: [one, one]).migrate(client)
        }
        await assertThrows(.versionsNotIncreasing(previous: 0, next: 0)) {
            _ = try await Migrator(schema: "unordered", migrations: [Migration(version: 0, name: "z", sql: "")])
                .migrate(client)
        }
        for name in ["Hello", "pg_mine", "1st", "a;b", "", String(repeating: "x", count: 64)] {
            await assertThrows(.invalidSchemaName(name)) {
                _ = try await Migrator(schema: name, migrations: [one]).migrate(client)
            }
        }
        // Nothing was created for refused lists.
        let schemas = try await client.query("SELECT count(*) AS n FROM pg_namespace WHERE nspname = 'unordered'")
        XCTAssertEqual(try schemas.first?.int("n"), 0)
    }

    func testHistoryTheCodeDoesNotKnowIsRefused() async throws {
        let client = try client()
        defer { client.close() }
        let one = Migration(version: 1, name: "a", sql: "CREATE TABLE a (n int)")
        let three = Migration(version: 3, name: "c", sql: "CREATE TABLE c (n int)")
        let two = Migration(version: 2, name: "b", sql: "CREATE TABLE b (n int)")
        _ = try await Migrator(schema: "history", migrations: [one, three]).migrate(client)
        await assertThrows(.unknownAppliedVersion(3)) {
            _ = try await Migrator(schema: "history", migrations: [one]).migrate(client)
        }
        await assertThrows(.pendingBelowApplied(version: 2, highestApplied: 3)) {
            _ = try await Migrator(schema: "history", migrations: [one, two, three]).migrate(client)
        }
    }

    func testAFailingMigrationLeavesNothingBehind() async throws {
        let client = try client()
        defer { client.close() }
        let good = Migration(version: 1, name: "good", sql: "CREATE TABLE good (n int)")
        let bad = Migration(version: 2, name: "bad", sql: "CREATE TABLE half (n int); SELECT * FROM missing_table;")
        do {
            _ = try await Migrator(schema: "failing", migrations: [good, bad]).migrate(client)
            XCTFail("migration 2 should fail")
        } catch let MigrationError.migrationFailed(version, name, error) {
            XCTAssertEqual(version, 2)
            XCTAssertEqual(name, "bad")
            XCTAssertEqual(error.sqlState, PostgresError.SQLState.undefinedTable)
        }
        let state = try await client.query("""
            SELECT (SELECT array_agg(version)::text FROM failing.schema_migrations) AS versions,
                   to_regclass('failing.good')::text AS good, to_regclass('failing.half')::text AS half
            """).first
        XCTAssertEqual(try state?.string("versions"), "{1}")
        XCTAssertEqual(try state?.string("good"), "failing.good")
        XCTAssertNil(try state?.string("half"))

        let fixed = Migration(version: 2, name: "bad", sql: "CREATE TABLE half (n int);")
        let applied = try await Migrator(schema: "failing", migrations: [good, fixed]).migrate(client)
        XCTAssertEqual(applied, [2])
    }

    func testRacingMigratorsApplyEachVersionExactlyOnce() async throws {
        let database = try Self.database.get()
        for round in 0..<5 {
            let schema = "race_\(round)"
            // Every migration logs itself; a second application would log twice (or fail).
            let migrations = [Migration(version: 1, name: "log", sql: "CREATE TABLE log (version int NOT NULL)")]
                + (2...8).map { version in
                    Migration(version: version, name: "step \(version)", sql: """
                        CREATE TABLE step_\(version) (n int);
                        INSERT INTO log VALUES (\(version));
                        SELECT pg_sleep(0.005);
                        """)
                }
            let first = database.client(poolSize: 1)
            let second = database.client(poolSize: 1)
            defer {
                first.close()
                second.close()
            }
            async let a = Migrator(schema: schema, migrations: migrations).migrate(first)
            async let b = Migrator(schema: schema, migrations: migrations).migrate(second)
            let (appliedByA, appliedByB) = try await (a, b)
            XCTAssertEqual((appliedByA + appliedByB).sorted(), Array(1...8), "round \(round)")
            XCTAssertTrue(Set(appliedByA).isDisjoint(with: appliedByB))
            let counts = try await first.query(
                "SELECT version, count(*) AS n FROM \(schema).log GROUP BY version ORDER BY version")
            XCTAssertEqual(try counts.map { try $0.int("version") }, Array(2...8))
            XCTAssertEqual(try counts.map { try $0.int("n") }, Array(repeating: 1, count: 7))
        }
    }

    func testMigratingOnAConnectionOfYourOwn() throws {
        let connection = try Self.database.get().connect()
        let migrator = Migrator(schema: "blocking", migrations: Self.greetings)
        XCTAssertEqual(try migrator.migrate(connection), [1, 2])
        XCTAssertEqual(try migrator.migrate(connection), [])
    }
}
