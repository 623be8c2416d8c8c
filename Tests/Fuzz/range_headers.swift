// libFuzzer harness: RFC 9110 Range and conditional headers of the media
// routes (RangeRequest.swift, Validators.swift) and tus's Upload-Length /
// Upload-Offset integers (TusProtocol.swift), HTTP dates (HTTPDate.swift).
// Input: byte 0-7 a file size, the rest a header value.
// Built with the sources it tests by tools/fuzz (name: range_headers).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 8 else { return 0 }
    var fileSize: Int64 = 0
    for i in 0..<8 { fileSize = fileSize << 8 | Int64(data[i]) }
    fileSize = fileSize & Int64.max
    let header = String(decoding: UnsafeBufferPointer(start: data + 8, count: size - 8), as: UTF8.self)
    switch RangeRequest.evaluate(header, size: fileSize) {
    case .partial(let offset, let length):
        precondition(offset >= 0 && length > 0 && offset <= fileSize - length, "range \(offset)+\(length) of \(fileSize)")
    case .full, .unsatisfiable: break
    }
    _ = Validators.anyMatches(header, "\"abc\"", weak: true)
    _ = Validators.anyMatches(header, "W/\"abc\"", weak: false)
    if let date = HTTPDate.parse(header) { _ = HTTPDate.format(Date(timeIntervalSince1970: TimeInterval(date))) }
    if let n = Tus.integer(header) { precondition(n >= 0, "negative Upload-Length") }
    return 0
}
