import ReelConcurrency
import CLibAV

/// libav's own logging (to stderr by default). ReelMedia silences it: every
/// failure it cares about comes back as a typed error, and uploads are
/// untrusted, so decoder complaints about them are noise in a server's log.
/// The level is process-wide (one libav per process), not per plugin; a
/// level set here before the first probe is kept.
public enum LibAVLog {
    public enum Level: Sendable {
        case quiet, error, warning, info, debug

        var rawValue: Int32 {
            switch self {
            case .quiet: AV_LOG_QUIET
            case .error: AV_LOG_ERROR
            case .warning: AV_LOG_WARNING
            case .info: AV_LOG_INFO
            case .debug: AV_LOG_DEBUG
            }
        }
    }

    private static let configured = LockedBox(false)

    /// Sets libav's log level for the whole process (av_log_set_level; no
    /// callback is installed, so nothing points into this image).
    public static func setLevel(_ level: Level) {
        configured.withLock { configured in
            configured = true
            av_log_set_level(level.rawValue)
        }
    }

    /// Applies the default (`.quiet`) once, unless `setLevel` came first.
    static func applyDefault() {
        configured.withLock { configured in
            guard !configured else { return }
            configured = true
            av_log_set_level(Level.quiet.rawValue)
        }
    }
}
