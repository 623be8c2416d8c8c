
/// One call to a plugin method, copied out of the host's reel_request.
public struct PluginCall: Sendable {
    public let method: String
    public let payload: [UInt8]
    public let requestId: String
    /// "" when anonymous.
    public let callerUserId: String
    /// "", "viewer", "creator", "admin" or "internal".
    public let callerRole: String
    /// The outside client's IP address ("" over the bus or from an ABI 1.0 host).
    public let clientAddress: String

    public var isAdmin: Bool { callerRole == ReelRole.admin }
    public var isInternal: Bool { callerRole == ReelRole.internal }
}
