import Foundation
import SwiftProtobuf
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Connect server streaming (connectrpc.com/docs/protocol#streaming-rpcs):
/// `POST` with `Content-Type: application/connect+proto`, the request as one
/// envelope, and the answer as envelopes (a flags byte, a big-endian uint32
/// length, the message) ending with an end-of-stream envelope (flag 0x02,
/// JSON `{}` or `{"error": {...}}`).
extension ConnectTransport {
    static let streamContentType = "application/connect+proto"

    /// Opens a server-streaming call. Errors before the stream (a refused
    /// token, an unknown method) are thrown here; errors after it arrive
    /// through the returned stream (as `ReelError`). Cancelling the consuming
    /// task, or dropping the stream, closes the connection.
    public func serverStream<Request: Message, Response: Message>(
        _ method: String, _ request: Request, as _: Response.Type = Response.self, bearer: String? = nil
    ) async throws(ReelError) -> AsyncThrowingStream<Response, Error> {
        let message: Data
        do { message = try request.serializedData() } catch {
            throw .protocolViolation("cannot encode \(Request.protoMessageName): \(error)")
        }
        var urlRequest = URLRequest(url: url(forMethod: method))
        urlRequest.httpMethod = "POST"
        urlRequest.httpBody = Envelope.encode(message)
        urlRequest.setValue(Self.streamContentType, forHTTPHeaderField: "Content-Type")
        urlRequest.setValue("1", forHTTPHeaderField: "Connect-Protocol-Version")
        // A stream may stay quiet for long: no idle timeout on the client's side.
        urlRequest.timeoutInterval = 7 * 24 * 3600
        if let bearer { urlRequest.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }

        let stream = HTTPStream.open(urlRequest)
        var iterator = stream.events.makeAsyncIterator()
        // The status line first: anything but 200 is an error with a body.
        guard let first = await iterator.next() else { stream.cancel(); throw .cancelled }
        switch first {
        case .finished(let error):
            throw .transport(error ?? "the connection closed before an answer")
        case .data:
            stream.cancel()
            throw .protocolViolation("data before the response")
        case .response(let status, let headers):
            if status != 200 {
                var body = Data()
                while let event = await iterator.next() {
                    if case .data(let data) = event { body.append(data) }
                }
                throw ReelError.fromResponse(status: status, body: body)
            }
            let contentType = headers["content-type"] ?? ""
            guard contentType.hasPrefix(Self.streamContentType) else {
                stream.cancel()
                throw .protocolViolation("\(method) answered Content-Type \(contentType), not \(Self.streamContentType)")
            }
        }
        let events = IteratorBox(iterator)
        return AsyncThrowingStream<Response, Error> { continuation in
            let reader = Task {
                var reader = Envelope.Reader()
                while let event = await events.next() {
                    switch event {
                    case .response:
                        break
                    case .data(let data):
                        reader.append(data)
                        do {
                            while let envelope = try reader.next() {
                                if envelope.flags & 0x02 != 0 {
                                    if let error = Envelope.endOfStreamError(envelope.data) {
                                        continuation.finish(throwing: error)
                                    } else {
                                        continuation.finish()
                                    }
                                    stream.cancel()
                                    return
                                }
                                do {
                                    continuation.yield(try Response(serializedBytes: envelope.data))
                                } catch {
                                    throw ReelError.protocolViolation("\(method) streamed bytes that are not a \(Response.protoMessageName)")
                                }
                            }
                        } catch {
                            continuation.finish(throwing: error)
                            stream.cancel()
                            return
                        }
                    case .finished(let error):
                        continuation.finish(throwing: ReelError.transport(
                            error ?? "the stream ended without its end-of-stream message"))
                        return
                    }
                }
                continuation.finish(throwing: ReelError.cancelled)
            }
            continuation.onTermination = { _ in
                reader.cancel()
                stream.cancel()
            }
        }
    }
}

/// Hands the events' iterator (used by one task at a time) to the reading task.
private final class IteratorBox: @unchecked Sendable {
    private var iterator: AsyncStream<HTTPStream.Event>.Iterator
    init(_ iterator: AsyncStream<HTTPStream.Event>.Iterator) { self.iterator = iterator }
    func next() async -> HTTPStream.Event? { await iterator.next() }
}

/// The Connect envelope: flags (0x01 compressed, 0x02 end of stream), length, data.
enum Envelope {
    static let maxMessage = 16 * 1024 * 1024

    static func encode(_ data: Data, flags: UInt8 = 0) -> Data {
        let length = UInt32(clamping: data.count)
        var out = Data([flags, UInt8(length >> 24), UInt8((length >> 16) & 0xFF),
                        UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)])
        out.append(data)
        return out
    }

    /// Collects bytes as they arrive and cuts whole envelopes out of them.
    struct Reader {
        private var buffer = Data()

        mutating func append(_ data: Data) { buffer.append(data) }

        mutating func next() throws(ReelError) -> (flags: UInt8, data: Data)? {
            guard buffer.count >= 5 else { return nil }
            let bytes = [UInt8](buffer.prefix(5))
            let length = Int(bytes[1]) << 24 | Int(bytes[2]) << 16 | Int(bytes[3]) << 8 | Int(bytes[4])
            guard length <= Envelope.maxMessage else {
                throw .protocolViolation("a streamed message of \(length) bytes is over the \(Envelope.maxMessage) limit")
            }
            guard bytes[0] & 0x01 == 0 else {
                throw .protocolViolation("a compressed message arrived, but none was asked for")
            }
            guard buffer.count >= 5 + length else { return nil }
            let data = Data(buffer.dropFirst(5).prefix(length))
            buffer = Data(buffer.dropFirst(5 + length))
            return (bytes[0], data)
        }
    }

    /// The end-of-stream JSON's error, if it carries one.
    static func endOfStreamError(_ data: Data) -> ReelError? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            return .protocolViolation("the end-of-stream message is not JSON")
        }
        guard object["error"] != nil else { return nil }
        return ReelError.fromResponse(status: 500, body: data)
    }
}
