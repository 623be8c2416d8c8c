import ReelConcurrency

/// Blocking file-system work (fsync, unlink, directory scans) on threads of
/// its own, never on Swift's cooperative pool or the host's HTTP threads.
enum BlockingIO {
    private static let threads = BlockingThreads(name: "reel-video-files", limit: 4)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threads.run(body)
    }

    /// The same for work that cannot fail.
    static func perform<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            threads.submit { continuation.resume(returning: body()) }
        }
    }
}
