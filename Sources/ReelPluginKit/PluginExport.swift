import CProtobufC
import CReelABI
import Foundation

/// Turns a PluginDefinition into the C descriptor the host loads. A plugin
/// exports it with two one-line @_cdecl functions:
///
///     @_cdecl("reel_plugin_magic") public func magic() -> UnsafePointer<reel_magic> { PluginExport.magic }
///     @_cdecl("reel_plugin_entry") public func entry() -> UnsafePointer<reel_plugin_descriptor> {
///         PluginExport.descriptor(for: myDefinition)
///     }
///
/// The kit is linked into each plugin image, so its globals are per image:
/// each loaded generation has its own runtime.
public enum PluginExport {
    nonisolated(unsafe) public static let magic: UnsafePointer<reel_magic> = {
        let magic = UnsafeMutablePointer<reel_magic>.allocate(capacity: 1)
        magic.initialize(to: reel_magic(magic: REEL_MAGIC, abi_major: UInt32(REEL_ABI_MAJOR), abi_minor: UInt32(REEL_ABI_MINOR),
                                        descriptor_size: UInt32(MemoryLayout<reel_plugin_descriptor>.size)))
        return UnsafePointer(magic)
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: UnsafePointer<reel_plugin_descriptor>?

    /// Builds the descriptor once (static for the image's lifetime).
    public static func descriptor<Service: Sendable>(for definition: PluginDefinition<Service>) -> UnsafePointer<reel_plugin_descriptor> {
        lock.withLock {
            if let built { return built }
            PluginRuntime.install(PluginRuntime(definition))
            let descriptor = DescriptorBuilder.build(definition)
            built = descriptor
            return descriptor
        }
    }
}

/// Static C copies of a definition's names and tables.
enum DescriptorBuilder {
    static func build<Service>(_ d: PluginDefinition<Service>) -> UnsafePointer<reel_plugin_descriptor> {
        let methods = UnsafeMutablePointer<reel_method_def>.allocate(capacity: max(1, d.methods.count))
        for (i, m) in d.methods.enumerated() {
            methods[i] = reel_method_def(
                name: UnsafePointer(strdup(m.name)), access: m.access.rawValue,
                input_descriptor: m.input.map { UnsafeRawPointer(Proto.descriptor($0)) },
                output_descriptor: m.output.map { UnsafeRawPointer(Proto.descriptor($0)) })
        }
        let routes = UnsafeMutablePointer<reel_route_def>.allocate(capacity: max(1, d.routes.count))
        for (i, r) in d.routes.enumerated() {
            routes[i] = reel_route_def(http_method: UnsafePointer(strdup(r.httpMethod)), path: UnsafePointer(strdup(r.path)),
                                       method: UnsafePointer(strdup(r.method)), success_status: r.status)
        }
        let topics = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(1, d.subscriptions.count))
        for (i, t) in d.subscriptions.enumerated() { topics[i] = UnsafePointer(strdup(t)) }

        let httpRoutes = UnsafeMutablePointer<reel_http_route_def>.allocate(capacity: max(1, d.httpRoutes.count))
        for (i, r) in d.httpRoutes.enumerated() {
            httpRoutes[i] = reel_http_route_def(http_method: UnsafePointer(strdup(r.httpMethod)), path: UnsafePointer(strdup(r.path)),
                                                access: r.access.rawValue, flags: r.connectStream ? UInt32(REEL_HTTP_ROUTE_CONNECT_STREAM) : 0,
                                                max_body_bytes: r.maxBodyBytes)
        }

        var descriptor = reel_plugin_descriptor()
        descriptor.struct_size = UInt32(MemoryLayout<reel_plugin_descriptor>.size)
        descriptor.flags = 0 // Swift images are never unmapped.
        descriptor.name = UnsafePointer(strdup(d.name))
        descriptor.version = UnsafePointer(strdup(d.version))
        descriptor.description = UnsafePointer(strdup(d.summary))
        descriptor.`init` = pluginInit
        descriptor.shutdown = pluginShutdown
        descriptor.handle = pluginHandle
        descriptor.on_event = d.subscriptions.isEmpty ? nil : pluginOnEvent
        descriptor.methods = UnsafePointer(methods)
        descriptor.method_count = UInt32(d.methods.count)
        descriptor.routes = UnsafePointer(routes)
        descriptor.route_count = UInt32(d.routes.count)
        descriptor.subscriptions = UnsafePointer(topics)
        descriptor.subscription_count = UInt32(d.subscriptions.count)
        descriptor.http_routes = UnsafePointer(httpRoutes)
        descriptor.http_route_count = d.httpRoutes.count
        if !d.httpRoutes.isEmpty {
            descriptor.http_begin = pluginHTTPBegin
            descriptor.http_body = pluginHTTPBody
            descriptor.http_end = pluginHTTPEnd
            descriptor.http_stream_closed = pluginHTTPStreamClosed
        }
        let pointer = UnsafeMutablePointer<reel_plugin_descriptor>.allocate(capacity: 1)
        pointer.initialize(to: descriptor)
        return UnsafePointer(pointer)
    }
}
