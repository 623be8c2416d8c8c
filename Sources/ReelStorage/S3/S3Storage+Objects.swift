import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `ObjectStorage` operations, each one blocking transfer (or a few) on
/// the storage's threads.
extension S3Storage {
    public func put(key: String, from fileURL: URL) async throws {
        try StorageKey.validate(key)
        let source = fileURL.path
        try await threads.run { [self] in
            let fd = open(source, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw StorageError.io(operation: "open source file for", key: key, errno: errno) }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw StorageError.io(operation: "stat source file for", key: key, errno: errno) }
            try uploadFile(fd: fd, size: Int64(info.st_size), key: key)
        }
    }

    public func put(key: String, data: Data) async throws {
        try StorageKey.validate(key)
        try await threads.run { [self] in
            _ = try send(S3Request(method: "PUT", path: objectPath(key), body: .data(data)), operation: "PUT", key: key)
        }
    }

    public func makeWriter(key: String) throws -> any ObjectWriter {
        try StorageKey.validate(key)
        return try S3Writer(storage: self, key: key)
    }

    public func get(key: String) async throws -> Data {
        try await read(key: key, range: nil)
    }

    public func read(key: String, range: Range<Int64>?) async throws -> Data {
        try StorageKey.validate(key)
        if let range { try ByteRange.validate(range, key: key) }
        return try await threads.run { [self] in
            var request = S3Request(method: "GET", path: objectPath(key))
            if let range { request.headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
            let response = try transfer.perform(request, operation: "GET", key: key)
            switch response.status {
            case 200 where range == nil, 206:
                return response.body
            case 200:
                // A server that ignores Range: cut the range out ourselves.
                let bounds = try ByteRange.clamp(range, size: Int64(response.body.count), key: key)
                return response.body.subdata(in: Int(bounds.lowerBound)..<Int(bounds.upperBound))
            case 404:
                throw StorageError.notFound(key: key)
            case 416:
                throw StorageError.rangeNotSatisfiable(key: key, range: range!, size: nil)
            default:
                throw failure(response, operation: "GET", key: key)
            }
        }
    }

    public func size(key: String) async throws -> Int64? {
        try StorageKey.validate(key)
        return try await threads.run { [self] () throws -> Int64? in
            let response = try transfer.perform(S3Request(method: "HEAD", path: objectPath(key)), operation: "HEAD", key: key)
            switch response.status {
            case 200:
                guard let length = response.headers["content-length"].flatMap({ Int64($0) }) else {
                    throw StorageError.malformedResponse(operation: "HEAD", key: key, detail: "no Content-Length")
                }
                return length
            case 404:
                return nil
            default:
                throw failure(response, operation: "HEAD", key: key)
            }
        }
    }

    public func delete(key: String) async throws {
        try StorageKey.validate(key)
        try await threads.run { [self] in
            let response = try transfer.perform(S3Request(method: "DELETE", path: objectPath(key)), operation: "DELETE", key: key)
            guard (200..<300).contains(response.status) || response.status == 404 else {
                throw failure(response, operation: "DELETE", key: key)
            }
        }
    }

    /// Lists the keys, then removes them with DeleteObjects, 1000 per request.
    public func delete(prefix: String) async throws {
        try StorageKey.validateFolderPrefix(prefix)
        let keys = try await list(prefix: prefix)
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let batch = Array(keys[start..<min(start + 1000, keys.count)])
            try await threads.run { [self] in try deleteObjects(batch, prefix: prefix) }
        }
    }

    public func list(prefix: String) async throws -> [String] {
        try StorageKey.validatePrefix(prefix)
        return try await threads.run { [self] in
            var keys: [String] = []
            var token: String?
            repeat {
                var query = [("list-type", "2"), ("prefix", prefix)]
                if let token { query.append(("continuation-token", token)) }
                let response = try transfer.perform(
                    S3Request(method: "GET", path: bucketPath, query: query), operation: "ListObjectsV2", key: prefix)
                guard response.status == 200 else { throw failure(response, operation: "ListObjectsV2", key: prefix) }
                guard let page = S3XML.listPage(response.body) else {
                    throw StorageError.malformedResponse(operation: "ListObjectsV2", key: prefix, detail: "not a ListBucketResult")
                }
                keys += page.keys
                token = page.nextToken
            } while token != nil
            return keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
    }

    public func localPath(for key: String) -> String? { nil }

    public func presignedURL(for key: String, expires: Duration) throws -> URL? {
        try presignedURL(for: key, expires: expires, now: Date())
    }

    /// `presignedURL(for:expires:)` signed as of `now` (for tests).
    public func presignedURL(for key: String, expires: Duration, now: Date) throws -> URL? {
        try StorageKey.validate(key)
        let seconds = expires.wholeSeconds
        guard (1...604_800).contains(seconds) else {
            throw StorageError.configuration("a presigned URL expires after 1 second to 7 days, not \(expires)")
        }
        return presigner.presignGET(baseURL: baseURL, hostHeader: hostHeader, path: objectPath(key),
                                    expiresSeconds: seconds, now: now)
    }
}
