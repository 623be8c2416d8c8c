import CReelABI
import Foundation

/// One loaded version of one plugin. Calls enter and leave it; once it is
/// replaced (draining) and its last call has left, it is retired: shutdown()
/// runs, and the library is unmapped only if the plugin declared itself
/// REEL_PLUGIN_UNLOADABLE.
public final class PluginGeneration: @unchecked Sendable {
    public let name: String
    public let version: String
    public let summary: String
    public let number: Int
    public let sha256: String
    public let file: String
    public let methods: [MethodInfo]
    public let routes: [RouteInfo]
    public let subscriptions: [String]
    public let httpRoutes: [HTTPRouteInfo]
    public let unloadable: Bool
    /// "name/version#number" (the Reel-Plugin header of every raw-route answer: made once).
    public let label: String

    let library: LoadedLibrary
    let context: HostContext
    let eventQueue: DispatchQueue
    private(set) var state: UnsafeMutableRawPointer?

    private let lock = NSLock()
    private var inFlight = 0
    private var draining = false
    private var retired = false
    private var onRetire: (@Sendable (PluginGeneration) -> Void)?

    init(library: LoadedLibrary, number: Int, context: HostContext) {
        self.library = library
        self.name = library.name
        self.version = library.version
        self.summary = library.summary
        self.number = number
        self.sha256 = library.sha256
        self.file = library.sourceFile
        self.methods = library.methods
        self.routes = library.routes
        self.subscriptions = library.subscriptions
        self.httpRoutes = library.httpRoutes
        self.unloadable = library.unloadable
        self.label = "\(library.name)/\(library.version)#\(number)"
        self.context = context
        self.eventQueue = DispatchQueue(label: "reel.plugin.\(library.name).\(number).events")
    }

    var descriptor: UnsafePointer<reel_plugin_descriptor> { library.descriptor }

    /// The plugin's http_stream_closed (ABI 1.3; never read from an older plugin).
    var httpStreamClosed: (@convention(c) (UnsafeMutableRawPointer?, OpaquePointer?) -> Void)? {
        library.abiMinor >= 3 && Int(descriptor.pointee.struct_size) >= MemoryLayout<reel_plugin_descriptor>.size
            ? descriptor.pointee.http_stream_closed : nil
    }

    /// Runs the plugin's init; returns its non-zero result on refusal.
    func initialize(api: UnsafePointer<reel_host_api>) -> Int32 {
        var newState: UnsafeMutableRawPointer?
        guard let initFunction = descriptor.pointee.`init` else { return 0 }
        let result = initFunction(context.opaque, api, &newState)
        if result == 0 { state = newState }
        return result
    }

    /// Counts a call in; false once the generation is retired.
    func enter() -> Bool {
        lock.withLock {
            if retired { return false }
            inFlight += 1
            return true
        }
    }

    /// Counts a call out; retires the generation if it was the last one of a draining generation.
    func leave() {
        let retireNow: Bool = lock.withLock {
            inFlight -= 1
            return shouldRetire()
        }
        if retireNow { retire() }
    }

    /// Marks the generation replaced; it retires when its last call leaves.
    func drain(onRetire: @escaping @Sendable (PluginGeneration) -> Void) {
        // Its open streams (ABI 1.3) end, so clients reconnect to the new one.
        ResponseStreams.shared.endAll(owner: ObjectIdentifier(self))
        let retireNow: Bool = lock.withLock {
            draining = true
            self.onRetire = onRetire
            return shouldRetire()
        }
        if retireNow { retire() }
    }

    var inFlightCount: Int { lock.withLock { inFlight } }

    private func shouldRetire() -> Bool {
        if draining && inFlight == 0 && !retired {
            retired = true
            return true
        }
        return false
    }

    private func retire() {
        let callback = lock.withLock { onRetire }
        // Run shutdown after any queued events, off the caller's thread.
        eventQueue.async { [self] in
            if let shutdown = descriptor.pointee.shutdown { shutdown(state) }
            state = nil
            if unloadable { library.unload() }
            callback?(self)
        }
    }
}
