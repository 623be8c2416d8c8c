import Foundation
import ReelMedia
import ReelPluginKit

extension VideoService {
    /// OPTIONS /api/v1/uploads (public): what this server speaks.
    func tusOptions(_ reply: TusReply) {
        reply.send(204, [("Tus-Version", Tus.version), ("Tus-Extension", Tus.extensions),
                         ("Tus-Max-Size", String(config.maxUploadBytes))])
    }

    /// POST /api/v1/uploads (creation): checks the headers here, creates the
    /// row and the empty partial file after the (ignored) body.
    func tusCreate(_ head: HTTPRequestHead, _ reply: TusReply) -> HTTPBodyReceiver? {
        guard head.speaksTus else { reply.versionMismatch(); return nil }
        if head.header("upload-defer-length") != nil {
            reply.error(.invalidArgument, "Upload-Defer-Length is not supported: send Upload-Length")
            return nil
        }
        guard let length = Tus.integer(head.header("upload-length")) else {
            reply.error(.invalidArgument, "Upload-Length must be a non-negative integer")
            return nil
        }
        guard length <= config.maxUploadBytes else {
            reply.error(.contentTooLarge, "the upload is larger than the maximum of \(config.maxUploadBytes) bytes",
                        [("Tus-Max-Size", String(config.maxUploadBytes))])
            return nil
        }
        let metadataHeader = head.header("upload-metadata") ?? ""
        let filename: String, title: String
        do {
            guard metadataHeader.utf8.count <= Tus.maxMetadataBytes else {
                throw TusMetadata.ParseError.malformed("Upload-Metadata is longer than \(Tus.maxMetadataBytes) bytes")
            }
            let metadata = try TusMetadata.parse(metadataHeader)
            filename = TusMetadata.filename(try TusMetadata.text(metadata, "filename"))
            if let given = try TusMetadata.text(metadata, "title") {
                title = try VideoValidation.title(given)
            } else {
                title = TusMetadata.title(fromFilename: filename)
            }
        } catch TusMetadata.ParseError.malformed(let message) {
            reply.error(.invalidArgument, message)
            return nil
        } catch let error as PluginError {
            reply.error(.invalidArgument, error.message)
            return nil
        } catch {
            reply.error(.invalidArgument, "Upload-Metadata is not valid")
            return nil
        }
        guard length > 0 else {
            // Nothing would ever arrive to probe: refuse now, as a finished
            // empty upload would be.
            reply.error(.unprocessableContent, MediaProbeError.emptyFile.reason)
            return nil
        }
        guard let owner = UUIDs.canonical(head.callerUserId) else {
            reply.error(.unauthenticated, "sign in first")
            return nil
        }
        let record = UploadRecord(id: UUIDs.make(), ownerId: owner, length: length, metadata: metadataHeader,
                                  filename: filename, title: title,
                                  expiresAt: Date().addingTimeInterval(TimeInterval(config.uploadExpirySeconds)))
        let requestId = head.requestId
        return AfterBody { aborted in
            guard !aborted else { return reply.error(.clientClosed, "the client went away") }
            await self.createUpload(record, reply, requestId: requestId)
        }
    }

    /// Under the owner's quota lock: checks the quotas and the free space
    /// against the declared length, creates the partial files and the row
    /// (413 quota_exceeded / 507 insufficient_storage before any byte).
    private func createUpload(_ record: UploadRecord, _ reply: TusReply, requestId: String) async {
        let info = UploadInfo(id: record.id, ownerId: record.ownerId, length: record.length, expiresAt: record.expiresAt)
        let partials = self.partials
        let limits = config.uploadLimits
        do {
            let refusal = try await database.withTransaction { c -> UploadRefusal? in
                try UploadQuota.lock(c, owner: record.ownerId)
                let usage = try UploadQuota.usage(c, owner: record.ownerId)
                let free = limits.diskReserveBytes >= 0 ? UploadQuota.freeBytes(partials.directory) : nil
                if let refusal = UploadQuota.refusal(length: record.length, usage: usage, limits: limits, freeBytes: free) {
                    return refusal
                }
                try partials.create(info)
                do {
                    try UploadStore.insert(c, record)
                } catch {
                    partials.remove(record.id)
                    throw error
                }
                return nil
            }
            switch refusal {
            case .quota(let message)?:
                host.log(.info, "upload refused for \(record.ownerId): \(message)")
                return reply.error(.quotaExceeded, message)
            case .disk(let message)?:
                host.log(.warn, "upload refused for \(record.ownerId): \(message)")
                return reply.error(.insufficientStorage, message)
            case nil:
                uploadMetrics.started.increment()
            }
        } catch {
            // The row was rolled back; its files may exist if the commit failed.
            await BlockingIO.perform { partials.remove(record.id) }
            host.log(.error, "creating upload failed (request \(requestId)): \(error)")
            return reply.internalError()
        }
        host.log(.info, "upload \(record.id) created: \(record.length) bytes of \(record.filename.debugDescription) "
                 + "for \(record.ownerId)")
        reply.send(201, [("Location", TusRoutes.collection + "/" + record.id),
                         ("Upload-Expires", HTTPDate.format(record.expiresAt))])
    }
}
