import Foundation

/// Writes `<out>/master.m3u8` (one #EXT-X-STREAM-INF per rendition) and
/// measures each rendition's real peak and average bitrate from its segments.
enum MasterPlaylist {
    struct Entry {
        /// Directory of the rendition, relative to the master playlist.
        var name: String
        /// Display size; nil for audio only.
        var resolution: (width: Int, height: Int)?
        var codecs: String
        /// Frames per second; nil for audio only.
        var frameRate: Double?
        var peak: Int
        var average: Int
    }

    static func text(_ entries: [Entry]) -> String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
        for entry in entries {
            var attributes = "BANDWIDTH=\(entry.peak),AVERAGE-BANDWIDTH=\(entry.average)"
            if let resolution = entry.resolution { attributes += ",RESOLUTION=\(resolution.width)x\(resolution.height)" }
            attributes += ",CODECS=\"\(entry.codecs)\""
            if let frameRate = entry.frameRate { attributes += ",FRAME-RATE=" + String(format: "%.3f", frameRate) }
            lines.append("#EXT-X-STREAM-INF:" + attributes)
            lines.append("\(entry.name)/index.m3u8")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes through a temporary file and a rename: readers never see half a playlist.
    static func write(_ entries: [Entry], to path: String) throws(TranscodeError) {
        try AtomicFile.write(text(entries), to: path)
    }

    /// (peak, average) bits per second over the segments a media playlist
    /// lists (the init segment counted with the first); nil if unreadable.
    static func measure(playlist: String, directory: String) -> (peak: Int, average: Int)? {
        guard let playlist = MediaPlaylist(path: playlist) else { return nil }
        var peak = 0.0, totalBits = 0.0, totalSeconds = 0.0
        var extra = fileSize(directory + "/init.mp4")
        for segment in playlist.segments where segment.duration > 0 {
            let bits = Double(fileSize(directory + "/" + segment.uri) + extra) * 8
            extra = 0
            peak = max(peak, bits / segment.duration)
            totalBits += bits
            totalSeconds += segment.duration
        }
        guard totalSeconds > 0 else { return nil }
        return (Int(peak.rounded(.up)), Int((totalBits / totalSeconds).rounded(.up)))
    }

    private static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
