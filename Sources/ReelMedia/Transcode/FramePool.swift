import CLibAV

/// Picture buffers of one size and format, reused: libav's `AVBufferPool`
/// hands out a buffer and takes it back when the last frame referencing it
/// is freed (on whichever thread), so a rung's scaled pictures stop costing
/// an allocation (and fresh pages) per frame. The pool itself is freed once
/// this object is gone and every buffer has come back.
final class FramePool {
    let width: Int32, height: Int32
    let format: AVPixelFormat
    private var pool: OpaquePointer?

    init(width: Int32, height: Int32, format: AVPixelFormat) throws(TranscodeError) {
        self.width = width
        self.height = height
        self.format = format
        let size = reel_picture_buffer_size(format, width, height)
        guard size > 0 else { throw .encoderFailed("no picture buffer for \(width)x\(height)") }
        pool = av_buffer_pool_init(Int(size), nil)
        guard pool != nil else { throw .encoderFailed("out of memory") }
    }

    deinit {
        av_buffer_pool_uninit(&pool)
    }

    /// A new frame of the pool's size and format with a pooled buffer; the
    /// caller frees it (`av_frame_free`), which returns the buffer.
    func frame() throws(TranscodeError) -> UnsafeMutablePointer<AVFrame> {
        guard let frame = av_frame_alloc() else { throw .encoderFailed("out of memory") }
        frame.pointee.width = width
        frame.pointee.height = height
        frame.pointee.format = format.rawValue
        guard reel_frame_get_pooled_buffer(frame, pool) >= 0 else {
            var doomed: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&doomed)
            throw .encoderFailed("out of memory")
        }
        return frame
    }
}
