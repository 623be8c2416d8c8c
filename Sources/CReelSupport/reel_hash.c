/* A fast 64-bit hash of bytes for entity tags (not cryptographic: it tells
 * one version of an answer from the next, not an attacker's from yours). The
 * same bytes give the same value in every process and on every host. */
#include "reel_hash.h"
#include <string.h>

static inline uint64_t mix(uint64_t h) {
    /* MurmurHash3's fmix64 */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t reel_hash64(const uint8_t *data, size_t len) {
    const uint64_t k = 0x9e3779b97f4a7c15ULL;
    /* two lanes, so the multiplies of one do not wait for the other */
    uint64_t a = 0x243f6a8885a308d3ULL ^ (uint64_t)len, b = 0x13198a2e03707344ULL;
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        uint64_t x, y;
        memcpy(&x, data + i, 8);
        memcpy(&y, data + i + 8, 8);
        a = (a ^ x) * k;
        a ^= a >> 31;
        b = (b ^ y) * k;
        b ^= b >> 31;
    }
    uint64_t tail[2] = {0, 0};
    if (len > i) memcpy(tail, data + i, len - i);
    a = (a ^ tail[0]) * k;
    b = (b ^ tail[1]) * k;
    return mix(a ^ mix(b));
}
