import ReelConcurrency

/// The threads libav runs on, never Swift's cooperative pool.
enum MediaThreads {
    /// Probes read whole files and decode a frame: about one core each.
    static let probes = BlockingThreads(name: "reel-media", limit: 2, idleSeconds: 5)
}
