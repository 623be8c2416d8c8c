import CMicroHTTPD
import Foundation

// libmicrohttpd's C callbacks. They live outside main.swift so they are not
// main-actor isolated: libmicrohttpd calls them on its own threads.

typealias UnescapeCallback = @convention(c) (
    UnsafeMutableRawPointer?, OpaquePointer?, UnsafeMutablePointer<CChar>?) -> Int

/// Keeps the URL and query escaped: the router decodes each path segment
/// itself, so "%2F" inside a segment can never turn into a path separator.
let keepEscapedCallback: UnescapeCallback = { _, _, s in
    guard let s else { return 0 }
    return strlen(s)
}

let accessHandlerCallback: MHD_AccessHandlerCallback = { cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let connection, let conCls, let uploadDataSize else { return MHD_Result.NO }
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    return server.access(connection: connection, url: url, method: method,
                         uploadData: uploadData, uploadDataSize: uploadDataSize, conCls: conCls)
}

let requestCompletedCallback: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let cls, let conCls, let raw = conCls.pointee else { return }
    conCls.pointee = nil
    let server = Unmanaged<HTTPServer>.fromOpaque(cls).takeUnretainedValue()
    let context = Unmanaged<RequestContext>.fromOpaque(raw).takeRetainedValue()
    server.finished(context)
}

/// The body reader of responses that never send a body (304): ends the
/// connection with an error if libmicrohttpd ever asks.
let unreadableBody: MHD_ContentReaderCallback = { _, _, _, _ in -2 } // MHD_CONTENT_READER_END_WITH_ERROR
