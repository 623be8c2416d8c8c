/// A path pattern such as "/api/v1/videos/{id}": literal segments and named
/// parameters, each matching exactly one path segment. A last segment
/// "{name...}" (a catch-all) matches the rest of the path, one or more
/// segments: its value is those segments, each decoded and checked like any
/// other (never ".", "..", "/" or NUL), joined with "/".
public struct RoutePattern: Hashable, Sendable, CustomStringConvertible {
    enum Segment: Hashable, Sendable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    let segments: [Segment]
    public let description: String
    /// How many parameters a match yields (the dictionary is made that size).
    let parameterCount: Int

    public init?(_ pattern: String) {
        guard pattern.hasPrefix("/") else { return nil }
        var segments: [Segment] = []
        for part in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            // A catch-all may only come last.
            if let last = segments.last, case .rest = last { return nil }
            if part.hasPrefix("{") && part.hasSuffix("...}") && part.count > 5 {
                segments.append(.rest(String(part.dropFirst().dropLast(4))))
            } else if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                segments.append(.parameter(String(part.dropFirst().dropLast())))
            } else if part.contains("{") || part.contains("}") {
                return nil
            } else {
                segments.append(.literal(String(part)))
            }
        }
        self.segments = segments
        self.description = pattern
        self.parameterCount = segments.reduce(0) { count, segment in
            if case .literal = segment { return count }
            return count + 1
        }
    }

    /// Whether both patterns match the same paths ("/v/{id}" and "/v/{name}" do).
    public func hasSameShape(as other: RoutePattern) -> Bool {
        segments.count == other.segments.count && zip(segments, other.segments).allSatisfy { a, b in
            switch (a, b) {
            case (.literal(let x), .literal(let y)): x == y
            case (.parameter, .parameter), (.rest, .rest): true
            default: false
            }
        }
    }

    /// Matches decoded path segments; returns the parameters or nil.
    func match(_ path: [String]) -> [String: String]? {
        if case .rest = segments.last {
            guard path.count >= segments.count else { return nil }
        } else {
            guard path.count == segments.count else { return nil }
        }
        // Literals first: most routes fail there, before any dictionary is made.
        for (index, segment) in segments.enumerated() {
            if case .literal(let literal) = segment, literal != path[index] { return nil }
        }
        var parameters: [String: String] = [:]
        parameters.reserveCapacity(parameterCount)
        for (index, segment) in segments.enumerated() {
            let value = path[index]
            switch segment {
            case .literal: continue
            case .parameter(let name): parameters[name] = value
            case .rest(let name): parameters[name] = Self.joined(path[index...])
            }
        }
        return parameters
    }

    /// Segments joined with "/", written into one string of the right size.
    private static func joined(_ segments: ArraySlice<String>) -> String {
        if segments.count == 1, let only = segments.first { return only }
        var size = segments.count - 1
        for segment in segments { size += segment.utf8.count }
        return String(unsafeUninitializedCapacity: size) { text in
            var at = 0
            for var segment in segments {
                if at > 0 {
                    text[at] = UInt8(ascii: "/")
                    at += 1
                }
                segment.withUTF8 { utf8 in
                    for byte in utf8 {
                        text[at] = byte
                        at += 1
                    }
                }
            }
            return at
        }
    }

    /// Whether the pattern ends in a catch-all.
    var hasRest: Bool {
        if case .rest = segments.last { return true }
        return false
    }
}

/// Routes (HTTP method, path) to a target. Literal segments win over
/// parameters, so "/videos/mine" beats "/videos/{id}"; with as many literal
/// segments, a pattern without a catch-all wins over one with.
public struct Router<Target: Sendable>: Sendable {
    public enum Match {
        case found(Target, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
        case badPath
    }

    /// One route. A class: matching walks every route per request, and
    /// reading a class's fields copies nothing (a tuple's did, with a retain
    /// of each field).
    private final class Route: Sendable {
        let method: String
        let pattern: RoutePattern
        let target: Target
        init(_ method: String, _ pattern: RoutePattern, _ target: Target) {
            self.method = method
            self.pattern = pattern
            self.target = target
        }
    }

    private var routes: [Route] = []
    /// The literal first segment of every route (each once), or nil when a
    /// route starts with a parameter or has no segment: a plain path whose
    /// first segment is none of them is answered without decoding it.
    private var firstLiterals: [[UInt8]]? = []

    public init() {}

    public var isEmpty: Bool { routes.isEmpty }

    /// Adds a route; false if the same method and pattern is already taken.
    @discardableResult
    public mutating func add(_ method: String, _ pattern: RoutePattern, _ target: Target) -> Bool {
        if routes.contains(where: { $0.method == method && $0.pattern.hasSameShape(as: pattern) }) { return false }
        routes.append(Route(method, pattern, target))
        if case .literal(let first) = pattern.segments.first {
            if firstLiterals?.contains(Array(first.utf8)) == false { firstLiterals?.append(Array(first.utf8)) }
        } else {
            firstLiterals = nil
        }
        // More literal segments first, then fixed-length before catch-all:
        // the most specific pattern wins.
        routes.sort { Self.specificity($0.pattern) > Self.specificity($1.pattern) }
        return true
    }

    public func match(method: String, path rawPath: String) -> Match {
        if let firstLiterals, Self.plainPath(rawPath, startsWithNoneOf: firstLiterals) { return .notFound }
        guard let path = Self.decodeSegments(rawPath) else { return .badPath }
        var allowed: [String] = []
        for route in routes {
            guard let parameters = route.pattern.match(path) else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.target, parameters: parameters)
            }
            allowed.append(route.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: Array(Set(allowed)).sorted())
    }

    /// Whether `rawPath`'s first segment is none of `literals` (compared as
    /// sent) and the path is plain (no escape, NUL or dot segment: decoding
    /// would keep it as it is, so no route can match it). False when in doubt:
    /// the full match then decides, .badPath included. A path whose first
    /// segment is a route's costs only that segment's bytes.
    static func plainPath(_ rawPath: String, startsWithNoneOf literals: [[UInt8]]) -> Bool {
        var path = rawPath
        return path.withUTF8 { bytes in
            var start = 0
            while start < bytes.count && bytes[start] == UInt8(ascii: "/") { start += 1 }
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "/") { end += 1 }
            guard end > start else { return false }
            let first = UnsafeBufferPointer(rebasing: bytes[start..<end])
            for literal in literals where literal.count == first.count && literal.elementsEqual(first) { return false }
            var segmentStart = start
            for index in start...bytes.count {
                if index == bytes.count || bytes[index] == UInt8(ascii: "/") {
                    let length = index - segmentStart
                    if length > 0 && length <= 2 && bytes[segmentStart] == UInt8(ascii: ".")
                        && (length == 1 || bytes[segmentStart + 1] == UInt8(ascii: ".")) { return false }
                    segmentStart = index + 1
                } else if bytes[index] == UInt8(ascii: "%") || bytes[index] == 0 {
                    return false
                }
            }
            return true
        }
    }

    /// Splits a raw path into percent-decoded segments. Nil for malformed
    /// escapes, and for segments that decode to "." / ".." or contain "/"
    /// or NUL: such a path never names a resource.
    static func decodeSegments(_ rawPath: String) -> [String]? {
        var result: [String] = []
        result.reserveCapacity(8)
        // Split on the byte '/', never on Characters: "/" followed by a
        // combining mark is one Character, which kept a '/' inside a segment
        // (found by tools/fuzz, Tests/Fuzz/regressions/router). One pass over
        // the bytes (every request is routed here).
        var path = rawPath
        let valid: Bool = path.withUTF8 { bytes in
            var start = 0
            while start < bytes.count {
                if bytes[start] == UInt8(ascii: "/") { start += 1; continue }
                var end = start
                var escaped = false
                while end < bytes.count && bytes[end] != UInt8(ascii: "/") {
                    if bytes[end] == UInt8(ascii: "%") { escaped = true } else if bytes[end] == 0 { return false }
                    end += 1
                }
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<end])
                let segment: String
                if escaped {
                    guard let decoded = PercentDecoding.decode(Substring(decoding: raw, as: UTF8.self), plusIsSpace: false),
                          !decoded.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == 0 }) else { return false }
                    guard decoded != ".", decoded != ".." else { return false }
                    segment = decoded
                } else {
                    if raw.first == UInt8(ascii: ".") && (raw.count == 1 || (raw.count == 2 && raw[1] == UInt8(ascii: "."))) {
                        return false
                    }
                    segment = String(decoding: raw, as: UTF8.self)
                }
                result.append(segment)
                start = end
            }
            return true
        }
        return valid ? result : nil
    }

    private static func specificity(_ pattern: RoutePattern) -> Int {
        let literals = pattern.segments.reduce(0) { count, segment in
            if case .literal = segment { return count + 1 }
            return count
        }
        return literals * 2 + (pattern.hasRest ? 0 : 1)
    }
}
