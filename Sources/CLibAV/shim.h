// Swift's view of FFmpeg (libavformat, libavcodec, libavutil, libswscale,
// libswresample). Function-like macros, compound literals and FFERRTAG
// constants do not import into Swift; each one the project needs gets a
// `static inline` wrapper here, named `reel_` + the macro in lower case.
#ifndef REEL_CLIBAV_SHIM_H
#define REEL_CLIBAV_SHIM_H

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

// MARK: Error codes (AVERROR(e) and the FFERRTAG constants)

/// AVERROR(e): a POSIX errno value as a (negative) libav error code.
static inline int reel_averror(int posix_errno) { return AVERROR(posix_errno); }
static inline int reel_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int reel_averror_eof(void) { return AVERROR_EOF; }
static inline int reel_averror_exit(void) { return AVERROR_EXIT; }
static inline int reel_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int reel_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int reel_averror_demuxer_not_found(void) { return AVERROR_DEMUXER_NOT_FOUND; }

/// av_err2str without the compound literal: writes the message for `errnum`
/// into `buf` (the caller's, at least AV_ERROR_MAX_STRING_SIZE bytes) and
/// returns `buf`, always NUL-terminated.
static inline const char *reel_av_err2str(int errnum, char *buf, size_t size) {
    if (size == 0) return buf;
    av_make_error_string(buf, size, errnum);
    return buf;
}

// MARK: Time

static inline int64_t reel_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational reel_av_time_base_q(void) { return AV_TIME_BASE_Q; }

// MARK: Stream side data

/// The display matrix of `st` (rotation metadata), or NULL. The matrix is
/// owned by the stream: valid until the format context is closed.
static inline const int32_t *reel_av_stream_display_matrix(const AVStream *st) {
#if LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 29, 100)
    const AVPacketSideData *sd = av_packet_side_data_get(
        st->codecpar->coded_side_data, st->codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX);
    return (sd && sd->size >= 9 * sizeof(int32_t)) ? (const int32_t *)sd->data : NULL;
#else
    size_t size = 0;
    const uint8_t *data = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    return (data && size >= 9 * sizeof(int32_t)) ? (const int32_t *)data : NULL;
#endif
}

#endif

// MARK: Transcoding (Sources/ReelMedia/Transcode)
#ifndef REEL_CLIBAV_SHIM_TRANSCODE_H
#define REEL_CLIBAV_SHIM_TRANSCODE_H
#include <string.h>
#include <libavutil/audio_fifo.h>

/// AV_CODEC_FLAG_GLOBAL_HEADER (a macro built from a shift): codec headers
/// (SPS/PPS for x264, AudioSpecificConfig for AAC) go into extradata, as MP4 needs.
static inline int reel_av_codec_flag_global_header(void) { return AV_CODEC_FLAG_GLOBAL_HEADER; }

// MARK: Pooled picture buffers (FramePool)
#include <libavutil/buffer.h>

/// Linesizes of a `format` picture `width` wide, each row padded to 64 bytes
/// (what av_frame_get_buffer gives, so SIMD code may read whole vectors).
/// Returns a negative error for an unusable size or format.
static inline int reel_picture_linesizes(int linesizes[4], enum AVPixelFormat format, int width) {
    return av_image_fill_linesizes(linesizes, format, FFALIGN(width, 64));
}

/// Bytes one picture takes with `reel_picture_linesizes`, plus 64 bytes of
/// padding for SIMD over-reads; negative on error.
static inline int reel_picture_buffer_size(enum AVPixelFormat format, int width, int height) {
    int linesizes[4];
    int r = reel_picture_linesizes(linesizes, format, width);
    if (r < 0) return r;
    uint8_t *pointers[4];
    int size = av_image_fill_pointers(pointers, format, height, NULL, linesizes);
    return size < 0 ? size : size + 64;
}

/// Gives `frame` (width, height and format set, no buffers yet) one buffer
/// from `pool` (made for `reel_picture_buffer_size` bytes) holding every
/// plane. The buffer goes back to the pool when the last reference to the
/// frame is dropped. 0 or a negative libav error.
static inline int reel_frame_get_pooled_buffer(AVFrame *frame, AVBufferPool *pool) {
    int linesizes[4];
    int r = reel_picture_linesizes(linesizes, (enum AVPixelFormat)frame->format, frame->width);
    if (r < 0) return r;
    AVBufferRef *buffer = av_buffer_pool_get(pool);
    if (!buffer) return AVERROR(ENOMEM);
    uint8_t *pointers[4];
    r = av_image_fill_pointers(pointers, (enum AVPixelFormat)frame->format, frame->height, buffer->data, linesizes);
    if (r < 0 || r + 64 > (int)buffer->size) {
        av_buffer_unref(&buffer);
        return r < 0 ? r : AVERROR(EINVAL);
    }
    for (int i = 0; i < 4; i++) {
        frame->data[i] = pointers[i];
        frame->linesize[i] = linesizes[i];
    }
    frame->buf[0] = buffer;
    frame->extended_data = frame->data;
    return 0;
}

#endif
