import CLibAV

/// Turns a planar 4:2:0 frame by a quarter turn (or a half) so that rotated
/// sources come out upright: the hls muxer does not carry a display matrix
/// into its MP4 segments, and upright pixels need no player support.
enum FrameRotation {
    /// A new frame of `source` turned `degrees` clockwise (90, 180 or 270),
    /// with the same format; the caller frees it.
    static func rotated(_ source: UnsafeMutablePointer<AVFrame>, degrees: Int) throws(TranscodeError) -> UnsafeMutablePointer<AVFrame> {
        let quarter = degrees % 180 == 90
        guard let output = av_frame_alloc() else { throw .encoderFailed("out of memory") }
        output.pointee.width = quarter ? source.pointee.height : source.pointee.width
        output.pointee.height = quarter ? source.pointee.width : source.pointee.height
        output.pointee.format = source.pointee.format
        output.pointee.pts = source.pointee.pts
        output.pointee.pict_type = source.pointee.pict_type
        guard av_frame_get_buffer(output, 0) >= 0 else {
            var doomed: UnsafeMutablePointer<AVFrame>? = output
            av_frame_free(&doomed)
            throw .encoderFailed("out of memory")
        }
        let sources = [source.pointee.data.0, source.pointee.data.1, source.pointee.data.2]
        let sourceStrides = [source.pointee.linesize.0, source.pointee.linesize.1, source.pointee.linesize.2]
        let outputs = [output.pointee.data.0, output.pointee.data.1, output.pointee.data.2]
        let outputStrides = [output.pointee.linesize.0, output.pointee.linesize.1, output.pointee.linesize.2]
        for plane in 0..<3 {
            guard let from = sources[plane], let to = outputs[plane] else { continue }
            let shift: Int32 = plane == 0 ? 0 : 1  // 4:2:0 chroma planes are half size, rounded up
            let width = Int((source.pointee.width + shift) >> shift), height = Int((source.pointee.height + shift) >> shift)
            turn(from: from, stride: Int(sourceStrides[plane]), width: width, height: height,
                 to: to, stride: Int(outputStrides[plane]), degrees: degrees)
        }
        return output
    }

    /// One plane of `width`×`height` bytes.
    private static func turn(from: UnsafeMutablePointer<UInt8>, stride: Int, width: Int, height: Int,
                             to: UnsafeMutablePointer<UInt8>, stride outStride: Int, degrees: Int) {
        switch degrees {
        case 90:  // output row r, column c = source row (height-1-c), column r
            for r in 0..<width {
                let row = to + r * outStride
                for c in 0..<height { row[c] = from[(height - 1 - c) * stride + r] }
            }
        case 270:  // output row r, column c = source row c, column (width-1-r)
            for r in 0..<width {
                let row = to + r * outStride
                for c in 0..<height { row[c] = from[c * stride + width - 1 - r] }
            }
        default:  // 180
            for r in 0..<height {
                let row = to + r * outStride, source = from + (height - 1 - r) * stride
                for c in 0..<width { row[c] = source[width - 1 - c] }
            }
        }
    }
}
