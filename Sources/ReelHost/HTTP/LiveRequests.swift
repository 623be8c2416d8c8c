import Foundation

/// Every request between its headers and libmicrohttpd's "completed"
/// callback, so a stop can answer the ones still waiting for a plugin.
///
/// libmicrohttpd aborts the process if the daemon stops while a connection
/// is suspended, and a suspended connection never times out on its own. So
/// a stop first `close`s: from then on no request suspends (it is answered
/// 503 at once), and every request already suspended is answered 503 and
/// resumed — under the request's own lock, so none slips between the two.
///
/// Every request passes here twice, from every I/O thread: the set is split
/// in stripes by the request's identity, each with its own lock, so the I/O
/// threads seldom wait for each other (one lock for all of them was the
/// most frequent reason an I/O thread slept with requests ready — and when
/// the thread holding it was preempted, the other waited a whole time slice).
/// A request's membership and its refusal check are in the same stripe, and
/// `close` closes each stripe under that stripe's lock before collecting it.
final class LiveRequests: @unchecked Sendable {
    private final class Stripe: @unchecked Sendable {
        let lock = NSLock()
        var live: [ObjectIdentifier: RequestContext] = [:]
        var closedResponse: (@Sendable (RequestContext) -> HTTPResponse)?
    }

    private static let stripeCount = 16
    private let stripes: [Stripe] = (0..<LiveRequests.stripeCount).map { _ in Stripe() }

    private func stripe(_ context: RequestContext) -> Stripe {
        // Objects are 16-byte aligned: the bits above the alignment spread them.
        let address = UInt(bitPattern: Unmanaged.passUnretained(context).toOpaque())
        return stripes[Int((address >> 4 ^ address >> 10) % UInt(Self.stripeCount))]
    }

    var count: Int { stripes.reduce(0) { total, stripe in total + stripe.lock.withLock { stripe.live.count } } }

    func add(_ context: RequestContext) {
        let stripe = stripe(context)
        stripe.lock.withLock { stripe.live[ObjectIdentifier(context)] = context }
    }

    func remove(_ context: RequestContext) {
        let stripe = stripe(context)
        stripe.lock.withLock { stripe.live[ObjectIdentifier(context)] = nil }
    }

    /// The answer for a request that would suspend now, or nil while open.
    func refusalIfClosed(_ context: RequestContext) -> HTTPResponse? {
        let stripe = stripe(context)
        return stripe.lock.withLock { stripe.closedResponse }?(context)
    }

    /// No request suspends from now on; every live one without an answer
    /// gets `response` (and is resumed if suspended). Returns how many.
    @discardableResult
    func close(answering response: @escaping @Sendable (RequestContext) -> HTTPResponse) -> Int {
        var waiting: [RequestContext] = []
        for stripe in stripes {
            stripe.lock.withLock {
                stripe.closedResponse = response
                waiting.append(contentsOf: stripe.live.values)
            }
        }
        var answered = 0
        for context in waiting where context.completeIfUnanswered(response(context)) { answered += 1 }
        return answered
    }
}
