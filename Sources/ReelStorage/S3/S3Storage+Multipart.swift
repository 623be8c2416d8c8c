import Foundation

extension S3Storage {
    /// Uploads `size` bytes of an open file to `key`: one PUT up to
    /// `partSize`, multipart upload above (parts streamed from the file;
    /// S3 allows 10,000 parts, so huge files get bigger parts). Blocking.
    func uploadFile(fd: Int32, size: Int64, key: String) throws {
        if size <= Int64(partSize) {
            try send(S3Request(method: "PUT", path: objectPath(key), body: .file(fd: fd, offset: 0, length: size)),
                     operation: "PUT", key: key)
            return
        }
        let part = max(Int64(partSize), (size + 9_999) / 10_000)
        let uploadID = try createMultipartUpload(key: key)
        do {
            var etags: [String] = []
            var offset: Int64 = 0
            while offset < size {
                let length = min(part, size - offset)
                etags.append(try uploadPart(key: key, uploadID: uploadID, number: etags.count + 1,
                                            body: .file(fd: fd, offset: offset, length: length)))
                offset += length
            }
            try completeMultipartUpload(key: key, uploadID: uploadID, etags: etags)
        } catch {
            abortMultipartUpload(key: key, uploadID: uploadID)
            throw error
        }
    }

    private func createMultipartUpload(key: String) throws -> String {
        let response = try send(S3Request(method: "POST", path: objectPath(key), query: [("uploads", "")]),
                                operation: "CreateMultipartUpload", key: key)
        guard let uploadID = S3XML.uploadID(response.body) else {
            throw StorageError.malformedResponse(operation: "CreateMultipartUpload", key: key, detail: "no UploadId")
        }
        return uploadID
    }

    private func uploadPart(key: String, uploadID: String, number: Int, body: S3Request.Body) throws -> String {
        let response = try send(
            S3Request(method: "PUT", path: objectPath(key),
                      query: [("partNumber", String(number)), ("uploadId", uploadID)], body: body),
            operation: "UploadPart", key: key)
        guard let etag = response.headers["etag"], !etag.isEmpty else {
            throw StorageError.malformedResponse(operation: "UploadPart", key: key, detail: "no ETag for part \(number)")
        }
        return etag
    }

    /// S3 may answer 200 and still fail (an `<Error>` body): `send` checks both.
    private func completeMultipartUpload(key: String, uploadID: String, etags: [String]) throws {
        let parts = etags.enumerated().map { index, etag in
            "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(S3XML.escape(etag))</ETag></Part>"
        }
        let body = Data(("<CompleteMultipartUpload>" + parts.joined() + "</CompleteMultipartUpload>").utf8)
        try send(S3Request(method: "POST", path: objectPath(key), query: [("uploadId", uploadID)],
                           headers: [("Content-Type", "application/xml")], body: .data(body)),
                 operation: "CompleteMultipartUpload", key: key)
    }

    /// Best effort: a leftover upload only costs storage until a bucket
    /// lifecycle rule removes it.
    func abortMultipartUpload(key: String, uploadID: String) {
        _ = try? transfer.perform(
            S3Request(method: "DELETE", path: objectPath(key), query: [("uploadId", uploadID)]),
            operation: "AbortMultipartUpload", key: key)
    }
}
