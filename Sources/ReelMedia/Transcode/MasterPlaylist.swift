import Foundation

/// Writes `<out>/master.m3u8`: the audio rendition (#EXT-X-MEDIA, when the
/// video variants have one) and one #EXT-X-STREAM-INF per variant stream,
/// and measures each rendition's real peak and average bitrate from its
/// segments.
enum MasterPlaylist {
    /// One variant stream: a video rung (with the audio group it plays
    /// with), or the audio rendition itself for an audio-only source.
    struct Entry {
        /// Directory of the rendition, relative to the master playlist.
        var name: String
        /// Display size; nil for audio only.
        var resolution: (width: Int, height: Int)?
        /// Every codec the variant plays, its audio rendition's included (RFC 8216).
        var codecs: String
        /// Frames per second; nil for audio only.
        var frameRate: Double?
        /// Bits per second of the variant with its audio rendition.
        var peak: Int
        var average: Int
        /// GROUP-ID of the audio rendition it plays with; nil: none.
        var audioGroup: String?
    }

    /// A rendition of TYPE=AUDIO that the variants name in AUDIO=.
    struct AudioRendition {
        var groupID: String
        var name: String
        /// RFC 5646 tag; nil when the source does not say.
        var language: String?
        var channels: Int
        /// Its directory, relative to the master playlist.
        var directory: String
    }

    static func text(_ entries: [Entry], audio: AudioRendition? = nil) -> String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
        if let audio {
            var attributes = "TYPE=AUDIO,GROUP-ID=\"\(audio.groupID)\",NAME=\"\(audio.name)\""
            if let language = audio.language { attributes += ",LANGUAGE=\"\(language)\"" }
            attributes += ",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"\(audio.channels)\",URI=\"\(audio.directory)/index.m3u8\""
            lines.append("#EXT-X-MEDIA:" + attributes)
        }
        for entry in entries {
            var attributes = "BANDWIDTH=\(entry.peak),AVERAGE-BANDWIDTH=\(entry.average)"
            if let resolution = entry.resolution { attributes += ",RESOLUTION=\(resolution.width)x\(resolution.height)" }
            attributes += ",CODECS=\"\(entry.codecs)\""
            if let frameRate = entry.frameRate { attributes += ",FRAME-RATE=" + String(format: "%.3f", frameRate) }
            if let group = entry.audioGroup { attributes += ",AUDIO=\"\(group)\"" }
            lines.append("#EXT-X-STREAM-INF:" + attributes)
            lines.append("\(entry.name)/index.m3u8")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes through a temporary file and a rename: readers never see half a playlist.
    static func write(_ entries: [Entry], audio: AudioRendition? = nil, to path: String) throws(TranscodeError) {
        try AtomicFile.write(text(entries, audio: audio), to: path)
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
