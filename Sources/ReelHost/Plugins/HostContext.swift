import CReelABI
import Foundation
import Logging

/// What a plugin's `reel_host *` points to: one per generation. Its
/// Unmanaged reference is never released, so even a misbehaving plugin that
/// calls the host after shutdown finds a valid object (and is told off).
final class HostContext: @unchecked Sendable {
    let pluginName: String
    let pluginVersion: String
    let generationNumber: Int
    let bus: Bus
    let logger: Logger
    private let environment: [String: String]
    private let grants: ConfigGrants
    /// The names of the plugins the host knows, for config scoping.
    private let pluginNames: @Sendable () -> [String]
    private let lock = NSLock()
    private var configStrings: [String: UnsafeMutablePointer<CChar>] = [:]
    private var refusedKeys: Set<String> = []
    private weak var _generation: PluginGeneration?

    init(pluginName: String, pluginVersion: String, generationNumber: Int, environment: [String: String],
         grants: ConfigGrants = ConfigGrants(), pluginNames: @escaping @Sendable () -> [String] = { [] }, bus: Bus) {
        self.grants = grants
        self.pluginNames = pluginNames
        self.pluginName = pluginName
        self.pluginVersion = pluginVersion
        self.generationNumber = generationNumber
        self.environment = environment
        self.bus = bus
        var logger = Logger(label: "reel.plugin.\(pluginName)")
        logger[metadataKey: "plugin"] = "\(pluginName)/\(pluginVersion)#\(generationNumber)"
        self.logger = logger
    }

    /// The pointer handed to the plugin as `reel_host *` (retained forever).
    lazy var opaque: OpaquePointer = OpaquePointer(Unmanaged.passRetained(self).toOpaque())

    static func from(_ host: OpaquePointer?) -> HostContext? {
        guard let host else { return nil }
        return Unmanaged<HostContext>.fromOpaque(UnsafeRawPointer(host)).takeUnretainedValue()
    }

    var generation: PluginGeneration? {
        get { lock.withLock { _generation } }
        set { lock.withLock { _generation = newValue } }
    }

    /// A host-owned C string for a configuration key, kept for the life of
    /// the process (so it outlives the generation, as the header promises);
    /// NULL for a key outside the plugin's scope (ConfigScope).
    func configValue(_ key: String) -> UnsafePointer<CChar>? {
        let others = pluginNames().filter { $0 != pluginName }
        guard ConfigScope.allows(plugin: pluginName, key: key, grants: grants, otherPlugins: others) else {
            let firstAsk = lock.withLock { refusedKeys.insert(key).inserted }
            if firstAsk && environment[key] != nil {
                logger.warning("config_get: \(key) is set but not granted to this plugin (REEL_CONFIG_GRANTS); it reads as unset")
            }
            return nil
        }
        return lock.withLock {
            if let cached = configStrings[key] { return UnsafePointer(cached) }
            guard let value = environment[key], let copy = strdup(value) else { return nil }
            configStrings[key] = copy
            return UnsafePointer(copy)
        }
    }
}
