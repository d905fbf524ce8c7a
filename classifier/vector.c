/*
 * vector.c - fourth stage: hashed counts -> the sparse vector the solvers
 * read.  The only place that weights and normalizes.
 *
 * Weight of a feature: tf * idf, tf = 1 + ln(count) (sublinear, the sign
 * kept under signed hashing), idf learned in training (0 drops a feature
 * the training data did not support).  Each feature group (word, char, and
 * their target-crossed twins) is L2-normalized on its own, as sklearn's
 * union of a word and a char TfidfVectorizer is, so a post's long tail of
 * char n-grams cannot drown its words.  The features arrive sorted
 * (features.c); output is incite_node with 1-based strictly increasing
 * indexes, an optional bias node and the -1 terminator.
 */
#include <math.h>
#include <pthread.h>

#include "internal.h"

#define PREFETCH_AHEAD 16
#if defined(__GNUC__)
#define prefetch(p) __builtin_prefetch(p)
#else
#define prefetch(p) ((void)(p))
#endif

/* 1 + ln(k) for the small counts that make up nearly every feature;
 * filled once, by the same log() as the rest, so results do not depend
 * on which path computed them.  sublinear[0] = 0. */
enum { TF_TABLE = 64 };
static double sublinear[TF_TABLE];
static pthread_once_t sublinear_once = PTHREAD_ONCE_INIT;

static void fill_sublinear(void)
{
    sublinear[0] = 0.0;
    for (int k = 1; k < TF_TABLE; k++)
        sublinear[k] = 1.0 + log((double)k);
}

double vector_tf(const incite_config *c, int32_t count)
{
    if (count == 0)
        return 0.0;
    double a = count < 0 ? -(double)count : (double)count;
    double tf;
    if (!c->sublinear_tf)
        tf = a;
    else if (a < TF_TABLE) {
        pthread_once(&sublinear_once, fill_sublinear);
        tf = sublinear[(int)a];
    } else
        tf = 1.0 + log(a);
    return count < 0 ? -tf : tf;
}

size_t vector_weigh(const feature_table *ft, const incite_config *c, const float *idf,
                    size_t stride, incite_node *restrict out, uint32_t *restrict src,
                    double inv[4])
{
    /* locals: config fields are uint8_t and would be reloaded after
     * every store to out[] */
    const uint32_t gmask = (1u << group_shift(c)) - 1;
    const int sub = c->sublinear_tf;
    const feature_entry *restrict e = ft->e;
    const size_t n = ft->n;
    double ss[4] = {0};
    size_t k = 0;
    pthread_once(&sublinear_once, fill_sublinear);
    /* A model's rows are megabytes and a post's keys scattered over them:
     * ask for rows well ahead, so their cache misses overlap. */
    if (idf)
        for (size_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
            prefetch(idf + (size_t)e[i].key * stride);
    for (size_t i = 0; i < n; i++) {
        uint32_t key = e[i].key;
        if (idf && i + PREFETCH_AHEAD < n)
            prefetch(idf + (size_t)e[i + PREFETCH_AHEAD].key * stride);
        int32_t cnt = e[i].count;
        uint32_t mag = (uint32_t)(cnt < 0 ? -cnt : cnt);
        double v = (sub && mag < TF_TABLE) ? sublinear[mag] : vector_tf(c, (int32_t)mag);
        v = cnt < 0 ? -v : v;
        if (idf)
            v *= idf[(size_t)key * stride];
        ss[key & gmask] += v * v;
        out[k].index = (int)key + 1;
        out[k].value = v;
        if (src)
            src[k] = (uint32_t)i;
        k += v != 0.0;   /* an idf of 0 drops the feature */
    }
    for (int g = 0; g < 4; g++)
        inv[g] = ss[g] > 0 ? 1.0 / sqrt(ss[g]) : 0.0;
    return k;
}

long vector_build(const feature_table *ft, const incite_config *c, const float *idf,
                  size_t idf_stride, double bias, incite_node *out, size_t cap)
{
    if (cap < ft->n + 2)
        return set_error(INCITE_ELIMIT, "vector needs %zu nodes, room for %zu", ft->n + 2, cap);
    double inv[4];
    size_t k = vector_weigh(ft, c, idf, idf_stride, out, NULL, inv);
    const uint32_t gmask = (1u << group_shift(c)) - 1;
    for (size_t i = 0; i < k; i++)
        out[i].value *= inv[(uint32_t)(out[i].index - 1) & gmask];
    if (bias >= 0) {
        out[k].index = (int)incite_config_dimension(c) + 1;
        out[k].value = bias;
        k++;
    }
    out[k].index = -1;
    out[k].value = 0;
    return (long)k;
}
