import Foundation

/// Files that readers may fetch while a transcode runs (playlists, the MPD,
/// pictures) are written to `<path>.tmp` and renamed over `path`: a reader
/// sees the old whole file or the new whole file, never half of one.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws(TranscodeError) {
        try write(Data(text.utf8), to: path)
    }

    static func write(_ data: Data, to path: String) throws(TranscodeError) {
        let temporary = path + ".tmp"
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw .outputFailed("cannot write \(temporary): \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .outputFailed("cannot rename \(temporary): \(reason)")
        }
    }
}
