import Foundation

/// Blocks the calling thread until SIGTERM or SIGINT arrives.
enum SignalWaiter {
    static func waitForTermination() {
        let done = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "reel.signals")
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { done.signal() }
            source.resume()
            sources.append(source)
        }
        done.wait()
        withExtendedLifetime(sources) {}
    }
}
