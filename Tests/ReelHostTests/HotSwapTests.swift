import CProtobufC
import CReelProtoHelloc
import XCTest
@testable import ReelHost

/// The plugin manager and the bus with the real C plugin: calls reach it,
/// a new version swaps in, in-flight work finishes on the old one.
final class HotSwapTests: XCTestCase {
    private var dir: String!
    private var manager: PluginManager!
    private var registry: PluginRegistry!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "reel-swap-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/plugins", withIntermediateDirectories: true)
        let config = try HostConfig(environment: ["REEL_DATA_DIR": dir, "REEL_PLUGINS_DIR": dir + "/plugins"])
        registry = PluginRegistry()
        manager = PluginManager(config: config, registry: registry, bus: Bus(registry: registry, callTimeoutSeconds: 10))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func buildHelloC(version: String) throws { try HelloCBuild.make(into: dir + "/plugins", version: version) }

    /// Calls Echo over the bus and returns the echoed text.
    private func echo(_ text: String) -> String {
        var request = Reel__Helloc__V1__EchoRequest()
        reel__helloc__v1__echo_request__init(&request)
        let bytes: [UInt8] = text.withCString { cText in
            request.text = UnsafeMutablePointer(mutating: cText)
            return withUnsafeMutablePointer(to: &request) { pointer in
                pointer.withMemoryRebound(to: ProtobufCMessage.self, capacity: 1) { base in
                    var out = [UInt8](repeating: 0, count: protobuf_c_message_get_packed_size(base))
                    _ = out.withUnsafeMutableBufferPointer { protobuf_c_message_pack(base, $0.baseAddress) }
                    return out
                }
            }
        }
        let done = expectation(description: "echo")
        let answer = LockedText()
        manager.bus.call(method: "reel.helloc.v1.EchoService/Echo", payload: bytes, caller: .internal, requestId: "t") { result in
            XCTAssertEqual(result.status, .ok, result.message)
            let message = result.payload.withUnsafeBufferPointer {
                reel__helloc__v1__echo_response__unpack(nil, $0.count, $0.baseAddress)
            }
            if let message {
                answer.set(String(cString: message.pointee.text))
                reel__helloc__v1__echo_response__free_unpacked(message, nil)
            }
            done.fulfill()
        }
        wait(for: [done], timeout: 10)
        return answer.get()
    }

    func testANewVersionReplacesTheOldOneAndTheOldOneIsRetired() throws {
        try buildHelloC(version: "1.0.0")
        XCTAssertEqual(manager.scan().count, 1)
        XCTAssertEqual(echo("one"), "hello-c 1.0.0: one")
        let first = try XCTUnwrap(registry.current(named: "hello-c"))

        try buildHelloC(version: "2.0.0")
        let outcomes = manager.scan()
        guard case .loaded(_, let version, let generation, let replaced) = outcomes.first else { return XCTFail("\(outcomes)") }
        XCTAssertEqual(version, "2.0.0")
        XCTAssertEqual(replaced, first.number)
        XCTAssertGreaterThan(generation, first.number)
        XCTAssertEqual(echo("two"), "hello-c 2.0.0: two")
        // The old generation had nothing in flight: it is retired, and refuses new calls.
        let deadline = Date().addingTimeInterval(5)
        while first.enter() {
            first.leave()
            if Date() > deadline { return XCTFail("generation 1 was never retired") }
            usleep(10_000)
        }
    }

    func testTheSameFileAgainIsANoOp() throws {
        try buildHelloC(version: "1.0.0")
        manager.scan()
        let outcome = manager.load(file: dir + "/plugins/hello-c.so")
        guard case .unchanged(let name) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(name, "hello-c")
    }

    func testUnknownMethodAnswersUnimplemented() {
        let done = expectation(description: "call")
        manager.bus.call(method: "nobody.Service/Nothing", payload: [], caller: .internal, requestId: "t") { result in
            XCTAssertEqual(result.status, .unimplemented)
            done.fulfill()
        }
        wait(for: [done], timeout: 5)
    }
}

private final class LockedText: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func set(_ value: String) { lock.withLock { text = value } }
    func get() -> String { lock.withLock { text } }
}
