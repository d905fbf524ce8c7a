/*
 * hash.h - the feature hash: a multiply-fold chain, as in wyhash.
 *
 *   fold(a, b) = hi64(a * b) xor lo64(a * b)      (128-bit product)
 *   step(h, x) = fold(h xor x, K1)
 *   final(h)   = fold(h xor K2, K3)
 *
 * A char n-gram hashes its code points through step() from a seed derived
 * from incite_config.hash_seed and the feature kind, so every prefix of a
 * chain is itself a finished n-gram; a token hashes its bytes eight at a
 * time; a word n-gram chains its tokens' hashes.  The bucket is the top
 * hash_bits of final(); the sign, when hashing is signed, the next bit.
 * Changing anything here changes every model's features: bump
 * INCITE_FEATURE_FORMAT.
 */
#ifndef INCITE_HASH_H
#define INCITE_HASH_H

#include <stdint.h>
#include <string.h>

#define HASH_K1 0xa0761d6478bd642full
#define HASH_K2 0xe7037ed1a0b428dbull
#define HASH_K3 0x8ebc6af09c88c6e3ull
#define HASH_K4 0x589965cc75374cc3ull

__extension__ typedef unsigned __int128 hash_u128;

/* On x86-64 with GCC or Clang, one mulq in asm hands the product's halves
 * over in two registers: GCC 12 otherwise parks the 128-bit product in a
 * stack slot whenever the folded value goes on to anything but another
 * multiply (a bucket's mask and or), a store and a load per feature.  The
 * portable definition below computes the same values. */
#if defined(__GNUC__) && defined(__x86_64__)
static inline uint64_t hash_fold(uint64_t a, uint64_t b)
{
    uint64_t lo, hi;
    __asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b) : "cc");
    return hi ^ lo;
}
#else
static inline uint64_t hash_fold(uint64_t a, uint64_t b)
{
    hash_u128 r = (hash_u128)a * b;
    return (uint64_t)(r >> 64) ^ (uint64_t)r;
}
#endif

static inline uint64_t hash_step(uint64_t h, uint64_t x)
{
    return hash_fold(h ^ x, HASH_K1);
}

static inline uint64_t hash_final(uint64_t h)
{
    return hash_fold(h ^ HASH_K2, HASH_K3);
}

/* Seed for one kind of feature: distinct kinds never share a chain. */
static inline uint64_t hash_seed(uint32_t seed, uint64_t kind)
{
    return hash_fold((uint64_t)seed ^ HASH_K4, kind * HASH_K2 + HASH_K1);
}

/* A whole byte string (a token): little-endian 8-byte words, then the
 * tail with the length in the top byte. */
static inline uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = hash_step(h, w);
    }
    uint64_t t = 0;
    for (size_t k = 0; i + k < n; k++)
        t |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
    return hash_final(hash_step(h, t ^ ((uint64_t)(n & 0xff) << 56)));
}

/* hash_bytes() of a string followed by at least 7 readable bytes, whose
 * values do not matter: the tail is one load, masked, instead of a loop
 * that mispredicts its exit once per token. */
static inline uint64_t hash_bytes_padded(uint64_t h, const char *s, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = hash_step(h, w);
    }
    uint64_t t;
    memcpy(&t, s + i, 8);
    t &= ~(~0ull << (8 * (n - i)));   /* n - i < 8 */
    return hash_final(hash_step(h, t ^ ((uint64_t)(n & 0xff) << 56)));
#else
    return hash_bytes(h, s, n);
#endif
}

#endif
