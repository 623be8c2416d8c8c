/* A fast, stable 64-bit hash of bytes (reel_hash.c). */
#ifndef REEL_HASH_H
#define REEL_HASH_H
#include <stddef.h>
#include <stdint.h>
uint64_t reel_hash64(const uint8_t *data, size_t len);
#endif
