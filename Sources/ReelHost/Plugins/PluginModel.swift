import CReelABI

/// A borrowed pointer into a plugin image (a protobuf-c descriptor). Safe to
/// share because the image stays mapped for as long as its generation is
/// referenced, and the pointee is immutable static data.
public struct PluginPointer: @unchecked Sendable {
    public let raw: UnsafeRawPointer
}

/// Who is calling: decided by the host's auth guard, never by a plugin.
public struct Caller: Sendable, Equatable {
    public var userId: String
    public var role: String

    public init(userId: String, role: String) {
        self.userId = userId
        self.role = role
    }

    public static let anonymous = Caller(userId: "", role: ReelRole.anonymous)
    /// Another plugin, over the bus.
    public static let `internal` = Caller(userId: "", role: ReelRole.internal)
}

/// One bus method of a plugin, copied out of its descriptor.
public struct MethodInfo: Sendable {
    public let name: String
    public let index: UInt32
    public let access: Access
    public let input: PluginPointer?
    public let output: PluginPointer?
    /// Seconds the gateway's cache may keep its JSON route's answer to an
    /// anonymous caller (the .proto's reel.host.v1.shared_cache_seconds; 0: never).
    public var sharedCacheSeconds = 0
}

/// One JSON route of a plugin, copied out of its descriptor.
public struct RouteInfo: Sendable {
    public let httpMethod: String
    public let pattern: RoutePattern
    public let method: String
    public let successStatus: Int
}

/// The result of a bus call, owned by Swift (copied from the plugin).
public struct BusResult: Sendable {
    public var status: ReelStatus
    public var message: String
    public var payload: [UInt8]
    /// "name/version#generation" of the plugin that answered, if any.
    public var servedBy: String?

    public init(status: ReelStatus, message: String = "", payload: [UInt8] = [], servedBy: String? = nil) {
        self.status = status
        self.message = message
        self.payload = payload
        self.servedBy = servedBy
    }

    public static func error(_ status: ReelStatus, _ message: String) -> BusResult {
        BusResult(status: status, message: message)
    }
}

/// One raw HTTP route of a plugin (ABI 1.2), copied out of its descriptor.
public struct HTTPRouteInfo: Sendable {
    public let index: UInt32
    public let httpMethod: String
    public let pattern: RoutePattern
    public let access: Access
    /// 0 means the host's default limit.
    public let maxBodyBytes: UInt64
    /// ABI 1.3: the host speaks the Connect streaming protocol for it
    /// (REEL_HTTP_ROUTE_CONNECT_STREAM); the method it serves.
    public var connectMethod: MethodInfo? = nil
}
