import CLibAV

/// Error codes libav returns, with the macros Swift cannot import (see
/// Sources/CLibAV/shim.h) as constants.
enum LibAVCode {
    static let eof = reel_averror_eof()
    static let again = reel_averror_eagain()
    static let exit = reel_averror_exit()
    static let invalidData = reel_averror_invaliddata()

    /// av_err2str: "Invalid data found when processing input", ...
    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: Int(AV_ERROR_MAX_STRING_SIZE))
        return buffer.withUnsafeMutableBufferPointer { buffer in
            String(cString: reel_av_err2str(code, buffer.baseAddress, buffer.count))
        }
    }
}
