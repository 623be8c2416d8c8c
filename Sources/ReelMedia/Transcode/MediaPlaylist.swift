import Foundation

/// What Reel reads back from a media playlist the hls muxer wrote: its
/// segments in order and whether it is closed (#EXT-X-ENDLIST).
struct MediaPlaylist {
    struct Segment: Equatable {
        var duration: Double
        var uri: String
    }

    var segments: [Segment] = []
    var isFinished = false

    init?(path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var duration: Double?
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#EXTINF:") {
                duration = Double(line.dropFirst(8).prefix { $0 != "," })
            } else if line.hasPrefix("#EXT-X-ENDLIST") {
                isFinished = true
            } else if !line.hasPrefix("#"), let value = duration {
                segments.append(Segment(duration: value, uri: String(line)))
                duration = nil
            }
        }
    }

    var totalSeconds: Double { segments.reduce(0) { $0 + $1.duration } }
}
