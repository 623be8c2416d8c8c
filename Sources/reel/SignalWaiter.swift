import Foundation

/// Waits for SIGTERM or SIGINT on the main thread.
///
/// The two signals are blocked before the host starts any thread, so every
/// thread inherits the mask and a signal stays pending until `sigwait` takes
/// it. (A dispatch signal source with the signals ignored lost a SIGTERM that
/// came while libdispatch was still registering it: the host went on
/// running and was killed after its grace period.)
enum SignalWaiter {
    private static var terminationSignals: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    /// Call first, before anything starts a thread.
    static func blockTermination() {
        var set = terminationSignals
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks the calling thread until SIGTERM or SIGINT is pending.
    static func waitForTermination() {
        var set = terminationSignals
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
    }
}
