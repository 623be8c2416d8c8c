import CReelABI
import Foundation

/// The head of a raw HTTP request, copied out of the host's reel_http_request.
///
/// The copy is one block of bytes (every string of the request, one after
/// another) and a table of where each one lies: no dictionary and no String
/// is built unless asked for. `header(_:)` and `parameter(_:)` scan the few
/// entries; `headers` and `parameters` build dictionaries on each use.
public struct HTTPRequestHead: Sendable {
    private let storage: Storage
    /// nil when the body is chunked.
    public let contentLength: Int64?

    public var method: String { storage.string(Storage.method) }
    /// Raw (percent-encoded) path and query.
    public var path: String { storage.string(Storage.path) }
    public var query: String { storage.string(Storage.query) }
    public var requestId: String { storage.string(Storage.requestId) }
    public var callerUserId: String { storage.string(Storage.callerUserId) }
    public var callerRole: String { storage.string(Storage.callerRole) }
    public var clientAddress: String { storage.string(Storage.clientAddress) }

    /// Header names are lower-case; the last of equal names wins.
    public var headers: [String: String] { storage.dictionary(storage.headers) }
    /// Decoded `{name}` path parameters.
    public var parameters: [String: String] { storage.dictionary(storage.parameters) }

    /// A header's value by name (ASCII case-insensitive); the last one when
    /// the name is given twice.
    public func header(_ name: String) -> String? { storage.lookup(name, in: storage.headers, ignoringCase: true) }

    /// A decoded `{name}` path parameter.
    public func parameter(_ name: String) -> String? { storage.lookup(name, in: storage.parameters, ignoringCase: false) }

    /// Whether the method is exactly `method` (no String made).
    public func methodIs(_ method: StaticString) -> Bool {
        storage.equals(Storage.method, method.utf8Start, method.utf8CodeUnitCount, ignoringCase: false)
    }
}

extension HTTPRequestHead {
    init(_ r: reel_http_request) {
        storage = Storage(r)
        contentLength = r.content_length >= 0 ? r.content_length : nil
    }
}

extension HTTPRequestHead {
    /// The request's strings in one allocation. Immutable after init, so
    /// shared between threads as it is (the one reason for @unchecked).
    final class Storage: @unchecked Sendable {
        /// Where one string lies in `bytes`.
        struct Span {
            var offset: Int
            var count: Int
        }

        static let method = 0, path = 1, query = 2, requestId = 3, callerUserId = 4, callerRole = 5, clientAddress = 6
        static let fixedCount = 7

        /// Fixed fields first, then name/value pairs of the headers, then of the parameters.
        private let spans: UnsafeMutablePointer<Span>
        private let bytes: UnsafeMutablePointer<UInt8>
        let headers: Range<Int>
        let parameters: Range<Int>

        init(_ r: reel_http_request) {
            let headerCount = r.headers == nil ? 0 : r.header_count
            let paramCount = r.params == nil ? 0 : r.param_count
            let headers = Self.fixedCount..<(Self.fixedCount + 2 * headerCount)
            let parameters = headers.upperBound..<(headers.upperBound + 2 * paramCount)
            let spans = UnsafeMutablePointer<Span>.allocate(capacity: parameters.upperBound)
            // Every string of the request in order: the fixed fields, then the pairs.
            func each(_ visit: (Int, UnsafePointer<CChar>?) -> Void) {
                visit(Self.method, r.method)
                visit(Self.path, r.path)
                visit(Self.query, r.query)
                visit(Self.requestId, r.request_id)
                visit(Self.callerUserId, r.caller_user_id)
                visit(Self.callerRole, r.caller_role)
                visit(Self.clientAddress, r.client_address)
                for i in 0..<headerCount {
                    visit(headers.lowerBound + 2 * i, r.headers[i].name)
                    visit(headers.lowerBound + 2 * i + 1, r.headers[i].value)
                }
                for i in 0..<paramCount {
                    visit(parameters.lowerBound + 2 * i, r.params[i].name)
                    visit(parameters.lowerBound + 2 * i + 1, r.params[i].value)
                }
            }
            // The lengths first (one strlen each), then one copy into one block.
            var total = 0
            each { index, text in
                let count = text.map { strlen($0) } ?? 0
                spans[index] = Span(offset: total, count: count)
                total += count
            }
            let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, total))
            each { index, text in
                guard let text else { return }
                let span = spans[index]
                UnsafeMutableRawPointer(bytes + span.offset).copyMemory(from: text, byteCount: span.count)
            }
            self.spans = spans
            self.bytes = bytes
            self.headers = headers
            self.parameters = parameters
        }

        deinit {
            spans.deallocate()
            bytes.deallocate()
        }

        func string(_ index: Int) -> String {
            let span = spans[index]
            return String(decoding: UnsafeBufferPointer(start: bytes + span.offset, count: span.count), as: UTF8.self)
        }

        /// Whether the string at `index` is `count` bytes at `other`.
        func equals(_ index: Int, _ other: UnsafePointer<UInt8>, _ count: Int, ignoringCase: Bool) -> Bool {
            let span = spans[index]
            guard span.count == count else { return false }
            let mine = bytes + span.offset
            if !ignoringCase { return memcmp(mine, other, count) == 0 }
            for i in 0..<count where mine[i] != other[i] {
                // ASCII letters differ only in bit 0x20; anything else must match exactly.
                let folded = mine[i] | 0x20
                guard folded == other[i] | 0x20, folded >= UInt8(ascii: "a"), folded <= UInt8(ascii: "z") else { return false }
            }
            return true
        }

        /// The value of the last pair in `pairs` named `name`.
        func lookup(_ name: String, in pairs: Range<Int>, ignoringCase: Bool) -> String? {
            var name = name
            return name.withUTF8 { utf8 -> String? in
                guard let base = utf8.baseAddress ?? (utf8.isEmpty ? UnsafePointer(bytes) : nil) else { return nil }
                for index in stride(from: pairs.upperBound - 2, through: pairs.lowerBound, by: -2)
                where equals(index, base, utf8.count, ignoringCase: ignoringCase) {
                    return string(index + 1)
                }
                return nil
            }
        }

        func dictionary(_ pairs: Range<Int>) -> [String: String] {
            var result: [String: String] = [:]
            result.reserveCapacity(pairs.count / 2)
            for index in stride(from: pairs.lowerBound, to: pairs.upperBound, by: 2) {
                result[string(index)] = string(index + 1)
            }
            return result
        }
    }
}
