/*
 * fuzz.h - what the libFuzzer harnesses share: the entry point libFuzzer
 * (or replay.c) calls, and a check that stops with a message when a
 * promise of the API is broken, so that the fuzzer records the input.
 */
#ifndef INCITE_FUZZ_H
#define INCITE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, what)                                                       \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: broken promise: %s (%s)\n", __FILE__, __LINE__,  \
                    what, #cond);                                                    \
            abort();                                                                 \
        }                                                                            \
    } while (0)

/* Whether s[0..n) is valid UTF-8 under utf8.h's policy; with
 * allow_cut_tail, an incomplete sequence at the very end is allowed. */
static inline int fuzz_valid_utf8(const char *s, size_t n, int allow_cut_tail)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        int bad;
        size_t w = utf8_decode(u + i, n - i, &cp, &bad);
        if (bad && !(allow_cut_tail && i + w == n))
            return 0;
        i += w;
    }
    return 1;
}

#endif
