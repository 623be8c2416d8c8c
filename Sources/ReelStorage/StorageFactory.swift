import Foundation

/// Builds the configured storage. Plugins pass their host's `config_get`
/// as `lookup` (not `ProcessInfo`), so configuration comes from one place.
///
/// | variable | default | meaning |
/// | --- | --- | --- |
/// | `REEL_STORAGE` | `local` | `local` or `s3` |
/// | `REEL_MEDIA_DIR` | `$REEL_DATA_DIR/media` | local disk: the root folder |
/// | `REEL_DATA_DIR` | `./.reel` | as for the host |
/// | `REEL_S3_ENDPOINT` | `https://s3.<region>.amazonaws.com` | `scheme://host[:port]` |
/// | `REEL_S3_REGION` | `us-east-1` | signing region |
/// | `REEL_S3_BUCKET` | (required) | bucket name |
/// | `REEL_S3_ACCESS_KEY`, `REEL_S3_SECRET_KEY` | (required) | credentials |
/// | `REEL_S3_PATH_STYLE` | `true` | `false`: `bucket.host` URLs |
/// | `REEL_S3_SPOOL_DIR` | `$REEL_DATA_DIR/tmp` | where `ObjectWriter` spools uploads |
public enum StorageFactory {
    public static func fromEnvironment(_ lookup: (String) -> String?) throws -> any ObjectStorage {
        func value(_ name: String) -> String? {
            guard let text = lookup(name)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        let dataDir = value("REEL_DATA_DIR") ?? "./.reel"
        switch value("REEL_STORAGE")?.lowercased() ?? "local" {
        case "local":
            let root = value("REEL_MEDIA_DIR") ?? dataDir + "/media"
            return try LocalDiskStorage(root: URL(fileURLWithPath: root))
        case "s3":
            let region = value("REEL_S3_REGION") ?? "us-east-1"
            let endpointText = value("REEL_S3_ENDPOINT") ?? "https://s3.\(region).amazonaws.com"
            guard let endpoint = URL(string: endpointText) else {
                throw StorageError.configuration("REEL_S3_ENDPOINT is not a URL: \(endpointText)")
            }
            func required(_ name: String) throws -> String {
                guard let text = value(name) else { throw StorageError.configuration("\(name) is required when REEL_STORAGE=s3") }
                return text
            }
            let pathStyle: Bool
            switch value("REEL_S3_PATH_STYLE")?.lowercased() ?? "true" {
            case "true", "1", "yes": pathStyle = true
            case "false", "0", "no": pathStyle = false
            case let other: throw StorageError.configuration("REEL_S3_PATH_STYLE must be true or false, not \(other)")
            }
            let spool = value("REEL_S3_SPOOL_DIR") ?? dataDir + "/tmp"
            try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
            return try S3Storage(
                endpoint: endpoint, region: region, bucket: required("REEL_S3_BUCKET"),
                accessKey: required("REEL_S3_ACCESS_KEY"), secretKey: required("REEL_S3_SECRET_KEY"),
                pathStyle: pathStyle, spoolDirectory: URL(fileURLWithPath: spool))
        case let other:
            throw StorageError.configuration("REEL_STORAGE must be local or s3, not \(other)")
        }
    }
}
