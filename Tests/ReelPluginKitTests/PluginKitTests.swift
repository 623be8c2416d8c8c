import CReelProtoHello
import CReelProtoHelloc
import Foundation
@testable import ReelPluginKit
import XCTest

/// The plugin kit's own pieces, without a host: errors on the shared
/// vocabulary, protobuf round trips, the polling loop.
final class PluginKitTests: XCTestCase {
    func testPluginErrorsCarryTheHostsStatus() {
        XCTAssertEqual(PluginError.invalidArgument("x").status, .invalidArgument)
        XCTAssertEqual(PluginError.invalidArgument("x").httpStatus, 400)
        XCTAssertEqual(PluginError.notFound("x").code, ReelStatus.notFound.rawValue)
        XCTAssertEqual(PluginError.resourceExhausted("x").httpStatus, 429)
        XCTAssertEqual(PluginError(code: 14, "down").status, .unavailable)
        XCTAssertEqual("\(PluginError.permissionDenied("not yours"))", "permission_denied: not yours")
        // Access is the host's (one definition): the raw values are the header's.
        XCTAssertEqual(Access.internal.rawValue, 5)
        XCTAssertEqual(Access.ownerOrAdmin.name, "owner-or-admin")
    }

    func testCallerRolesAreTheHeadersConstants() {
        let admin = PluginCall(method: "m", payload: [], requestId: "r", callerUserId: "u", callerRole: ReelRole.admin,
                               clientAddress: "")
        XCTAssertTrue(admin.isAdmin)
        XCTAssertFalse(admin.isInternal)
        let internalCall = PluginCall(method: "m", payload: [], requestId: "r", callerUserId: "", callerRole: "internal",
                                      clientAddress: "")
        XCTAssertTrue(internalCall.isInternal)
    }

    func testProtoRoundTripAndBadBytes() throws {
        let strings = CStrings()
        var request = Reel__Helloc__V1__EchoRequest()
        reel__helloc__v1__echo_request__init(&request)
        request.text = strings("héllo")
        let bytes = Proto.pack(&request)
        let back = try Proto.unpack(bytes, as: Reel__Helloc__V1__EchoRequest.self, "reel.helloc.v1.EchoRequest")
        XCTAssertEqual(Proto.string(back.message.text), "héllo")
        XCTAssertThrowsError(try Proto.unpack([0xFF, 0xFF, 0xFF], as: Reel__Helloc__V1__EchoRequest.self,
                                              "reel.helloc.v1.EchoRequest")) { error in
            XCTAssertEqual((error as? PluginError)?.status, .invalidArgument)
        }
    }

    func testPollingLoopRunsAgainWhenWokenAndStopsWhenCancelled() async throws {
        let loop = PollingLoop(everySeconds: 3600)
        let rounds = Rounds()
        let task = Task { await loop.run { await rounds.add() } }
        try await rounds.wait(for: 1)
        loop.wake()  // long before the hour is up
        try await rounds.wait(for: 2)
        task.cancel()
        await task.value
        let final = await rounds.count
        XCTAssertEqual(final, 2)
    }
}

private actor Rounds {
    private(set) var count = 0
    func add() { count += 1 }

    func wait(for expected: Int) async throws {
        for _ in 0..<600 where count < expected { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertGreaterThanOrEqual(count, expected)
    }
}

/// ReelEncoding, re-exported by the kit: one base64url and one set of date
/// formats for the host and every plugin.
final class EncodingTests: XCTestCase {
    func testBase64URLHasNoPaddingAndRefusesIt() {
        let bytes = Data([0xFB, 0xFF, 0xBF, 0x01])
        XCTAssertEqual(bytes.base64URLEncoded, "-_-_AQ")
        XCTAssertEqual(Data(base64URLEncoded: "-_-_AQ"), bytes)
        XCTAssertNil(Data(base64URLEncoded: "-_-_AQ=="))
        XCTAssertNil(Data(base64URLEncoded: "+/+/AQ"))
    }

    func testUTCDates() {
        let date = Date(timeIntervalSince1970: 784_111_777.9)
        XCTAssertEqual(UTCDate.day(date), "1994-11-06")
        XCTAssertEqual(UTCDate.compactDay(date), "19941106")
        XCTAssertEqual(UTCDate.compactTimestamp(date), "19941106T084937Z")
        XCTAssertEqual(UTCDate.iso8601(date), "1994-11-06T08:49:37Z")
        XCTAssertEqual(UTCDate.http(date), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(UTCDate.http(Date(timeIntervalSince1970: 0)), "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    /// A handler's unpacked messages live until the handler returns, even
    /// when the `Unpacked` it holds is gone (`let m = request.message`).
    func testUnpackedMessagesLiveUntilTheCallEnds() async throws {
        var request = Reel__Hello__V1__GreetRequest()
        reel__hello__v1__greet_request__init(&request)
        let name = strdup("Ada")
        defer { free(name) }
        request.name = name
        let bytes = Proto.pack(&request)

        weak var seenInside: Unpacked<Reel__Hello__V1__GreetRequest>?
        let text = try await UnpackedMessages.scope { () async throws -> String in
            var message: Reel__Hello__V1__GreetRequest
            do {
                let unpacked = try Proto.unpack(bytes, as: Reel__Hello__V1__GreetRequest.self, "reel.hello.v1.GreetRequest")
                seenInside = unpacked
                message = unpacked.message
            }
            await Task.yield()
            XCTAssertNotNil(seenInside, "kept while the call runs")
            return Proto.string(message.name)
        }
        XCTAssertEqual(text, "Ada")
        XCTAssertNil(seenInside, "freed once the call has returned")

        // Outside a call nothing keeps it: freed with its last reference.
        weak var outside: Unpacked<Reel__Hello__V1__GreetRequest>?
        do { outside = try Proto.unpack(bytes, as: Reel__Hello__V1__GreetRequest.self, "reel.hello.v1.GreetRequest") }
        XCTAssertNil(outside)
    }
}
