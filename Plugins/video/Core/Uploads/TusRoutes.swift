import Foundation
import ReelPluginKit

/// The tus routes under /api/v1/uploads (raw HTTP, ABI 1.2). Each `begin`
/// runs on a host I/O thread: it checks headers and local files only, and
/// leaves database work to an `AfterBody` task.
enum TusRoutes {
    static let collection = "/api/v1/uploads"
    static let item = "/api/v1/uploads/{id}"
    /// PATCH bodies are bounded by the upload's own length (itself at most
    /// REEL_MAX_UPLOAD_BYTES), not by the host's body limit.
    static let unboundedBody: UInt64 = 1 << 50

    static let all: [HTTPRoute<VideoService>] = [
        HTTPRoute("OPTIONS", collection, access: .public) { service, head, responder in
            service.tusOptions(TusReply(responder: responder, requestId: head.requestId))
            return nil
        },
        HTTPRoute("POST", collection, access: .creator) { service, head, responder in
            service.tusCreate(head, TusReply(responder: responder, requestId: head.requestId))
        },
        HTTPRoute("HEAD", item, access: .creator) { service, head, responder in
            service.tusHead(head, TusReply(responder: responder, requestId: head.requestId))
        },
        HTTPRoute("PATCH", item, access: .creator, maxBodyBytes: unboundedBody) { service, head, responder in
            service.tusPatch(head, TusReply(responder: responder, requestId: head.requestId))
        },
        HTTPRoute("DELETE", item, access: .creator) { service, head, responder in
            service.tusTerminate(head, TusReply(responder: responder, requestId: head.requestId))
        },
    ]
}

/// Ignores a request body, then runs `action` off the I/O thread.
final class AfterBody: HTTPBodyReceiver {
    private let action: @Sendable (_ aborted: Bool) async -> Void

    init(_ action: @escaping @Sendable (_ aborted: Bool) async -> Void) { self.action = action }

    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool { false }

    func finish(aborted: Bool) {
        let action = self.action
        Task { await action(aborted) }
    }
}

extension HTTPRequestHead {
    var caller: Caller { Caller(userId: callerUserId, role: callerRole) }

    var speaksTus: Bool { header("tus-resumable")?.trimmingCharacters(in: .whitespaces) == Tus.version }

    /// The upload id of /api/v1/uploads/{id}, canonical; nil if it is not one.
    var uploadID: String? { parameter("id").flatMap(UUIDs.canonical) }
}
