/// Which configuration keys a plugin may read with `config_get`:
///
/// - its own: `REEL_<NAME>_*`, the plugin's name upper-cased with `-` as `_`
///   (hello-c reads `REEL_HELLO_C_*`) — but not another plugin's whose
///   prefix is longer (hello does not read `REEL_HELLO_C_*`);
/// - the shared keys every plugin may read (`ConfigScope.sharedKeys` and
///   `sharedPrefixes`: where the data and the database are, the public URL,
///   the log level, where media is stored, upload and media policy) —
///   never a secret, see `isSecret`;
/// - what the operator grants it in `REEL_CONFIG_GRANTS` (`ConfigGrants`):
///   storage credentials, signing keys, another plugin's keys.
///
/// Everything else reads as unset (NULL).
public enum ConfigScope {
    public static let sharedKeys: Set<String> = [
        "REEL_DATABASE_URL", "REEL_DATA_DIR", "REEL_PLUGINS_DIR", "REEL_PUBLIC_URL",
        "REEL_HTTP_HOST", "REEL_HTTP_PORT", "REEL_LOG_LEVEL", "REEL_SAMPLE_VIDEO",
        "REEL_STORAGE", "REEL_MEDIA_DIR",
        "REEL_S3_ENDPOINT", "REEL_S3_REGION", "REEL_S3_BUCKET", "REEL_S3_PATH_STYLE", "REEL_S3_SPOOL_DIR",
        "REEL_MAX_UPLOAD_BYTES",
        // How long plugins that show people's names (video cards, comments)
        // cache them from the token authority's profiles.
        "REEL_DISPLAY_NAME_TTL_SECONDS",
    ]
    /// Media delivery and upload policy (`REEL_MEDIA_URL_TTL_SECONDS`, ...).
    public static let sharedPrefixes = ["REEL_MEDIA_", "REEL_UPLOAD_"]

    /// A name that holds a secret is never shared, whatever its prefix:
    /// `..._SECRET...`, `..._PASSWORD...`, `..._TOKEN...`, `..._KEY`.
    public static func isSecret(_ key: String) -> Bool {
        key.contains("SECRET") || key.contains("PASSWORD") || key.contains("TOKEN") || key.hasSuffix("_KEY")
    }

    /// `REEL_HELLO_C_` for the plugin hello-c.
    public static func ownPrefix(plugin: String) -> String {
        "REEL_" + plugin.uppercased().replacingOccurrences(of: "-", with: "_") + "_"
    }

    /// True if `plugin` may read `key`; `otherPlugins` are the names of the
    /// other plugins known to the host.
    public static func allows(plugin: String, key: String, grants: ConfigGrants, otherPlugins: [String] = []) -> Bool {
        let own = ownPrefix(plugin: plugin)
        if key.hasPrefix(own) {
            let longer = otherPlugins.map(ownPrefix(plugin:)).filter { $0.count > own.count && $0.hasPrefix(own) }
            if !longer.contains(where: { key.hasPrefix($0) }) { return true }
        }
        if grants.grants(plugin: plugin, key: key) { return true }
        if isSecret(key) { return false }
        return sharedKeys.contains(key) || sharedPrefixes.contains { key.hasPrefix($0) }
    }
}

/// `REEL_CONFIG_GRANTS`: the keys outside its own and the shared ones that
/// the operator lets a plugin read. Entries separated by spaces or `;`, each
/// `plugin:KEY,KEY,...`; a key ending in `*` is a prefix:
///
///     REEL_CONFIG_GRANTS="video:REEL_S3_*,REEL_MEDIA_SIGNING_KEY transcoder:REEL_S3_*"
public struct ConfigGrants: Sendable, Equatable {
    private var patterns: [String: [String]] = [:]

    public struct ParseError: Error, Equatable { public let reason: String }

    public init() {}

    public init(parsing text: String) throws(ParseError) {
        for entry in text.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\n" || $0 == "\t" }) {
            guard let colon = entry.firstIndex(of: ":") else {
                throw ParseError(reason: "'\(entry)' has no ':' between the plugin and its keys")
            }
            let plugin = String(entry[..<colon])
            let keys = entry[entry.index(after: colon)...].split(separator: ",").map(String.init)
            guard !plugin.isEmpty, !keys.isEmpty else { throw ParseError(reason: "'\(entry)' names no plugin or no key") }
            for key in keys {
                let stem = key.hasSuffix("*") ? key.dropLast() : Substring(key)
                guard stem.hasPrefix("REEL_"), !stem.contains("*"),
                      stem.utf8.allSatisfy({ ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
                    throw ParseError(reason: "'\(key)' is not a REEL_ key (upper case, digits, '_', an optional final '*')")
                }
            }
            patterns[plugin, default: []].append(contentsOf: keys)
        }
    }

    /// True if the operator granted `key` to `plugin`.
    public func grants(plugin: String, key: String) -> Bool {
        (patterns[plugin] ?? []).contains { pattern in
            pattern.hasSuffix("*") ? key.hasPrefix(pattern.dropLast()) : key == pattern
        }
    }
}
