import CReelABI
import Foundation

/// The internal bus: request/response calls addressed "package.Service/Method"
/// and publish/subscribe events, every payload protobuf bytes. Outside
/// requests (JSON and /rpc) and plugin-to-plugin calls all go through `invoke`.
public final class Bus: @unchecked Sendable {
    let registry: PluginRegistry
    let callTimeoutSeconds: Double
    private let timers = DispatchQueue(label: "reel.bus.timers")
    /// Topics the host itself receives (see HostSubscriptions).
    let hostSubscriptions = HostSubscriptions()

    init(registry: PluginRegistry, callTimeoutSeconds: Double) {
        self.registry = registry
        self.callTimeoutSeconds = callTimeoutSeconds
    }

    /// A call from inside (another plugin): no access check.
    public func call(method: String, payload: [UInt8], caller: Caller, requestId: String,
                     completion: @escaping @Sendable (BusResult) -> Void) {
        guard let (generation, info) = registry.acquire(method: method) else {
            completion(.error(.unimplemented, "no plugin serves \(method)"))
            return
        }
        invoke(generation, info, payload: payload, caller: caller, requestId: requestId, completion: completion)
    }

    /// Hands a call to an already entered generation. The generation leaves
    /// when the plugin replies. `timeout` (seconds) shortens the call's
    /// deadline below REEL_CALL_TIMEOUT_SECONDS (a client's Connect-Timeout-Ms).
    func invoke(_ generation: PluginGeneration, _ method: MethodInfo, payload: [UInt8], caller: Caller,
                requestId: String, clientAddress: String = "", timeout requested: Double? = nil,
                completion: @escaping @Sendable (BusResult) -> Void) {
        guard let handle = generation.descriptor.pointee.handle else {
            generation.leave()
            completion(.error(.unimplemented, "\(generation.name) has no handler"))
            return
        }
        let strings: [UnsafeMutablePointer<CChar>?] = [method.name, requestId, caller.userId, caller.role, clientAddress].map { (s: String) in strdup(s) }
        let body: UnsafeMutablePointer<UInt8>? = payload.isEmpty ? nil : {
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: payload.count)
            buffer.initialize(from: payload, count: payload.count)
            return buffer
        }()
        let request = UnsafeMutablePointer<reel_request>.allocate(capacity: 1)
        request.initialize(to: reel_request(
            struct_size: UInt32(MemoryLayout<reel_request>.size), method_index: method.index,
            method: strings[0], payload: body, payload_len: payload.count,
            request_id: strings[1], caller_user_id: strings[2], caller_role: strings[3],
            client_address: strings[4]))
        let call = PendingCalls.Call(generation: generation, request: request,
                                     allocations: strings.map { UnsafeMutableRawPointer($0) } + [UnsafeMutableRawPointer(body)],
                                     completion: completion)
        let token = PendingCalls.shared.register(call)
        let timeout = min(callTimeoutSeconds, requested ?? callTimeoutSeconds)
        timers.asyncAfter(deadline: .now() + timeout) { PendingCalls.shared.expire(token: token, after: timeout) }
        // Hold the generation while its handle() runs: the plugin may reply
        // (releasing the call's own hold) before handle() returns, and the
        // library must stay mapped until it has.
        let held = generation.enter()
        handle(generation.state, request, OpaquePointer(bitPattern: token))
        if held { generation.leave() }
    }

    /// Queues an event for every subscriber; returns how many.
    @discardableResult
    public func publish(topic: String, payload: [UInt8]) -> Int {
        let hostCount = hostSubscriptions.deliver(topic: topic, payload: payload)
        let subscribers = registry.acquireSubscribers(topic: topic)
        for generation in subscribers {
            generation.eventQueue.async {
                if let onEvent = generation.descriptor.pointee.on_event {
                    topic.withCString { topicPointer in
                        payload.withUnsafeBufferPointer { buffer in
                            onEvent(generation.state, topicPointer, buffer.baseAddress, buffer.count)
                        }
                    }
                }
                generation.leave()
            }
        }
        return subscribers.count + hostCount
    }
}
