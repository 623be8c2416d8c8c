import Foundation

/// The top-level boxes of an ISO-BMFF file (MP4, MOV, M4A), read without
/// libav to tell a cut-off upload (a box runs past the end of the file) from
/// a damaged one when libavformat cannot read the header.
struct MP4Layout {
    /// The type of the first box that runs past the end of the file.
    var truncatedBox: String?
    /// Whether a 'moov' box (the index) starts in the file.
    var hasMovieBox = false

    init?(path: String, fileSize: Int64) {
        guard let file = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? file.close() }
        var offset: Int64 = 0
        var boxes = 0
        while offset < fileSize && boxes < 10_000 {
            boxes += 1
            guard (try? file.seek(toOffset: UInt64(offset))) != nil,
                  let header = try? file.read(upToCount: 16), header.count >= 8 else { break }
            let bytes = [UInt8](header)
            let type = String(decoding: bytes[4..<8], as: UTF8.self)
            var size = Int64(bytes[0..<4].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            if size == 1 {  // 64-bit size follows the type
                guard bytes.count >= 16 else { truncatedBox = type; break }
                let large = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                size = large > UInt64(Int64.max) ? Int64.max : Int64(large)
            } else if size == 0 {  // the box extends to the end of the file
                size = fileSize - offset
            }
            if type == "moov" { hasMovieBox = true }
            guard size >= 8 else { break }  // not a box: leave the verdict to libav
            if size > fileSize - offset {
                truncatedBox = type
                break
            }
            offset += size
        }
    }
}
