import CReelABI
import Foundation

// The C entry points of every Swift plugin's descriptor: they find the
// plugin's PluginRuntime and turn the host's C calls into Swift ones.

let pluginInit: @convention(c) (OpaquePointer?, UnsafePointer<reel_host_api>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 = {
    host, api, state in
    guard let host, let api, let runtime = PluginRuntime.shared else { return 1 }
    state?.pointee = nil
    return runtime.initialize(host: PluginHost(host: host, api: api))
}

let pluginShutdown: @convention(c) (UnsafeMutableRawPointer?) -> Void = { _ in
    PluginRuntime.shared?.shutdown()
}

let pluginHandle: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<reel_request>?, OpaquePointer?) -> Void = {
    _, request, reply in
    guard let runtime = PluginRuntime.shared, let host = runtime.host else { return }
    let replyToken = UInt(bitPattern: reply)
    guard let request else {
        host.reply(token: replyToken, .failure(.invalidArgument("no request")))
        return
    }
    let r = request.pointee
    let call = PluginCall(
        method: r.method.map { String(cString: $0) } ?? "",
        payload: r.payload.map { Array(UnsafeBufferPointer(start: $0, count: r.payload_len)) } ?? [],
        requestId: r.request_id.map { String(cString: $0) } ?? "",
        callerUserId: r.caller_user_id.map { String(cString: $0) } ?? "",
        callerRole: r.caller_role.map { String(cString: $0) } ?? "",
        clientAddress: r.struct_size >= UInt32(MemoryLayout<reel_request>.size)
            ? r.client_address.map { String(cString: $0) } ?? "" : "")
    PluginTrace.bind(host) {
        runtime.handle(index: Int(r.method_index), call: call) { result in host.reply(token: replyToken, result) }
    }
}

let pluginOnEvent: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, UnsafePointer<UInt8>?, Int) -> Void = {
    _, topic, payload, length in
    guard let runtime = PluginRuntime.shared, let topic else { return }
    let bytes = payload.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
    PluginTrace.bind(runtime.host) { runtime.event(topic: String(cString: topic), payload: bytes) }
}

let pluginHTTPBegin: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<reel_http_request>?, OpaquePointer?,
                                     UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32 = {
    _, request, exchange, exchangeState in
    guard let runtime = PluginRuntime.shared, let request else { return 1 }
    let receiver = PluginTrace.bind(runtime.host) {
        runtime.httpBegin(index: Int(request.pointee.route_index), head: HTTPRequestHead(request.pointee),
                          token: UInt(bitPattern: exchange))
    }
    guard let receiver else { return 1 }
    exchangeState?.pointee = Unmanaged.passRetained(HTTPExchangeBox(receiver)).toOpaque()
    return 0
}

let pluginHTTPBody: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, Int) -> Int32 = { state, data, length in
    guard let state else { return 1 }
    let box = Unmanaged<HTTPExchangeBox>.fromOpaque(state).takeUnretainedValue()
    // Not bound per chunk (the upload path): begin and end carry the trace.
    return box.receiver.receive(UnsafeRawBufferPointer(start: data, count: length)) ? 0 : 1
}

let pluginHTTPEnd: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void = { state, aborted in
    guard let state else { return }
    let box = Unmanaged<HTTPExchangeBox>.fromOpaque(state).takeRetainedValue()
    PluginTrace.bind(PluginRuntime.shared?.host) { box.receiver.finish(aborted: aborted != 0) }
}
