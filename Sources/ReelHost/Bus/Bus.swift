import CReelABI
import Foundation
import Logging

/// The internal bus: request/response calls addressed "package.Service/Method"
/// and publish/subscribe events, every payload protobuf bytes. Outside
/// requests (JSON and /rpc) and plugin-to-plugin calls all go through `invoke`.
public final class Bus: @unchecked Sendable {
    let registry: PluginRegistry
    let callTimeoutSeconds: Double
    private let logger = Logger(label: "reel.bus")
    /// Call durations and event counts (nil in tests that need none).
    let metrics: HostMetrics?
    /// Topics the host itself receives (see HostSubscriptions).
    let hostSubscriptions = HostSubscriptions()

    init(registry: PluginRegistry, callTimeoutSeconds: Double, metrics: HostMetrics? = nil) {
        self.metrics = metrics
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
                trace parent: TraceContext? = nil, completion: @escaping @Sendable (BusResult) -> Void) {
        // A child span of the request's trace, or of the call this thread runs a plugin for.
        let trace = (parent ?? CurrentTrace.value)?.child()
        let completion = observed(method.name, requestId: requestId, trace: trace, completion)
        guard let handle = generation.descriptor.pointee.handle else {
            generation.leave()
            completion(.error(.unimplemented, "\(generation.name) has no handler"))
            return
        }
        // The request's strings and payload in one block (one malloc, not
        // one strdup per string and an array to remember them).
        let texts = (method.name, requestId, caller.userId, caller.role, clientAddress)
        let stringBytes = texts.0.utf8.count + texts.1.utf8.count + texts.2.utf8.count + texts.3.utf8.count
            + texts.4.utf8.count + 5
        guard let block = malloc(stringBytes + payload.count) else {
            generation.leave()
            completion(.error(.resourceExhausted, "out of memory"))
            return
        }
        var used = 0
        func c(_ text: String) -> UnsafeMutablePointer<CChar> {
            var text = text
            let start = block + used
            text.withUTF8 { utf8 in
                if let source = utf8.baseAddress { start.copyMemory(from: source, byteCount: utf8.count) }
                used += utf8.count
            }
            block.storeBytes(of: 0, toByteOffset: used, as: UInt8.self)
            used += 1
            return start.assumingMemoryBound(to: CChar.self)
        }
        let methodName = c(texts.0), id = c(texts.1), userId = c(texts.2), role = c(texts.3), address = c(texts.4)
        var body: UnsafeMutablePointer<UInt8>?
        if !payload.isEmpty {
            let start = (block + used).assumingMemoryBound(to: UInt8.self)
            payload.withUnsafeBufferPointer { if let source = $0.baseAddress { start.update(from: source, count: $0.count) } }
            body = start
        }
        let request = UnsafeMutablePointer<reel_request>.allocate(capacity: 1)
        request.initialize(to: reel_request(
            struct_size: UInt32(MemoryLayout<reel_request>.size), method_index: method.index,
            method: methodName, payload: body, payload_len: payload.count,
            request_id: id, caller_user_id: userId, caller_role: role,
            client_address: address))
        // The deadline is watched by PendingCalls' one sweeper thread.
        let call = PendingCalls.Call(generation: generation, request: request, block: block,
                                     timeout: min(callTimeoutSeconds, requested ?? callTimeoutSeconds),
                                     completion: completion)
        let token = PendingCalls.shared.register(call)
        // Hold the generation while its handle() runs: the plugin may reply
        // (releasing the call's own hold) before handle() returns, and the
        // library must stay mapped until it has.
        let held = generation.enter()
        CurrentTrace.with(trace) { handle(generation.state, request, OpaquePointer(bitPattern: token)) }
        if held { generation.leave() }
    }

    /// Wraps a call's completion to record its duration and result code,
    /// and (at debug level) a span line with its trace.
    private func observed(_ method: String, requestId: String, trace: TraceContext?,
                          _ completion: @escaping @Sendable (BusResult) -> Void) -> @Sendable (BusResult) -> Void {
        let logSpan = logger.logLevel <= .debug
        guard metrics != nil || logSpan else { return completion }
        let metrics = self.metrics, logger = self.logger
        let started = DispatchTime.now().uptimeNanoseconds
        return { result in
            let seconds = Double(DispatchTime.now().uptimeNanoseconds &- started) / 1e9
            metrics?.busCall(method: method, code: result.status.codeName, seconds: seconds)
            if logSpan {
                var metadata: Logger.Metadata = [
                    "method": "\(method)", "code": "\(result.status.codeName)", "requestId": "\(requestId)",
                    "durationMs": "\((seconds * 1e6).rounded() / 1e3)",
                ]
                if let trace {
                    metadata["traceId"] = "\(trace.traceId)"
                    metadata["spanId"] = "\(trace.spanId)"
                    metadata["parentSpanId"] = "\(trace.parentSpanId ?? "")"
                }
                if let servedBy = result.servedBy { metadata["plugin"] = "\(servedBy)" }
                logger.debug("bus call", metadata: metadata)
            }
            completion(result)
        }
    }

    /// Queues an event for every subscriber; returns how many.
    @discardableResult
    public func publish(topic: String, payload: [UInt8]) -> Int {
        let hostCount = hostSubscriptions.deliver(topic: topic, payload: payload)
        let subscribers = registry.acquireSubscribers(topic: topic)
        let metrics = self.metrics
        metrics?.busEvent(topic: topic, stage: "published")
        // Published while running a traced call: the deliveries carry its trace.
        let trace = CurrentTrace.value
        for generation in subscribers {
            generation.eventQueue.async {
                if let onEvent = generation.descriptor.pointee.on_event {
                    topic.withCString { topicPointer in
                        payload.withUnsafeBufferPointer { buffer in
                            CurrentTrace.with(trace) {
                                onEvent(generation.state, topicPointer, buffer.baseAddress, buffer.count)
                            }
                        }
                    }
                    metrics?.busEvent(topic: topic, stage: "delivered")
                }
                generation.leave()
            }
        }
        return subscribers.count + hostCount
    }
}
