/*
 * bytes.h - tests on eight bytes at once (a little-endian 64-bit word),
 * for the scans that most posts pass without a hit: normalization's
 * ASCII path, the tokenizer's word ends, the folds' survey of a post.
 */
#ifndef INCITE_BYTES_H
#define INCITE_BYTES_H

#include <stdint.h>
#include <string.h>

#define BYTES_ONES 0x0101010101010101ull

/* High bit of each byte of x that is zero.  Exact, unlike the shorter
 * (x - ones) & ~x, which can also flag a byte next to a zero one. */
static inline uint64_t zero_bytes(uint64_t x)
{
    const uint64_t low = 0x7f7f7f7f7f7f7f7full;
    return ~(((x & low) + low) | x | low);
}

/* High bit of each byte of x equal to c. */
static inline uint64_t bytes_equal(uint64_t x, unsigned char c)
{
    return zero_bytes(x ^ (c * BYTES_ONES));
}

static inline uint64_t load8(const void *p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return x;
}

#endif
