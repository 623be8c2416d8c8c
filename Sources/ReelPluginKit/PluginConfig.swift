import Foundation

/// Reads a plugin's numeric settings (through `host.config` or any lookup).
/// A value that is set but not a positive number refuses the plugin: a typo
/// must not silently turn a limit off.
public enum PluginConfig {
    public static func positive(_ key: String, default fallback: Int64,
                                from lookup: (String) -> String?) throws(PluginError) -> Int64 {
        guard let text = lookup(key) else { return fallback }
        guard let value = Int64(text.trimmingCharacters(in: .whitespaces)), value > 0 else {
            throw .failedPrecondition("\(key) must be a positive number, not \(text.debugDescription)")
        }
        return value
    }

    public static func positive(_ key: String, default fallback: Int,
                                from lookup: (String) -> String?) throws(PluginError) -> Int {
        Int(try positive(key, default: Int64(fallback), from: lookup))
    }
}
