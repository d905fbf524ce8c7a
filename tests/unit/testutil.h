/*
 * testutil.h - what the stage tests share: cmocka, and running one post
 * through the core with the default configuration.
 */
#ifndef INCITE_TESTUTIL_H
#define INCITE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "incite.h"
#include "internal.h"

/* The tokens of text (through the featurizer), joined by spaces into
 * buf: the word sequence and, with variants, " |" and the folded variants
 * after it. */
static inline const char *joined_tokens(incite_featurizer *f, const char *text, size_t len,
                                        int variants, char *buf, size_t cap)
{
    assert_int_equal(incite_featurize(f, text, len, NULL, NULL), INCITE_OK);
    size_t n, k = 0;
    const incite_token *t = incite_featurizer_tokens(f, &n);
    int bar = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (t[i].flags & INCITE_TOKEN_VARIANT) {
            if (!variants)
                continue;
            if (!bar) {
                assert_true(k + 2 < cap);
                memcpy(buf + k, " |", 2);
                k += 2;
                bar = 1;
            }
        }
        assert_true(k + t[i].len + 2 < cap);
        if (k)
            buf[k++] = ' ';
        memcpy(buf + k, t[i].text, t[i].len);
        k += t[i].len;
    }
    buf[k] = '\0';
    return buf;
}

/* The word sequence of text, folded variants left out. */
static inline const char *tokens_of(incite_featurizer *f, const char *text, size_t len,
                                    char *buf, size_t cap)
{
    return joined_tokens(f, text, len, 0, buf, cap);
}

/* cmocka 1.1's float assertions work in float; ours in double. */
#define assert_close(a, b, eps)                                                     \
    do {                                                                            \
        double a_ = (a), b_ = (b);                                                  \
        if (!(a_ - b_ <= (eps) && b_ - a_ <= (eps)))                                \
            fail_msg("%s = %.17g, want %.17g (within %g)", #a, a_, b_, (double)(eps)); \
    } while (0)

static inline incite_featurizer *default_featurizer(void)
{
    incite_config c;
    incite_config_default(&c);
    incite_featurizer *f = incite_featurizer_new(&c);
    assert_non_null(f);
    return f;
}

#endif
