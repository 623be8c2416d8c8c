#include "reel_gzip.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int reel_gunzip(const uint8_t *in, size_t in_len, size_t max_out, uint8_t **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) return REEL_GZIP_NO_MEMORY;
    size_t cap = in_len * 4 + 64;
    if (cap > max_out + 1) cap = max_out + 1;
    uint8_t *buf = malloc(cap ? cap : 1);
    if (!buf) { inflateEnd(&s); return REEL_GZIP_NO_MEMORY; }
    s.next_in = (Bytef *)in;
    s.avail_in = (uInt)in_len;
    size_t used = 0;
    int rc;
    for (;;) {
        if (used == cap) {
            /* One byte past max_out is room enough to know the limit is passed. */
            if (cap > max_out) { rc = REEL_GZIP_TOO_LARGE; goto fail; }
            size_t next = cap * 2;
            if (next > max_out + 1) next = max_out + 1;
            uint8_t *grown = realloc(buf, next);
            if (!grown) { rc = REEL_GZIP_NO_MEMORY; goto fail; }
            buf = grown;
            cap = next;
        }
        s.next_out = buf + used;
        s.avail_out = (uInt)(cap - used);
        int z = inflate(&s, Z_NO_FLUSH);
        used = cap - s.avail_out;
        if (used > max_out) { rc = REEL_GZIP_TOO_LARGE; goto fail; }
        if (z == Z_STREAM_END) {
            if (s.avail_in != 0) { rc = REEL_GZIP_MALFORMED; goto fail; }  /* trailing bytes */
            break;
        }
        if (z == Z_BUF_ERROR && s.avail_in == 0) { rc = REEL_GZIP_MALFORMED; goto fail; }  /* truncated */
        if (z != Z_OK && z != Z_BUF_ERROR) { rc = REEL_GZIP_MALFORMED; goto fail; }
    }
    inflateEnd(&s);
    if (used == 0) { free(buf); return REEL_GZIP_OK; }
    *out = buf;
    *out_len = used;
    return REEL_GZIP_OK;
fail:
    inflateEnd(&s);
    free(buf);
    return rc;
}

int reel_gzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len) {
    *out = NULL;
    *out_len = 0;
    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return REEL_GZIP_NO_MEMORY;
    size_t cap = deflateBound(&s, (uLong)in_len);
    uint8_t *buf = malloc(cap);
    if (!buf) { deflateEnd(&s); return REEL_GZIP_NO_MEMORY; }
    s.next_in = (Bytef *)in;
    s.avail_in = (uInt)in_len;
    s.next_out = buf;
    s.avail_out = (uInt)cap;
    if (deflate(&s, Z_FINISH) != Z_STREAM_END) { deflateEnd(&s); free(buf); return REEL_GZIP_NO_MEMORY; }
    *out_len = cap - s.avail_out;
    *out = buf;
    deflateEnd(&s);
    return REEL_GZIP_OK;
}
