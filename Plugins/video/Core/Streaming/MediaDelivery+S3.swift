import Crypto
import Foundation
import ReelStorage

extension MediaDelivery {
    /// Remote storage (S3). Playlists and manifests are always proxied: they
    /// are small, and their relative URLs must resolve against Reel's URL
    /// (under the same signed prefix), not against a presigned S3 URL whose
    /// query string would not carry over. Media files are proxied too, or
    /// with REEL_MEDIA_S3_DELIVERY=redirect answered with 302 to a presigned
    /// URL, so that the bytes go from S3 to the viewer directly.
    func deliverRemote(_ file: MediaFile, _ reply: MediaReply, grant: MediaCachePolicy.Grant) async {
        do {
            if settings.s3Delivery == .redirect && file.kind.isImmutable {
                return try redirect(file, reply)
            }
            try await proxy(file, reply, grant: grant)
        } catch StorageError.notFound {
            reply.error(.notFound, "no such media file")
        } catch {
            host.log(.error, "media file \(file.key) could not be read from storage (request \(reply.requestId)): \(error)")
            reply.error(.badGateway, "the media storage did not answer")
        }
    }

    /// 302 to a presigned GET. The signing time is rounded down to 5 minutes
    /// so the same file gets the same URL for a while (browser caches).
    private func redirect(_ file: MediaFile, _ reply: MediaReply) throws {
        let window: Int64 = 300
        let signedAt = Self.now() / window * window
        let url: URL?
        if let s3 = storage as? S3Storage {
            url = try s3.presignedURL(for: file.key, expires: .seconds(settings.presignSeconds),
                                      now: Date(timeIntervalSince1970: TimeInterval(signedAt)))
        } else {
            url = try storage.presignedURL(for: file.key, expires: .seconds(settings.presignSeconds))
        }
        guard let url else { throw StorageError.configuration("the storage cannot presign URLs") }
        reply.responder.reply(status: 302, headers: [("Location", url.absoluteString), ("Cache-Control", "private, max-age=60")])
    }

    /// Reads the file (or its range) from storage and answers it from memory.
    /// Validators: playlists are read whole (they are small) and tagged by
    /// their content; media files never change under their attempt's prefix,
    /// so their tag is their key and size.
    private func proxy(_ file: MediaFile, _ reply: MediaReply, grant: MediaCachePolicy.Grant) async throws {
        var body: Data?
        let size: Int64
        let validators: Validators
        var growing = false
        if file.kind.isPlaylist {
            let data = try await storage.get(key: file.key)
            body = data
            size = Int64(data.count)
            validators = Validators(etag: "\"" + Self.hex(SHA256.hash(data: data).prefix(16)) + "\"", lastModified: nil)
            growing = file.kind == .mediaPlaylist && !Self.endsList(data)
        } else {
            guard let length = try await storage.size(key: file.key) else { throw StorageError.notFound(key: file.key) }
            size = length
            let keyHash = Self.hex(SHA256.hash(data: Data(file.key.utf8)).prefix(8))
            validators = Validators(etag: "\"s3-" + String(size, radix: 16) + "-" + keyHash + "\"", lastModified: nil)
        }
        var headers = headers(file, validators, growing: growing, grant: grant)
        switch Self.answer(for: reply.head, size: size, validators: validators) {
        case .notModified:
            reply.responder.reply(status: 304, headers: headers + [("Content-Length", String(size))])
        case .full:
            let data: Data
            if let body { data = body } else { data = try await storage.get(key: file.key) }
            reply.responder.reply(status: 200, headers: headers, body: [UInt8](data))
        case .partial(let offset, let length):
            let data: Data
            if let body {
                let start = body.startIndex + Int(offset)
                data = body[start..<start + Int(length)]
            } else {
                data = try await storage.read(key: file.key, range: offset..<(offset + length))
            }
            headers.append(("Content-Range", "bytes \(offset)-\(offset + length - 1)/\(size)"))
            reply.responder.reply(status: 206, headers: headers, body: [UInt8](data))
        case .unsatisfiable:
            reply.error(.rangeNotSatisfiable, "the requested range is not satisfiable (the file has \(size) bytes)",
                        [("Content-Range", "bytes */\(size)"), ("Accept-Ranges", "bytes")])
        }
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
