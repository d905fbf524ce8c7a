/*
 * utf8.h - decoding and encoding UTF-8, shared by the stages.
 *
 * Policy (the one place it is decided): an invalid sequence becomes one
 * U+FFFD per maximal subpart, as Unicode's "best practice" (and WHATWG)
 * prescribe, and is counted; overlongs, surrogates, code points above
 * U+10FFFF, stray continuation bytes and truncated sequences are invalid.
 */
#ifndef INCITE_UTF8_H
#define INCITE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFD

/* Decodes the code point at s[0..n), n >= 1.  Returns the bytes consumed
 * (>= 1) and sets *cp; on an invalid sequence *cp = U+FFFD and *bad = 1. */
static inline size_t utf8_decode(const unsigned char *s, size_t n, int32_t *cp, int *bad)
{
    unsigned char b = s[0];
    *bad = 0;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    int32_t c;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        c = b & 0x0F;
        if (b == 0xE0) lo = 0xA0;       /* overlong */
        if (b == 0xED) hi = 0x9F;       /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        c = b & 0x07;
        if (b == 0xF0) lo = 0x90;       /* overlong */
        if (b == 0xF4) hi = 0x8F;       /* above U+10FFFF */
    } else {
        *cp = UTF8_REPLACEMENT;
        *bad = 1;
        return 1;
    }
    size_t i = 1;
    for (; i <= need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *cp = UTF8_REPLACEMENT;
            *bad = 1;
            return i;
        }
        c = (c << 6) | (s[i] & 0x3F);
        lo = 0x80;
        hi = 0xBF;
    }
    *cp = c;
    return i;
}

/* Decodes already-valid UTF-8 (the normalizer's output). */
static inline size_t utf8_next(const unsigned char *s, int32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b < 0xE0) {
        *cp = ((b & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (b < 0xF0) {
        *cp = ((b & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    *cp = ((b & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

/* Writes cp (a valid scalar value) to out; returns 1 to 4. */
static inline size_t utf8_encode(int32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

#endif
