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

#endif
