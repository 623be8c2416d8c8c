import ReelStorage

/// A file of a video's published stream, as the media routes name it:
/// `/media/videos/{id}/{path...}` with `path` under `streams/<attempt>/`.
/// Only the transcoder's outputs are served (playlists, the DASH manifest,
/// init and media segments, poster and thumbnails), never the uploaded
/// original under `source/`, and never anything outside the video's folder.
struct MediaFile: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case masterPlaylist, mediaPlaylist, dashManifest, initSegment, mediaSegment, image

        var contentType: String {
            switch self {
            case .masterPlaylist, .mediaPlaylist: "application/vnd.apple.mpegurl"
            case .dashManifest: "application/dash+xml"
            case .initSegment: "video/mp4"
            case .mediaSegment: "video/iso.segment"
            case .image: "image/jpeg"
            }
        }

        /// Written once and never rewritten under its attempt's prefix.
        var isImmutable: Bool {
            switch self {
            case .initSegment, .mediaSegment, .image: true
            case .masterPlaylist, .mediaPlaylist, .dashManifest: false
            }
        }

        var isPlaylist: Bool { self == .masterPlaylist || self == .mediaPlaylist || self == .dashManifest }
    }

    /// Canonical (lower-case) UUID.
    let videoId: String
    /// The storage key: `videos/<id>/streams/<attempt>/...`.
    let key: String
    let kind: Kind

    /// The folder every file of a video lives in (and a signature covers).
    static func folder(of videoId: String) -> String { "videos/\(videoId)/" }

    /// Nil unless `videoId` is a canonical UUID and `path` (the decoded
    /// catch-all, already free of ".", ".." and NUL segments) names a file of
    /// a known type under `streams/<attempt>/` that is a valid storage key.
    init?(videoId: String, path: String) {
        guard UUIDs.isCanonical(videoId) else { return nil }
        // Split on the byte '/' (String.split walks Characters: every media
        // request comes here).
        var depth = 1
        var lastSlash: String.Index?
        for index in path.utf8.indices where path.utf8[index] == UInt8(ascii: "/") {
            depth += 1
            lastSlash = index
        }
        // streams / <attempt> / [<rung> | thumbs /] <file>
        guard depth >= 3, depth <= 5, path.utf8.starts(with: "streams/".utf8), let lastSlash else { return nil }
        let name = path[path.utf8.index(after: lastSlash)...]
        guard let kind = Self.kind(of: name, depth: depth) else { return nil }
        // "videos/<id>/<path>" written at once (three appends cost more than the rest of this check).
        var key = ""
        key.reserveCapacity(8 + videoId.utf8.count + path.utf8.count)
        key += "videos/"
        key += videoId
        key += "/"
        key += path
        guard (try? StorageKey.validate(key)) != nil else { return nil }
        self.videoId = videoId
        self.key = key
        self.kind = kind
    }

    /// By the name's bytes (keys are ASCII; StorageKey.validate refuses the rest).
    private static func kind(of name: Substring, depth: Int) -> Kind? {
        let bytes = name.utf8
        guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")), dot != bytes.startIndex else { return nil }
        let ext = bytes[bytes.index(after: dot)...]
        if ext.elementsEqual("m3u8".utf8) {
            return depth == 3 && bytes.elementsEqual("master.m3u8".utf8) ? .masterPlaylist : .mediaPlaylist
        }
        if ext.elementsEqual("m4s".utf8) { return .mediaSegment }
        if ext.elementsEqual("mp4".utf8) { return .initSegment }
        if ext.elementsEqual("jpg".utf8) { return .image }
        if ext.elementsEqual("mpd".utf8) { return .dashManifest }
        return nil
    }
}
