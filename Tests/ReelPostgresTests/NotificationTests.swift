import Foundation
import ReelPostgres
import ReelTestSupport
import XCTest

final class NotificationTests: XCTestCase {
    static let database = TestDatabase.make()
    override class func tearDown() {
        if case .success(let database) = database { database.drop() }
        super.tearDown()
    }

    private func connect() throws -> PostgresConnection { try Self.database.get().connect() }

    func testNotifyIsDelivered() throws {
        let listener = try connect()
        let sender = try connect()
        try listener.listen("jobs")
        XCTAssertNil(try listener.waitForNotification(timeout: .milliseconds(50)))
        try sender.notify("jobs", payload: "job 42")
        let notification = try XCTUnwrap(listener.waitForNotification(timeout: .seconds(10)))
        XCTAssertEqual(notification.channel, "jobs")
        XCTAssertEqual(notification.payload, "job 42")
        XCTAssertEqual(notification.senderPID, sender.backendPID)
        XCTAssertNil(try listener.waitForNotification(timeout: .milliseconds(50)))
    }

    func testWaitingWakesWhenANotificationArrives() async throws {
        let database = try Self.database.get()
        let client = database.client(poolSize: 1)
        defer { client.close() }
        // Told when the waiter is listening.
        let ready = try database.connect()
        try ready.listen("ready")
        let waiter = Task.detached { () throws -> PostgresNotification? in
            // A worker's own connection, blocking on its own thread.
            try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(with: Result {
                        let listener = try database.connect()
                        try listener.listen("Transcode Queue")  // any name; it is quoted
                        try listener.notify("ready")
                        return try listener.waitForNotification(timeout: .seconds(20))
                    })
                }
            }
        }
        XCTAssertNotNil(try ready.waitForNotification(timeout: .seconds(10)))
        try await client.notify("Transcode Queue", payload: "video 7")
        let notification = try await waiter.value
        XCTAssertEqual(notification?.channel, "Transcode Queue")
        XCTAssertEqual(notification?.payload, "video 7")
    }

    func testNotificationsAreSentOnCommit() throws {
        let listener = try connect()
        let sender = try connect()
        try listener.listen("committed")
        try sender.execute("BEGIN")
        try sender.notify("committed", payload: "x")
        XCTAssertNil(try listener.waitForNotification(timeout: .milliseconds(200)))
        try sender.execute("COMMIT")
        XCTAssertEqual(try listener.waitForNotification(timeout: .seconds(10))?.payload, "x")
    }

    func testListeningSurvivesAReconnect() throws {
        let listener = try connect()
        let admin = try connect()
        try listener.listen("after-reconnect")
        try admin.query("SELECT pg_terminate_backend($1::int, 5000)", [.int(listener.backendPID)])
        var sawError = false
        for _ in 0..<3 {
            do {
                _ = try listener.waitForNotification(timeout: .milliseconds(200))
            } catch {
                XCTAssertEqual(error.kind, .connection)
                sawError = true
                break
            }
        }
        XCTAssertTrue(sawError, "the broken connection should be reported")
        XCTAssertNil(try listener.waitForNotification(timeout: .milliseconds(50)))  // reconnects, listens again
        try admin.notify("after-reconnect", payload: "still here")
        XCTAssertEqual(try listener.waitForNotification(timeout: .seconds(10))?.payload, "still here")
    }
}
