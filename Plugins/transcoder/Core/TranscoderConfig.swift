import Foundation
import ReelPluginKit

/// The transcoder's settings, read once at start through `host.config`.
public struct TranscoderConfig: Sendable, Equatable {
    /// Whether this host works jobs (`REEL_TRANSCODER_WORKER`, on). Off: the
    /// plugin only queues jobs and reports results (an API-only host).
    public var runsJobs = true
    /// Jobs this host runs at once: `REEL_TRANSCODER_MAX_JOBS`, 1.
    public var maxJobs = 1
    /// Cores' worth of encoding per job (each rendition on its own thread, libx264 threads by area):
    /// `REEL_TRANSCODER_THREADS`, the number of cores.
    public var threadsPerJob = ProcessInfo.processInfo.activeProcessorCount
    /// libx264 preset: `REEL_TRANSCODER_PRESET`, veryfast.
    public var preset = "veryfast"
    /// A worker that stops renewing its lease for this long is presumed dead
    /// and its job is taken over: `REEL_TRANSCODER_LEASE_SECONDS`, 30.
    public var leaseSeconds = 30
    /// Attempts before a job fails for good: `REEL_TRANSCODER_MAX_ATTEMPTS`, 3.
    public var maxAttempts = 3
    /// First retry delay, quadrupled each time (capped at an hour):
    /// `REEL_TRANSCODER_RETRY_SECONDS`, 10.
    public var retryBaseSeconds = 10
    /// Polling interval besides LISTEN/NOTIFY (retries coming due, expired
    /// leases): `REEL_TRANSCODER_POLL_SECONDS`, 5.
    public var pollSeconds = 5
    /// An attempt whose progress does not move for this long is stopped and
    /// retried: `REEL_TRANSCODER_STALL_SECONDS`, 600.
    public var stallSeconds = 600
    /// Scratch space for sources and outputs being made:
    /// `REEL_TRANSCODER_WORK_DIR`, `$REEL_DATA_DIR/transcode`.
    public var workDirectory: String
    /// The name this host's leases carry: `REEL_TRANSCODER_WORKER_NAME`, host name and pid.
    public var workerName: String

    public init(workDirectory: String, workerName: String) {
        self.workDirectory = workDirectory
        self.workerName = workerName
    }

    /// Reads every key; a number that is not positive is refused.
    public init(_ lookup: (String) -> String?) throws(PluginError) {
        let dataDir = lookup("REEL_DATA_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? "./.reel"
        let defaultName = ProcessInfo.processInfo.hostName + ":" + String(ProcessInfo.processInfo.processIdentifier)
        self.init(workDirectory: lookup("REEL_TRANSCODER_WORK_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? dataDir + "/transcode",
                  workerName: lookup("REEL_TRANSCODER_WORKER_NAME").flatMap { $0.isEmpty ? nil : $0 } ?? defaultName)
        func positive(_ key: String, _ fallback: Int) throws(PluginError) -> Int {
            try PluginConfig.positive(key, default: fallback, from: lookup)
        }
        switch lookup("REEL_TRANSCODER_WORKER")?.lowercased() {
        case nil, "", "1", "on", "true", "yes": runsJobs = true
        case "0", "off", "false", "no": runsJobs = false
        case let other?: throw .failedPrecondition("REEL_TRANSCODER_WORKER must be on or off, not \(other.debugDescription)")
        }
        maxJobs = try positive("REEL_TRANSCODER_MAX_JOBS", maxJobs)
        threadsPerJob = try positive("REEL_TRANSCODER_THREADS", threadsPerJob)
        leaseSeconds = try positive("REEL_TRANSCODER_LEASE_SECONDS", leaseSeconds)
        maxAttempts = try positive("REEL_TRANSCODER_MAX_ATTEMPTS", maxAttempts)
        retryBaseSeconds = try positive("REEL_TRANSCODER_RETRY_SECONDS", retryBaseSeconds)
        pollSeconds = try positive("REEL_TRANSCODER_POLL_SECONDS", pollSeconds)
        stallSeconds = try positive("REEL_TRANSCODER_STALL_SECONDS", stallSeconds)
        if let preset = lookup("REEL_TRANSCODER_PRESET"), !preset.isEmpty {
            let known = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
            guard known.contains(preset) else {
                throw .failedPrecondition("REEL_TRANSCODER_PRESET must be one of \(known.joined(separator: ", "))")
            }
            self.preset = preset
        }
        guard leaseSeconds >= 3 else { throw .failedPrecondition("REEL_TRANSCODER_LEASE_SECONDS must be at least 3") }
    }

    /// How often a running attempt renews its lease: well inside it.
    var heartbeatSeconds: Double { max(1, Double(leaseSeconds) / 3) }

    /// The delay before attempt `attempt + 1` after attempt `attempt` failed.
    func retryDelay(afterAttempt attempt: Int) -> Int {
        let factor = 1 << (2 * min(max(attempt - 1, 0), 10))
        return min(retryBaseSeconds * factor, 3600)
    }
}
