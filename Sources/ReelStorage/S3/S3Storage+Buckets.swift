import Crypto
import Foundation

/// Bucket setup (deployment scripts, tests) and batch deletes.
extension S3Storage {
    /// Creates the bucket; an existing bucket of ours is not an error.
    public func createBucket() async throws {
        try await threads.run { [self] in
            var request = S3Request(method: "PUT", path: bucketPath)
            if region != "us-east-1" {
                request.body = .data(Data("""
                    <CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\
                    <LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>
                    """.utf8))
            }
            let response = try transfer.perform(request, operation: "CreateBucket", key: bucket)
            if (200..<300).contains(response.status) { return }
            if S3XML.error(in: response.body)?.code == "BucketAlreadyOwnedByYou" { return }
            throw failure(response, operation: "CreateBucket", key: bucket)
        }
    }

    /// Removes the bucket; with `emptyingIt`, removes every object first.
    /// An absent bucket is not an error.
    public func deleteBucket(emptyingIt: Bool = false) async throws {
        if emptyingIt {
            let keys: [String]
            do {
                keys = try await list(prefix: "")
            } catch let StorageError.s3(_, _, status, _, _) where status == 404 {
                return
            }
            for start in stride(from: 0, to: keys.count, by: 1000) {
                let batch = Array(keys[start..<min(start + 1000, keys.count)])
                try await threads.run { [self] in try deleteObjects(batch, prefix: "") }
            }
        }
        try await threads.run { [self] in
            let response = try transfer.perform(S3Request(method: "DELETE", path: bucketPath),
                                                operation: "DeleteBucket", key: bucket)
            guard (200..<300).contains(response.status) || response.status == 404 else {
                throw failure(response, operation: "DeleteBucket", key: bucket)
            }
        }
    }

    /// DeleteObjects (at most 1000 keys); S3 wants a Content-MD5 of the body.
    func deleteObjects(_ keys: [String], prefix: String) throws {
        let body = Data(("<Delete><Quiet>true</Quiet>"
            + keys.map { "<Object><Key>\(S3XML.escape($0))</Key></Object>" }.joined()
            + "</Delete>").utf8)
        let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
        let response = try send(
            S3Request(method: "POST", path: bucketPath, query: [("delete", "")],
                      headers: [("Content-Type", "application/xml"), ("Content-MD5", md5)], body: .data(body)),
            operation: "DeleteObjects", key: prefix)
        if let first = S3XML.deleteErrors(response.body)?.first {
            throw StorageError.s3(operation: "DeleteObjects", key: first.key, status: response.status,
                                  code: first.code, message: first.message)
        }
    }
}
