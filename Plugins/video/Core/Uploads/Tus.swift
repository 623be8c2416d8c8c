import Foundation
import ReelConcurrency
import ReelPluginKit

/// Answers of the upload routes: every one carries Tus-Resumable, errors
/// the web API's JSON shape {"error": {"code", "message"}}.
struct TusReply: Sendable {
    let responder: HTTPResponder
    let requestId: String
    /// Runs once, just before the answer goes out.
    private var beforeAnswer: (@Sendable () -> Void)?

    init(responder: HTTPResponder, requestId: String) {
        self.responder = responder
        self.requestId = requestId
    }

    /// The same replies, closing `fd` (and so releasing the upload's lock)
    /// right before the answer: a client that sends its next PATCH as soon
    /// as it reads this answer must find the upload free.
    func closing(_ fd: Int32) -> TusReply {
        let open = LockedBox<Int32?>(fd)
        var copy = self
        copy.beforeAnswer = {
            if let fd = open.withLock({ value in defer { value = nil }; return value }) { close(fd) }
        }
        return copy
    }

    func send(_ status: Int, _ headers: [(String, String)] = []) {
        beforeAnswer?()
        responder.reply(status: status, headers: [("Tus-Resumable", Tus.version)] + headers)
    }

    /// {"error": {"code", "message", "requestId"}}, as the host's own errors.
    func error(_ error: HTTPError, _ message: String, _ headers: [(String, String)] = []) {
        let body = ErrorBody.json(for: error, message: message, requestId: requestId)
        beforeAnswer?()
        responder.reply(status: error.httpStatus, headers: [("Content-Type", "application/json"), ("Tus-Resumable", Tus.version),
                                                  ("Cache-Control", "no-store")] + headers, body: body)
    }

    func versionMismatch() {
        error(.preconditionFailed, "this server speaks tus \(Tus.version): send Tus-Resumable: \(Tus.version)",
              [("Tus-Version", Tus.version)])
    }

    func notFound() { error(.notFound, "no such upload") }
    func gone() { error(.gone, "the upload expired") }
    func locked() { error(.locked, "another request is writing this upload; retry when it is done") }
    func internalError() { error(.internal, "internal error (request \(requestId))") }
}
