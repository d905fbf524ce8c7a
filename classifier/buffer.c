/*
 * buffer.c - the one growth rule for the reusable buffers of the stages:
 * at least double, so a featurizer that has seen its largest post never
 * allocates again.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int grow_array(void *buf, size_t *cap, size_t need, size_t elem)
{
    void **p = (void **)buf;
    if (need <= *cap && *p)
        return INCITE_OK;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return set_error(INCITE_ENOMEM, "buffer of %zu elements too large", need);
        ncap *= 2;
    }
    void *q = realloc(*p, ncap * elem);
    if (!q)
        return set_error(INCITE_ENOMEM, "out of memory growing a buffer to %zu bytes", ncap * elem);
    *p = q;
    *cap = ncap;
    return INCITE_OK;
}
