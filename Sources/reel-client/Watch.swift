import ArgumentParser
import Foundation
import ReelClient

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch a video's HLS master playlist, pick a rung, download a few segments and report them.")
    @OptionGroup var options: ServerOptions
    @Argument var id: String
    @Option(help: "Segments to download.") var segments = 3
    @Option(help: "The rung: lowest, highest, or an index in the master playlist.") var rung = "lowest"

    func run() async throws {
        let client = try options.client()
        let video = try await ReelClientCLI.run { () async throws(ReelError) in try await client.video(id: id) }
        guard let master = client.playbackURLs(for: video).hls else {
            throw Failure(message: "\(video.title) has no stream yet (state \(video.state))")
        }
        let masterText = try await text(client, master)
        let variants = HLS.variants(masterText, base: master)
        guard !variants.isEmpty else { throw Failure(message: "the master playlist lists no rung") }
        let chosen: HLS.Variant
        switch rung {
        case "lowest": chosen = variants.min { $0.bandwidth < $1.bandwidth }!
        case "highest": chosen = variants.max { $0.bandwidth < $1.bandwidth }!
        default:
            guard let index = Int(rung), variants.indices.contains(index) else {
                throw ValidationError("--rung must be lowest, highest or 0..<\(variants.count)")
            }
            chosen = variants[index]
        }
        print("\(video.title): \(variants.count) rungs; playing \(chosen.resolution ?? "?") at \(chosen.bandwidth) bit/s")
        let media = HLS.media(try await text(client, chosen.url), base: chosen.url)
        var total = 0
        if let initURL = media.initSegment {
            let data = try await fetch(client, initURL)
            total += data.count
            print("init \(initURL.lastPathComponent): \(data.count) bytes\(HLS.hasBox(data, "ftyp") ? ", fMP4 (ftyp)" : "")")
        }
        for segment in media.segments.prefix(segments) {
            let data = try await fetch(client, segment.url)
            total += data.count
            print("segment \(segment.url.lastPathComponent): \(data.count) bytes, \(String(format: "%.2f", segment.duration)) s\(HLS.hasBox(data, "moof") ? ", fMP4 (moof)" : "")")
        }
        print("got \(min(segments, media.segments.count)) of \(media.segments.count) segments, \(total) bytes\(media.ended ? "" : " (stream still growing)")")
    }

    private func fetch(_ client: ReelClient, _ url: URL) async throws -> Data {
        try await ReelClientCLI.run { () async throws(ReelError) in try await client.download(url) }
    }

    private func text(_ client: ReelClient, _ url: URL) async throws -> String {
        guard let text = String(data: try await fetch(client, url), encoding: .utf8) else {
            throw Failure(message: "\(url.absoluteString) is not a text playlist")
        }
        return text
    }
}

/// Just enough of HLS playlists (RFC 8216) to follow one rung.
enum HLS {
    struct Variant { let url: URL; let bandwidth: Int; let resolution: String? }
    struct Segment { let url: URL; let duration: Double }
    struct Media { var initSegment: URL?; var segments: [Segment] = []; var ended = false }

    static func attributes(_ line: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var key = "", value = "", inKey = true, quoted = false
        for ch in line {
            if inKey {
                if ch == "=" { inKey = false } else { key.append(ch) }
            } else if ch == "\"" {
                quoted.toggle()
            } else if ch == ",", !quoted {
                result[key] = value; key = ""; value = ""; inKey = true
            } else {
                value.append(ch)
            }
        }
        if !key.isEmpty { result[key] = value }
        return result
    }

    static func variants(_ text: String, base: URL) -> [Variant] {
        var result: [Variant] = []
        var pending: [String: String]?
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#EXT-X-STREAM-INF:") {
                pending = attributes(line.dropFirst("#EXT-X-STREAM-INF:".count))
            } else if !line.hasPrefix("#"), let attrs = pending, let url = URL(string: String(line), relativeTo: base) {
                result.append(Variant(url: url.absoluteURL, bandwidth: Int(attrs["BANDWIDTH"] ?? "") ?? 0,
                                      resolution: attrs["RESOLUTION"]))
                pending = nil
            }
        }
        return result
    }

    static func media(_ text: String, base: URL) -> Media {
        var media = Media()
        var duration = 0.0
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#EXT-X-MAP:"), let uri = attributes(line.dropFirst("#EXT-X-MAP:".count))["URI"] {
                media.initSegment = URL(string: uri, relativeTo: base)?.absoluteURL
            } else if line.hasPrefix("#EXTINF:") {
                duration = Double(line.dropFirst("#EXTINF:".count).split(separator: ",").first ?? "") ?? 0
            } else if line.hasPrefix("#EXT-X-ENDLIST") {
                media.ended = true
            } else if !line.hasPrefix("#"), let url = URL(string: String(line), relativeTo: base) {
                media.segments.append(Segment(url: url.absoluteURL, duration: duration))
            }
        }
        return media
    }

    /// Whether an ISO-BMFF file has a top-level box of this type.
    static func hasBox(_ data: Data, _ type: String) -> Bool {
        let bytes = [UInt8](data)
        var offset = 0
        while offset + 8 <= bytes.count {
            let size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            if String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self) == type { return true }
            guard size >= 8 else { return false }
            offset += size
        }
        return false
    }
}
