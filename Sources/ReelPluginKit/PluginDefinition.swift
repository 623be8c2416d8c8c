import CReelABI
// Access, ReelStatus, ReelRole and ErrorBody: one vocabulary with the host.
@_exported import ReelABI
// Base64url and UTC/HTTP dates, shared with the host.
@_exported import ReelEncoding

/// A bus method of a Swift plugin: its address, who may call it, its
/// protobuf message names, and the handler.
public struct Method<Service: Sendable>: Sendable {
    /// Throws PluginError for answers like not_found; any other error is
    /// logged with the request id and answered as a bare `internal`.
    public typealias Handler = @Sendable (Service, PluginCall) async throws -> [UInt8]
    let name: String
    let access: Access
    let input: String?
    let output: String?
    let handler: Handler

    /// - Parameters: `input` and `output` are full protobuf message names
    ///   ("reel.hello.v1.GreetRequest"); with them the host offers JSON.
    public init(_ name: String, access: Access, input: String?, output: String?, _ handler: @escaping Handler) {
        self.name = name
        self.access = access
        self.input = input
        self.output = output
        self.handler = handler
    }
}

/// A JSON route ending in one of the plugin's methods.
public struct Route: Sendable {
    let httpMethod: String
    let path: String
    let method: String
    let status: Int32

    public init(_ httpMethod: String, _ path: String, method: String, status: Int32 = 200) {
        self.httpMethod = httpMethod
        self.path = path
        self.method = method
        self.status = status
    }
}

/// Everything a Swift plugin declares. `start` builds the plugin's service
/// (run its migrations, open its pools) when the host loads it; `stop` tears
/// it down when the generation is retired.
public struct PluginDefinition<Service: Sendable>: Sendable {
    public var name: String
    public var version: String
    public var summary: String
    public var methods: [Method<Service>]
    public var routes: [Route]
    public var httpRoutes: [HTTPRoute<Service>]
    public var subscriptions: [String]
    public var onEvent: (@Sendable (Service, String, [UInt8]) async -> Void)?
    public var start: @Sendable (PluginHost) async throws -> Service
    public var stop: (@Sendable (Service) async -> Void)?

    public init(name: String, version: String, summary: String, methods: [Method<Service>], routes: [Route] = [],
                httpRoutes: [HTTPRoute<Service>] = [], subscriptions: [String] = [], onEvent: (@Sendable (Service, String, [UInt8]) async -> Void)? = nil,
                start: @escaping @Sendable (PluginHost) async throws -> Service,
                stop: (@Sendable (Service) async -> Void)? = nil) {
        self.name = name
        self.version = version
        self.summary = summary
        self.methods = methods
        self.routes = routes
        self.httpRoutes = httpRoutes
        self.subscriptions = subscriptions
        self.onEvent = onEvent
        self.start = start
        self.stop = stop
    }
}
