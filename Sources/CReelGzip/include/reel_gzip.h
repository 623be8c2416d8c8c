/* gzip for the Connect protocol's Content-Encoding (zlib), bounded. */
#ifndef REEL_GZIP_H
#define REEL_GZIP_H

#include <stddef.h>
#include <stdint.h>

enum {
    REEL_GZIP_OK = 0,
    REEL_GZIP_TOO_LARGE = 1,   /* the output would pass max_out: stopped, nothing more inflated */
    REEL_GZIP_MALFORMED = 2,   /* not a complete gzip stream */
    REEL_GZIP_NO_MEMORY = 3,
};

/* Inflates a gzip stream into a buffer of at most `max_out` bytes.
 * OWNERSHIP: on REEL_GZIP_OK `*out` is malloc'd and the caller frees it
 * (NULL with `*out_len` 0 for an empty result); on any error `*out` is NULL. */
int reel_gunzip(const uint8_t *in, size_t in_len, size_t max_out, uint8_t **out, size_t *out_len);

/* Deflates `in` as one gzip stream. OWNERSHIP: as reel_gunzip. */
int reel_gzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len);

#endif
