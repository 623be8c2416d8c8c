// libFuzzer harness: the signed media URL as the video plugin reads it —
// route match of /media/s/{expires}/{signature}/videos/{id}/{path...}, the
// canonical expiry, the signature's base64url and the file path
// (Router.swift, MediaFile.swift, StorageKey.swift, UUIDs.swift, Base64URL.swift).
// Input: a raw request path.
// Built with the sources it tests by tools/fuzz (name: media_url).
import Foundation

private let router: Router<Int> = {
    var r = Router<Int>()
    _ = r.add("GET", RoutePattern("/media/s/{expires}/{signature}/videos/{id}/{path...}")!, 1)
    _ = r.add("GET", RoutePattern("/media/videos/{id}/{path...}")!, 0)
    return r
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let path = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard case .found(_, let parameters) = router.match(method: "GET", path: path) else { return 0 }
    if let file = MediaFile(videoId: parameters["id"] ?? "", path: parameters["path"] ?? "") {
        precondition(file.key.hasPrefix("videos/\(file.videoId)/streams/"), "key \(file.key)")
        precondition(!file.key.contains("/../") && !file.key.contains("/./"), "key \(file.key)")
    }
    if let text = parameters["expires"], let expires = Int64(text), String(expires) == text {
        _ = expires
    }
    if let signature = parameters["signature"], let mac = Data(base64URLEncoded: signature) {
        _ = mac.count
    }
    return 0
}
