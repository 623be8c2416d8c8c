import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The state of one transfer, reached from libcurl's callbacks through an
/// unretained pointer; only the thread running `curl_easy_perform` touches it.
final class TransferContext {
    let body: S3Request.Body
    var bodyOffset: Int64 = 0
    var responseHeaders: [String: String] = [:]
    var responseBody = Data()
    var failure: String?

    init(body: S3Request.Body) {
        self.body = body
    }

    var bodyLength: Int64 {
        switch body {
        case .none: return 0
        case let .data(data): return Int64(data.count)
        case let .file(_, _, length): return length
        }
    }

    /// Fills `buffer` with the next bytes of the body; 0 at the end, nil on error.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let wanted = Int(min(Int64(buffer.count), bodyLength - bodyOffset))
        guard wanted > 0 else { return 0 }
        switch body {
        case .none:
            return 0
        case let .data(data):
            let start = data.startIndex + Int(bodyOffset)
            data.copyBytes(to: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self),
                           from: start..<start + wanted)
            bodyOffset += Int64(wanted)
            return wanted
        case let .file(fd, offset, _):
            while true {
                let got = pread(fd, buffer.baseAddress!, wanted, off_t(offset + bodyOffset))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else {
                    failure = got == 0 ? "the file to upload is shorter than expected"
                        : "reading the file to upload: \(String(cString: strerror(errno)))"
                    return nil
                }
                bodyOffset += Int64(got)
                return got
            }
        }
    }

    func headerLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            responseHeaders = [:]  // a new response (after 100 Continue)
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        responseHeaders[name] = value
    }
}

let transferWriteCallback: curl_write_callback = { buffer, size, count, context in
    let transfer = Unmanaged<TransferContext>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    if let buffer, length > 0 {
        transfer.responseBody.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)
    }
    return length
}

let transferHeaderCallback: curl_write_callback = { buffer, size, count, context in
    let transfer = Unmanaged<TransferContext>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    if let buffer, length > 0 {
        let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
        transfer.headerLine(String(decoding: bytes, as: UTF8.self))
    }
    return length
}

let transferReadCallback: curl_read_callback = { buffer, size, count, context in
    let transfer = Unmanaged<TransferContext>.fromOpaque(context!).takeUnretainedValue()
    guard let buffer else { return 0 }
    let target = UnsafeMutableRawBufferPointer(start: buffer, count: size * count)
    return transfer.readBody(into: target) ?? Int(CURL_READFUNC_ABORT)
}
