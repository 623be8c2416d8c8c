import Foundation

/// Writes `<out>/master.m3u8` (one #EXT-X-STREAM-INF per rung) and measures
/// each rung's real peak and average bitrate from its segments.
enum MasterPlaylist {
    struct Entry {
        var rung: TranscodeRung
        var codecs: String
        var frameRate: Double
        var peak: Int
        var average: Int
    }

    static func text(_ entries: [Entry]) -> String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
        for entry in entries {
            lines.append("#EXT-X-STREAM-INF:BANDWIDTH=\(entry.peak),AVERAGE-BANDWIDTH=\(entry.average)"
                + ",RESOLUTION=\(entry.rung.width)x\(entry.rung.height)"
                + ",CODECS=\"\(entry.codecs)\",FRAME-RATE=\(String(format: "%.3f", entry.frameRate))")
            lines.append("\(entry.rung.name)/index.m3u8")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes through a temporary file and a rename: readers never see half a playlist.
    static func write(_ entries: [Entry], to path: String) throws(TranscodeError) {
        let temporary = path + ".tmp"
        do {
            try Data(text(entries).utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else { throw TranscodeError.outputFailed("cannot rename \(temporary)") }
        } catch let error as TranscodeError {
            throw error
        } catch {
            throw .outputFailed("cannot write \(path): \(error)")
        }
    }

    /// (peak, average) bits per second over the segments a media playlist
    /// lists (the init segment counted with the first); nil if unreadable.
    static func measure(playlist: String, directory: String) -> (peak: Int, average: Int)? {
        guard let text = try? String(contentsOfFile: playlist, encoding: .utf8) else { return nil }
        var duration: Double?, peak = 0.0, totalBits = 0.0, totalSeconds = 0.0
        var extra = fileSize(directory + "/init.mp4")
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#EXTINF:") {
                duration = Double(line.dropFirst(8).prefix { $0 != "," })
            } else if !line.hasPrefix("#"), let seconds = duration, seconds > 0 {
                let bits = Double(fileSize(directory + "/" + line) + extra) * 8
                extra = 0
                peak = max(peak, bits / seconds)
                totalBits += bits
                totalSeconds += seconds
                duration = nil
            }
        }
        guard totalSeconds > 0 else { return nil }
        return (Int(peak.rounded(.up)), Int((totalBits / totalSeconds).rounded(.up)))
    }

    private static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
