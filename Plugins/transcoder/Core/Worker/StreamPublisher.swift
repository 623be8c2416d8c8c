import Foundation
import ReelStorage

/// Mirrors a transcode's output folder into storage under `prefix` while the
/// encode runs, so that viewers can start before it ends (progressive
/// publishing), then once more when it is done.
///
/// Only what a playlist already lists is uploaded: the muxer writes a segment
/// completely before it rewrites its media playlist (by rename), so a listed
/// segment is final. Within a rendition the order is init segment, segments,
/// then the playlist, so a published playlist never names a missing file.
/// The master playlist goes up once every rendition has a segment.
actor StreamPublisher {
    private let storage: any ObjectStorage
    private let directory: String
    let prefix: String
    /// Relative path → the bytes (playlists) or size (media) last uploaded.
    private var uploaded: [String: UploadedFile] = [:]
    private(set) var isLive = false

    private enum UploadedFile: Equatable {
        case media(size: Int64)
        case text(Data)
    }

    init(storage: any ObjectStorage, directory: String, prefix: String) {
        self.storage = storage
        self.directory = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.prefix = prefix
    }

    /// The master playlist's key.
    nonisolated var masterKey: String { prefix + "master.m3u8" }

    /// Uploads what is new. Returns true the first time the stream becomes
    /// playable (every rendition has a segment and the master is up).
    func publishProgress() async throws -> Bool {
        guard let master = read("master.m3u8") else { return false }
        let playlists = Self.variantPlaylists(in: master)
        guard !playlists.isEmpty else { return false }
        var everyRenditionStarted = true
        for playlist in playlists {
            let started = try await publishRendition(playlist: playlist)
            everyRenditionStarted = everyRenditionStarted && started
        }
        guard everyRenditionStarted, !isLive else { return false }
        try await upload(text: master, as: "master.m3u8")
        isLive = true
        return true
    }

    /// Uploads everything of the finished output: media first, then the
    /// media playlists, the DASH manifest, images, and the master last.
    func publishFinal() async throws {
        guard let master = read("master.m3u8") else { throw PublishError.missing("master.m3u8") }
        for playlist in Self.variantPlaylists(in: master) {
            guard try await publishRendition(playlist: playlist) else { throw PublishError.missing(playlist) }
        }
        for file in try otherFiles() {
            try await uploadMedia(file)
        }
        if let manifest = read("manifest.mpd") { try await upload(text: manifest, as: "manifest.mpd") }
        try await upload(text: master, as: "master.m3u8")
        isLive = true
    }

    /// One rendition: its init segment and listed segments, then its playlist.
    /// False while the playlist lists no segment yet.
    private func publishRendition(playlist: String) async throws -> Bool {
        guard let text = read(playlist) else { return false }
        let folder = (playlist as NSString).deletingLastPathComponent
        let entries = Self.mediaFiles(in: String(decoding: text, as: UTF8.self))
        guard entries.segments.count > 0 else { return false }
        for name in entries.initSegments + entries.segments {
            try await uploadMedia(folder.isEmpty ? name : folder + "/" + name)
        }
        try await upload(text: text, as: playlist)
        return true
    }

    /// Images and anything else that is not a playlist or manifest (posters,
    /// thumbnails), once the encode is done.
    private func otherFiles() throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            guard enumerator.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            if path.hasSuffix(".jpg") { files.append(path) }
        }
        return files.sorted()
    }

    private func uploadMedia(_ relativePath: String) async throws {
        let path = directory + "/" + relativePath
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.int64Value else { throw PublishError.missing(relativePath) }
        guard uploaded[relativePath] != .media(size: size) else { return }
        try await storage.put(key: prefix + relativePath, from: URL(fileURLWithPath: path))
        uploaded[relativePath] = .media(size: size)
    }

    private func upload(text: Data, as relativePath: String) async throws {
        guard uploaded[relativePath] != .text(text) else { return }
        try await storage.put(key: prefix + relativePath, data: text)
        uploaded[relativePath] = .text(text)
    }

    private func read(_ relativePath: String) -> Data? {
        FileManager.default.contents(atPath: directory + "/" + relativePath)
    }

    // MARK: Playlist parsing (only what this needs)

    /// The media playlists a master playlist names, relative to its folder:
    /// variant streams (URI lines) and renditions (`EXT-X-MEDIA` URIs, e.g.
    /// the audio rendition).
    static func variantPlaylists(in master: Data) -> [String] {
        var playlists: [String] = []
        for line in String(decoding: master, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = line.trimmingCharacters(in: .whitespaces)
            let uri = line.hasPrefix("#EXT-X-MEDIA:") ? attribute("URI", in: line)
                : line.isEmpty || line.hasPrefix("#") ? nil : line
            if let uri, isSafeRelativePath(uri), !playlists.contains(uri) { playlists.append(uri) }
        }
        return playlists
    }

    /// The init segment(s) (EXT-X-MAP) and segments a media playlist lists.
    static func mediaFiles(in playlist: String) -> (initSegments: [String], segments: [String]) {
        var initSegments: [String] = [], segments: [String] = []
        for line in playlist.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("#EXT-X-MAP:"), let uri = attribute("URI", in: line), isSafeRelativePath(uri) {
                if !initSegments.contains(uri) { initSegments.append(uri) }
            } else if !line.isEmpty, !line.hasPrefix("#"), isSafeRelativePath(line) {
                segments.append(line)
            }
        }
        return (initSegments, segments)
    }

    private static func attribute(_ name: String, in line: String) -> String? {
        guard let range = line.range(of: name + "=\"") else { return nil }
        let rest = line[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Our own muxer writes these files, but a name with ".." or a leading
    /// "/" would still leave the output folder: never follow one.
    static func isSafeRelativePath(_ path: String) -> Bool {
        !path.hasPrefix("/") && !path.split(separator: "/").contains("..") && !path.contains("://")
    }

    enum PublishError: Error, CustomStringConvertible {
        case missing(String)
        var description: String {
            switch self {
            case .missing(let path): "the transcode output has no \(path)"
            }
        }
    }
}
