import Foundation
import ReelPluginKit
import ReelPostgres
import ReelStorage

/// Serves stream files on the media routes (see MediaRoutes): checks access,
/// then answers from storage. Local disk: the file descriptor goes to the
/// host, which sends it with sendfile (zero copy), opened on the I/O thread
/// (a few system calls; no database on the way unless the access cache
/// misses). S3: proxied (ranges read from S3) or, for media files,
/// redirected to a presigned URL (REEL_MEDIA_S3_DELIVERY).
final class MediaDelivery: Sendable {
    let signer: MediaSigner
    let cache: MediaAccessCache
    let storage: any ObjectStorage
    let local: LocalDiskStorage?
    let database: PostgresClient
    let settings: MediaSettings
    let host: PluginHost

    init(signer: MediaSigner, storage: any ObjectStorage, database: PostgresClient, settings: MediaSettings, host: PluginHost) {
        self.signer = signer
        self.cache = MediaAccessCache(ttlSeconds: settings.accessCacheSeconds)
        self.storage = storage
        self.local = storage as? LocalDiskStorage
        self.database = database
        self.settings = settings
        self.host = host
    }

    /// GET/HEAD on a media route; `signed` for /media/s/{expires}/{signature}/….
    func serve(_ head: HTTPRequestHead, _ responder: HTTPResponder, signed: Bool) -> HTTPBodyReceiver? {
        let reply = MediaReply(responder: responder, head: head)
        guard let file = MediaFile(videoId: head.parameter("id") ?? "", path: head.parameter("path") ?? "") else {
            reply.error(.notFound, "no such media file")
            return nil
        }
        if signed {
            let now = Self.now()
            // Only the canonical spelling of the expiry (no "+", no leading zeros): one URL per signature.
            guard let text = head.parameter("expires"), let expires = Int64(text), String(expires) == text,
                  let signature = head.parameter("signature") else {
                reply.error(.permissionDenied, "the media URL's signature is not valid")
                return nil
            }
            switch signer.verify(videoId: file.videoId, expires: expires, signature: signature, now: now) {
            case .valid: return deliver(file, reply, grant: .signed(until: expires))
            case .expired: reply.error(.permissionDenied, "the signed media URL has expired")
            case .invalid: reply.error(.permissionDenied, "the media URL's signature is not valid")
            }
            return nil
        }
        if let access = cache.lookup(file.videoId) {
            return refused(access, reply) ? nil : deliver(file, reply, grant: .open)
        }
        return AfterBody { _ in
            guard let access = await self.access(of: file.videoId, reply), !self.refused(access, reply) else { return }
            await self.deliverLater(file, reply, grant: .open)
        }
    }

    /// Answers 403 or 404 unless the video is open to everyone.
    private func refused(_ access: MediaAccessCache.Access, _ reply: MediaReply) -> Bool {
        switch access {
        case .open: return false
        case .restricted: reply.error(.permissionDenied, "this video's media needs a signed URL")
        case .missing: reply.error(.notFound, "no such media file")
        }
        return true
    }

    /// Reads (and remembers) who may fetch the video's media; nil after
    /// answering an error.
    private func access(of videoId: String, _ reply: MediaReply) async -> MediaAccessCache.Access? {
        let epoch = cache.beginLoad()
        do {
            let row = try await database.withConnection { c in try VideoStore.accessInfo(c, videoId) }
            let access = MediaAccessCache.Access(row)
            cache.store(videoId, access, loadedAt: epoch)
            return access
        } catch {
            host.log(.error, "media access check of video \(videoId) failed (request \(reply.requestId)): \(error)")
            reply.error(.unavailable, "the media access check failed; try again")
            return nil
        }
    }

    private func deliver(_ file: MediaFile, _ reply: MediaReply, grant: MediaCachePolicy.Grant) -> HTTPBodyReceiver? {
        if let local {
            deliverLocal(local, file, reply, grant: grant)
            return nil
        }
        return AfterBody { _ in await self.deliverRemote(file, reply, grant: grant) }
    }

    /// The same, from a task (after an access check that needed the database).
    private func deliverLater(_ file: MediaFile, _ reply: MediaReply, grant: MediaCachePolicy.Grant) async {
        if let local {
            deliverLocal(local, file, reply, grant: grant)
        } else {
            await deliverRemote(file, reply, grant: grant)
        }
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// The headers every successful (or 304) answer carries.
    func headers(_ file: MediaFile, _ validators: Validators, growing: Bool, grant: MediaCachePolicy.Grant) -> [(String, String)] {
        var headers: [(String, String)] = []
        headers.reserveCapacity(8) // room for Last-Modified and Content-Range / Content-Length: no regrowth
        headers.append(("Content-Type", file.kind.contentType))
        headers.append(("Cache-Control", MediaCachePolicy.header(kind: file.kind, growing: growing, grant: grant, now: Self.now())))
        headers.append(("ETag", validators.etag))
        headers.append(("Accept-Ranges", "bytes"))
        headers.append(("X-Content-Type-Options", "nosniff"))
        if let lastModified = validators.lastModifiedHeader { headers.append(("Last-Modified", lastModified)) }
        return headers
    }

    /// What a GET (or HEAD) gets: 304, the whole file, one range, or 416.
    enum Answer: Equatable {
        case notModified
        case full
        case partial(offset: Int64, length: Int64)
        case unsatisfiable
    }

    static func answer(for head: HTTPRequestHead, size: Int64, validators: Validators) -> Answer {
        if validators.notModified(ifNoneMatch: head.header("if-none-match"), ifModifiedSince: head.header("if-modified-since")) {
            return .notModified
        }
        // Range is defined for GET only (RFC 9110 §14.2); HEAD ignores it.
        guard head.methodIs("GET"), let range = head.header("range"),
              validators.rangeAllowed(ifRange: head.header("if-range")) else { return .full }
        switch RangeRequest.evaluate(range, size: size) {
        case .full: return .full
        case .partial(let offset, let length): return .partial(offset: offset, length: length)
        case .unsatisfiable: return .unsatisfiable
        }
    }
}

/// Media settings from the host's configuration (read with VideoConfig).
struct MediaSettings: Sendable, Equatable {
    enum S3Delivery: String, Sendable { case proxy, redirect }
    /// How long signed URLs live: REEL_MEDIA_URL_TTL_SECONDS, 3600 (plus the
    /// video's duration, so that one started at the last moment can finish).
    var urlTTLSeconds = 3600
    /// REEL_MEDIA_ACCESS_CACHE_SECONDS, 10 (0: ask the database every time).
    var accessCacheSeconds = 10
    /// REEL_MEDIA_S3_DELIVERY: `proxy` (default) or `redirect`.
    var s3Delivery = S3Delivery.proxy
    /// REEL_MEDIA_S3_PRESIGN_SECONDS, 3600: lifetime of the redirects' presigned URLs.
    var presignSeconds = 3600
}

/// Error and plain answers of a media request.
struct MediaReply: Sendable {
    let responder: HTTPResponder
    let head: HTTPRequestHead
    var requestId: String { responder.requestId }

    func error(_ error: HTTPError, _ message: String, _ headers: [(String, String)] = []) {
        responder.replyError(error, message: message, headers: [("Cache-Control", "no-store")] + headers)
    }
}
