import CReelABI
import CReelProtoMethodOptions
import Foundation

/// Validates a plugin descriptor and copies out everything the host keeps.
enum DescriptorReader {
    struct Parsed {
        var name: String
        var version: String
        var summary: String
        var unloadable: Bool
        var methods: [MethodInfo]
        var routes: [RouteInfo]
        var subscriptions: [String]
        var httpRoutes: [HTTPRouteInfo]
    }

    /// `pluginMinor` is the ABI minor the plugin was built with: fields newer
    /// than it are not read.
    static func read(_ descriptor: UnsafePointer<reel_plugin_descriptor>, pluginMinor: UInt32) throws(PluginLoadError) -> Parsed {
        let d = try copyPresentFields(descriptor)
        guard let namePointer = d.name else { throw .invalidDescriptor("name is NULL") }
        let name = String(cString: namePointer)
        guard isPluginName(name) else { throw .invalidDescriptor("name '\(name)' must match [a-z0-9-]+ (at most 64 characters)") }
        guard d.handle != nil || d.method_count == 0 else { throw .invalidDescriptor("\(name) has methods but no handle()") }

        var methods: [MethodInfo] = []
        for index in 0..<Int(d.method_count) {
            guard let table = d.methods, let methodName = table[index].name.map({ String(cString: $0) }) else {
                throw .invalidDescriptor("method #\(index) has no name")
            }
            guard isMethodName(methodName) else {
                throw .invalidDescriptor("method '\(methodName)' must look like package.Service/Method")
            }
            guard let access = Access(rawValue: table[index].access) else {
                throw .invalidDescriptor("method '\(methodName)' has unknown access \(table[index].access)")
            }
            guard !methods.contains(where: { $0.name == methodName }) else { throw .invalidDescriptor("method '\(methodName)' is listed twice") }
            methods.append(MethodInfo(name: methodName, index: UInt32(index), access: access,
                                      input: table[index].input_descriptor.map(PluginPointer.init),
                                      output: table[index].output_descriptor.map(PluginPointer.init),
                                      sharedCacheSeconds: Int(reel_proto_method_shared_cache_seconds(methodName))))
        }

        var routes: [RouteInfo] = []
        for index in 0..<Int(d.route_count) {
            guard let table = d.routes, let verb = table[index].http_method.map({ String(cString: $0) }),
                  let path = table[index].path.map({ String(cString: $0) }),
                  let target = table[index].method.map({ String(cString: $0) }) else {
                throw .invalidDescriptor("route #\(index) has a NULL field")
            }
            guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(verb) else { throw .invalidDescriptor("route \(path): unknown HTTP method \(verb)") }
            guard let pattern = RoutePattern(path) else { throw .invalidDescriptor("route path '\(path)' is not a valid pattern") }
            guard let method = methods.first(where: { $0.name == target }) else {
                throw .invalidDescriptor("route \(verb) \(path) names unknown method '\(target)'")
            }
            guard method.input != nil && method.output != nil else {
                throw .invalidDescriptor("route \(verb) \(path): method '\(target)' needs message descriptors for JSON")
            }
            guard method.access != .internal else { throw .invalidDescriptor("route \(verb) \(path) exposes internal method '\(target)'") }
            let status = Int(table[index].success_status)
            guard [200, 201, 202, 204].contains(status) else { throw .invalidDescriptor("route \(verb) \(path): success status \(status)") }
            routes.append(RouteInfo(httpMethod: verb, pattern: pattern, method: target, successStatus: status))
        }

        var subscriptions: [String] = []
        for index in 0..<Int(d.subscription_count) {
            guard let table = d.subscriptions, let topic = table[index].map({ String(cString: $0) }), !topic.isEmpty else {
                throw .invalidDescriptor("subscription #\(index) is empty")
            }
            subscriptions.append(topic)
        }
        if !subscriptions.isEmpty && d.on_event == nil { throw .invalidDescriptor("\(name) subscribes to topics but has no on_event()") }

        let httpRoutes = pluginMinor >= 2 ? try readHTTPRoutes(d, jsonRoutes: routes, methods: methods, pluginMinor: pluginMinor) : []
        if !httpRoutes.isEmpty && (d.http_begin == nil || d.http_body == nil || d.http_end == nil) {
            throw .invalidDescriptor("\(name) has HTTP routes but not all of http_begin/http_body/http_end")
        }

        return Parsed(name: name, version: d.version.map { String(cString: $0) } ?? "0",
                      summary: d.description.map { String(cString: $0) } ?? "",
                      unloadable: d.flags & UInt32(REEL_PLUGIN_UNLOADABLE) != 0,
                      methods: methods, routes: routes, subscriptions: subscriptions, httpRoutes: httpRoutes)
    }

    /// ABI 1.0's descriptor size: the smallest the loader accepts.
    static let minimumSize = (MemoryLayout<reel_plugin_descriptor>.offset(of: \.http_routes) ?? MemoryLayout<reel_plugin_descriptor>.size) + 8 * MemoryLayout<UnsafeRawPointer>.size

    /// The descriptor grows only by appending: any size from 1.0's up is
    /// accepted, and only the bytes the plugin declared are read — fields it
    /// does not have stay zero (NULL), never read past its struct.
    static func copyPresentFields(_ descriptor: UnsafePointer<reel_plugin_descriptor>) throws(PluginLoadError) -> reel_plugin_descriptor {
        let declared = Int(descriptor.pointee.struct_size)
        guard declared >= minimumSize else { throw .descriptorTooSmall(host: minimumSize, plugin: declared) }
        var copy = reel_plugin_descriptor()
        let count = min(declared, MemoryLayout<reel_plugin_descriptor>.size)
        withUnsafeMutableBytes(of: &copy) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(start: UnsafeRawPointer(descriptor), count: count))
        }
        return copy
    }

    private static func readHTTPRoutes(_ d: reel_plugin_descriptor, jsonRoutes: [RouteInfo], methods: [MethodInfo],
                                       pluginMinor: UInt32) throws(PluginLoadError) -> [HTTPRouteInfo] {
        var result: [HTTPRouteInfo] = []
        for index in 0..<Int(d.http_route_count) {
            guard let table = d.http_routes, let verb = table[index].http_method.map({ String(cString: $0) }),
                  let path = table[index].path.map({ String(cString: $0) }) else {
                throw .invalidDescriptor("HTTP route #\(index) has a NULL field")
            }
            guard ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].contains(verb) else {
                throw .invalidDescriptor("HTTP route \(path): unknown HTTP method \(verb)")
            }
            guard let pattern = RoutePattern(path) else { throw .invalidDescriptor("HTTP route path '\(path)' is not a valid pattern") }
            guard let access = Access(rawValue: table[index].access), access != .internal else {
                throw .invalidDescriptor("HTTP route \(verb) \(path) has access \(table[index].access)")
            }
            let clashes = result.contains { $0.httpMethod == verb && $0.pattern.hasSameShape(as: pattern) }
                || jsonRoutes.contains { $0.httpMethod == verb && $0.pattern.hasSameShape(as: pattern) }
            guard !clashes else { throw .invalidDescriptor("route \(verb) \(path) is declared twice") }
            var route = HTTPRouteInfo(index: UInt32(index), httpMethod: verb, pattern: pattern, access: access,
                                      maxBodyBytes: table[index].max_body_bytes)
            if pluginMinor >= 3 && table[index].flags & UInt32(REEL_HTTP_ROUTE_CONNECT_STREAM) != 0 {
                // POST /rpc/<method> of a listed method with both descriptors.
                let method = methods.first { "/rpc/" + $0.name == path }
                guard verb == "POST", let method, method.input != nil, method.output != nil else {
                    throw .invalidDescriptor("Connect streaming route \(verb) \(path) must be POST /rpc/<method> of a listed "
                                             + "method with input and output descriptors")
                }
                route.connectMethod = method
            }
            result.append(route)
        }
        return result
    }

    static func isPluginName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-")
        }
    }

    static func isMethodName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, parts[0].contains(".") else { return false }
        return name.utf8.allSatisfy { isalnum(Int32($0)) != 0 || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "/") }
    }
}
