/// Why a plugin file was refused. The host logs it and keeps running.
public enum PluginLoadError: Error, CustomStringConvertible, Sendable {
    case unreadable(String)
    case notLoadable(String)
    case missingSymbol(String)
    case badMagic(UInt32)
    case abiMajorMismatch(host: UInt32, plugin: UInt32, pluginMinor: UInt32)
    case abiMinorNewer(host: UInt32, plugin: UInt32)
    case descriptorTooSmall(host: Int, plugin: Int)
    case invalidDescriptor(String)
    case initFailed(Int32)
    case conflict(String)
    case filteredOut(String)

    public var description: String {
        switch self {
        case .unreadable(let why): "cannot read the file: \(why)"
        case .notLoadable(let why): "dlopen failed: \(why)"
        case .missingSymbol(let symbol): "it does not export \(symbol)(); is it a Reel plugin?"
        case .badMagic(let value): "bad magic 0x\(String(value, radix: 16)) (expected 0x5245454c, \"REEL\"); not built against reel_plugin.h"
        case .abiMajorMismatch(let host, let plugin, let minor):
            "ABI major mismatch: host has ABI \(host).\(REEL_ABI_MINOR_VALUE), plugin was built for ABI \(plugin).\(minor); rebuild it against this host's reel_plugin.h"
        case .abiMinorNewer(let host, let plugin):
            "plugin needs ABI 1.\(plugin) but this host only has 1.\(host); upgrade the host"
        case .descriptorTooSmall(let host, let plugin): "descriptor of \(plugin) bytes is smaller than ABI 1.0's \(host)"
        case .invalidDescriptor(let why): "invalid descriptor: \(why)"
        case .initFailed(let code): "its init() refused to start (returned \(code))"
        case .conflict(let why): "conflict with a loaded plugin: \(why)"
        case .filteredOut(let name): "plugin '\(name)' is not in REEL_PLUGINS"
        }
    }
}
