import Foundation

/// Every request between its headers and libmicrohttpd's "completed"
/// callback, so a stop can answer the ones still waiting for a plugin.
///
/// libmicrohttpd aborts the process if the daemon stops while a connection
/// is suspended, and a suspended connection never times out on its own. So
/// a stop first `close`s: from then on no request suspends (it is answered
/// 503 at once), and every request already suspended is answered 503 and
/// resumed — under the request's own lock, so none slips between the two.
final class LiveRequests: @unchecked Sendable {
    private let lock = NSLock()
    private var live: [ObjectIdentifier: RequestContext] = [:]
    private var closedResponse: (@Sendable (RequestContext) -> HTTPResponse)?

    var count: Int { lock.withLock { live.count } }

    func add(_ context: RequestContext) { lock.withLock { live[ObjectIdentifier(context)] = context } }
    func remove(_ context: RequestContext) { lock.withLock { live[ObjectIdentifier(context)] = nil } }

    /// The answer for a request that would suspend now, or nil while open.
    func refusalIfClosed(_ context: RequestContext) -> HTTPResponse? {
        lock.withLock { closedResponse }?(context)
    }

    /// No request suspends from now on; every live one without an answer
    /// gets `response` (and is resumed if suspended). Returns how many.
    @discardableResult
    func close(answering response: @escaping @Sendable (RequestContext) -> HTTPResponse) -> Int {
        let waiting: [RequestContext] = lock.withLock {
            closedResponse = response
            return Array(live.values)
        }
        var answered = 0
        for context in waiting where context.completeIfUnanswered(response(context)) { answered += 1 }
        return answered
    }
}
