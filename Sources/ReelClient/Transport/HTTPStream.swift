import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A response read as it arrives: URLSession's data delegate (which streams
/// incrementally with FoundationNetworking on Linux as on Apple platforms)
/// turned into an `AsyncStream` of events. One URLSession per stream, so the
/// delegate sees only its own task; it is invalidated when the stream ends.
struct HTTPStream: Sendable {
    enum Event: Sendable {
        case response(status: Int, headers: [String: String])   // lower-cased names
        case data(Data)
        case finished(error: String?)
    }

    let events: AsyncStream<Event>
    private let task: TaskBox

    /// Starts the request; the events end with `.finished`.
    static func open(_ request: URLRequest) -> HTTPStream {
        let (events, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .unbounded)
        let delegate = Delegate(continuation: continuation)
        let session = URLSession(configuration: .default, delegate: delegate, delegateQueue: nil)
        let task = session.dataTask(with: request)
        let box = TaskBox(task: task, session: session)
        continuation.onTermination = { _ in box.cancel() }
        task.resume()
        return HTTPStream(events: events, task: box)
    }

    /// Stops the request (the connection is closed).
    func cancel() { task.cancel() }

    /// URLSession's task and session are thread-safe; the box only carries them.
    private final class TaskBox: @unchecked Sendable {
        let task: URLSessionDataTask
        let session: URLSession
        init(task: URLSessionDataTask, session: URLSession) { self.task = task; self.session = session }
        func cancel() {
            task.cancel()
            session.invalidateAndCancel()
        }
    }

    private final class Delegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let continuation: AsyncStream<Event>.Continuation
        private let lock = NSLock()
        private var answered = false
        init(continuation: AsyncStream<Event>.Continuation) { self.continuation = continuation }

        /// Yields the status line once, from whichever callback sees it first.
        private func answer(_ response: URLResponse?) {
            guard let http = response as? HTTPURLResponse else { return }
            let first: Bool = lock.withLock {
                defer { answered = true }
                return !answered
            }
            guard first else { return }
            var headers: [String: String] = [:]
            for (key, value) in http.allHeaderFields {
                if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
            }
            continuation.yield(.response(status: http.statusCode, headers: headers))
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
            answer(response)
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            answer(dataTask.response)
            continuation.yield(.data(data))
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
            answer(task.response)
            continuation.yield(.finished(error: error?.localizedDescription))
            continuation.finish()
            session.finishTasksAndInvalidate()
        }
    }
}
