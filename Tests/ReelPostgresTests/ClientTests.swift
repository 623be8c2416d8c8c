import Foundation
import ReelPostgres
import ReelTestSupport
import XCTest

final class ClientTests: XCTestCase {
    static let database = TestDatabase.make()
    override class func tearDown() {
        if case .success(let database) = database { database.drop() }
        super.tearDown()
    }

    private func client(poolSize: Int = 4) throws -> PostgresClient {
        try Self.database.get().client(poolSize: poolSize)
    }

    func testFiftyConcurrentQueriesThroughAPoolOfFour() async throws {
        let client = try client(poolSize: 4)
        defer { client.close() }
        let results = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for i in 0..<50 {
                group.addTask {
                    let row = try await client.query(
                        "SELECT $1::int8 AS n, pg_backend_pid() AS pid, pg_sleep(0.01)::text AS slept", [.int(i)])
                    return try (i, row.first?.int("n") ?? -1, row.first?.int("pid") ?? -1)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(results.count, 50)
        for (sent, received, _) in results { XCTAssertEqual(sent, received) }
        let backends = Set(results.map(\.2))
        XCTAssertLessThanOrEqual(backends.count, 4)
        XCTAssertGreaterThanOrEqual(backends.count, 2, "the pool should use more than one connection")
    }

    func testBlockingCallsStayOffTheCooperativePool() async throws {
        // More sleeping queries than the cooperative pool has threads (one per core):
        // if libpq blocked those threads, nothing else could run until a query ended.
        let sleepers = ProcessInfo.processInfo.activeProcessorCount + 2
        let client = try client(poolSize: sleepers)
        defer { client.close() }
        let order = CompletionOrder()
        async let queries: Void = withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<sleepers {
                group.addTask {
                    try await client.query("SELECT pg_sleep(1.5)")
                    await order.record("query")
                }
            }
            try await group.waitForAll()
        }
        try await Task.sleep(for: .milliseconds(300))
        await order.record("other work")
        try await queries
        let recorded = await order.names
        XCTAssertEqual(recorded.first, "other work", "\(recorded)")
        XCTAssertEqual(recorded.count, sleepers + 1)
    }

    func testTransactionRollsBackWhenTheBodyThrows() async throws {
        let client = try client()
        defer { client.close() }
        try await client.execute("CREATE TABLE accounts (name text PRIMARY KEY, balance int NOT NULL)")
        do {
            _ = try await client.withTransaction { connection in
                try connection.query("INSERT INTO accounts VALUES ($1, $2)", ["alice", 10])
                throw DeliberateError()
            }
            XCTFail("the transaction should have thrown")
        } catch {
            XCTAssertEqual(error as? DeliberateError, DeliberateError())
        }
        let rows1 = try await client.query("SELECT count(*) AS n FROM accounts")
        XCTAssertEqual(try rows1.first?.int("n"), 0)

        try await client.withTransaction { connection in
            try connection.query("INSERT INTO accounts VALUES ($1, $2)", ["bob", 5])
            try connection.query("UPDATE accounts SET balance = balance + 1 WHERE name = $1", ["bob"])
        }
        let rows2 = try await client.query("SELECT balance FROM accounts WHERE name = 'bob'")
        XCTAssertEqual(try rows2.first?.int("balance"), 6)
    }

    func testTransactionWithASwallowedErrorIsNotCommitted() async throws {
        let client = try client()
        defer { client.close() }
        try await client.execute("CREATE TABLE swallowed (n int PRIMARY KEY)")
        do {
            try await client.withTransaction { connection in
                try connection.query("INSERT INTO swallowed VALUES (1)")
                _ = try? connection.query("INSERT INTO swallowed VALUES (1)")  // fails; transaction aborted
            }
            XCTFail("should have thrown")
        } catch {
            XCTAssertEqual((error as? PostgresError)?.kind, .transactionAborted)
        }
        let rows3 = try await client.query("SELECT count(*) AS n FROM swallowed")
        XCTAssertEqual(try rows3.first?.int("n"), 0)
    }

    func testAConnectionIsHandedBackWithoutAnOpenTransaction() async throws {
        let client = try client(poolSize: 1)
        defer { client.close() }
        try await client.execute("CREATE TABLE leftovers (n int)")
        do {
            try await client.withConnection { connection in
                try connection.execute("BEGIN; INSERT INTO leftovers VALUES (1)")
                throw DeliberateError()
            }
        } catch {}
        try await client.query("INSERT INTO leftovers VALUES (2)")
        let other = try Self.database.get().connect()
        XCTAssertEqual(try other.query("SELECT array_agg(n)::text AS ns FROM leftovers").first?.string("ns"), "{2}")
    }

    func testQueuedWorkIsCancelled() async throws {
        let client = try client(poolSize: 1)
        defer { client.close() }
        let blocker = Task { try await client.query("SELECT pg_sleep(0.5)") }
        try await Task.sleep(for: .milliseconds(100))
        let queued = Task { try await client.query("SELECT 1") }
        queued.cancel()
        do {
            _ = try await queued.value
            XCTFail("the queued query should have been cancelled")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        _ = try await blocker.value

        let alreadyCancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.query("SELECT 1")
        }
        do {
            _ = try await alreadyCancelled.value
            XCTFail("a cancelled task's query should not run")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        let rows = try await client.query("SELECT 2 AS n")  // the pool still works
        XCTAssertEqual(try rows.first?.int("n"), 2)
    }

    func testPing() async throws {
        let client = try client()
        defer { client.close() }
        let up = await client.ping()
        XCTAssertTrue(up)
        let nowhere = PostgresClient(url: "postgresql:///reel?host=/nonexistent/reel-socket-dir")
        let down = await nowhere.ping()
        XCTAssertFalse(down)
    }

    func testClosedClientRefusesWork() async throws {
        let client = try client()
        client.close()
        do {
            _ = try await client.query("SELECT 1")
            XCTFail("a closed client should refuse")
        } catch {
            XCTAssertEqual((error as? PostgresError)?.kind, .clientClosed)
        }
    }

    func testErrorsCrossTheAsyncBoundaryTyped() async throws {
        let client = try client()
        defer { client.close() }
        try await client.execute("CREATE TABLE tags (name text UNIQUE)")
        try await client.query("INSERT INTO tags VALUES ($1)", ["cats"])
        do {
            try await client.query("INSERT INTO tags VALUES ($1)", ["cats"])
            XCTFail("duplicate should fail")
        } catch let error as PostgresError {
            XCTAssertTrue(error.isUniqueViolation)
        }
    }
}

/// Records the order in which concurrent work finished.
private actor CompletionOrder {
    private(set) var names: [String] = []
    func record(_ name: String) { names.append(name) }
}
