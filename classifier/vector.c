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
#include <string.h>

#include "internal.h"

#define PREFETCH_AHEAD 64
#if defined(__GNUC__)
#define prefetch(p) __builtin_prefetch(p)
#else
#define prefetch(p) ((void)(p))
#endif

/* A row's first float and its last (last: see row_last()), both
 * unconditionally: a second prefetch of the same line costs less than a
 * branch per feature. */
static inline void prefetch_row(const float *row, size_t last)
{
    prefetch(row);
    prefetch(row + last);
}

/* The offset of a row's last float if rows of stride floats from rows
 * can span two cache lines, else 0.  One line holds every row when the
 * row size divides 64 bytes and rows starts on a multiple of it: a bare
 * idf (1 float), the shipped model (4); rows of a model of 2 or 10
 * decisions (12, 44 bytes) can span two. */
static size_t row_last(const float *rows, size_t stride)
{
    const size_t size = stride * sizeof(float);
    return stride > 1 && (64 % size || (uintptr_t)rows % size) ? stride - 1 : 0;
}

/* 1 + ln(k) for the small counts that make up nearly every feature;
 * filled once, by the same log() as the rest, so results do not depend
 * on which path computed them.  sublinear[0] = 0.  signed_tf[s][c +
 * TF_TABLE - 1] is the signed tf of count c, |c| < TF_TABLE, for
 * sublinear_tf = s: one load instead of the branches of vector_tf(). */
enum { TF_TABLE = 64 };
static double sublinear[TF_TABLE];
static double signed_tf[2][2 * TF_TABLE - 1];
static pthread_once_t sublinear_once = PTHREAD_ONCE_INIT;

static void fill_sublinear(void)
{
    sublinear[0] = 0.0;
    for (int k = 1; k < TF_TABLE; k++)
        sublinear[k] = 1.0 + log((double)k);
    for (int k = TF_TABLE - 1; k >= 0; k--) {   /* +0.0 last, for count 0 */
        signed_tf[0][TF_TABLE - 1 - k] = -(double)k;
        signed_tf[0][TF_TABLE - 1 + k] = (double)k;
        signed_tf[1][TF_TABLE - 1 - k] = -sublinear[k];
        signed_tf[1][TF_TABLE - 1 + k] = sublinear[k];
    }
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

/* Adds sq to the sum of group g and +0.0 to the others, which leaves
 * them unchanged: each group's sum is still the same sequence of adds in
 * key order, but lives in a register.  (Through an array indexed by the
 * group, every add waited for the previous one's store.)  The +0.0 comes
 * from masking sq's bits: the group is a coin toss, and a conditional
 * would become a mispredicted jump. */
static inline void add_square(double s[4], unsigned groups, uint32_t g, double sq)
{
    static const uint64_t one_hot[4][4] = {
        {~0ull, 0, 0, 0}, {0, ~0ull, 0, 0}, {0, 0, ~0ull, 0}, {0, 0, 0, ~0ull},
    };
    uint64_t b;
    memcpy(&b, &sq, sizeof b);
    for (unsigned k = 0; k < groups; k++) {
        uint64_t m = b & one_hot[g][k];
        double x;
        memcpy(&x, &m, sizeof x);
        s[k] += x;
    }
}

/* Whether a weight is kept: not +-0.0.  A test of its bits, not v !=
 * 0.0, which costs a compare, a parity check and a select. */
static inline size_t nonzero(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return (b << 1) != 0;
}

/* One feature of weigh(), written at out[k]; returns the next k. */
static ALWAYS_INLINE size_t weigh_one(const feature_entry *restrict e, size_t i,
                                      const incite_config *c, const double *tf,
                                      const float *idf, size_t stride,
                                      incite_node *restrict out, uint32_t *restrict src,
                                      size_t k, double acc[4], unsigned groups, int with_idf,
                                      int all_kept)
{
    const uint32_t key = e[i].key;
    const int32_t cnt = e[i].count;
    double v = (uint32_t)cnt + (TF_TABLE - 1) < 2 * TF_TABLE - 1 ? tf[cnt] : vector_tf(c, cnt);
    if (with_idf)
        v *= idf[(size_t)key * stride];
    add_square(acc, groups, key & (groups - 1), v * v);
    out[k].index = (int)key + 1;
    out[k].value = v;
    if (src)
        src[k] = (uint32_t)i;
    /* an idf of 0 drops the feature, as does a count of 0 (signed
     * hashing), the only zero tf */
    return k + (all_kept ? 1 : nonzero(v));
}

/* vector_weigh() for a number of groups, with or without idf and src,
 * all constant where it is inlined; unsigned hashing without idf keeps
 * every feature (all_kept): counts are then at least 1. */
static ALWAYS_INLINE size_t weigh(const feature_table *ft, const incite_config *c, const float *idf,
                                  size_t stride, incite_node *restrict out, uint32_t *restrict src,
                                  double s[4], unsigned groups, int with_idf, int all_kept)
{
    /* locals: config fields are uint8_t and would be reloaded after
     * every store to out[] */
    const double *tf = signed_tf[c->sublinear_tf] + TF_TABLE - 1;
    const feature_entry *restrict e = ft->e;
    const size_t n = ft->n;
    double acc[4] = {0};   /* not s[]: its stores would stay in the loop */
    size_t i = 0, k = 0;
    if (with_idf) {
        /* A model's rows are megabytes and a post's keys scattered over
         * them: ask for rows well ahead, so their cache misses overlap.
         * The loop that asks is separate from the last PREFETCH_AHEAD
         * features', so neither checks whether there is a row to ask
         * for. */
        const size_t last = row_last(idf, stride);
        for (; i < n && i < PREFETCH_AHEAD; i++)
            prefetch_row(idf + (size_t)e[i].key * stride, last);
        for (i = 0; i + PREFETCH_AHEAD < n; i++) {
            prefetch_row(idf + (size_t)e[i + PREFETCH_AHEAD].key * stride, last);
            k = weigh_one(e, i, c, tf, idf, stride, out, src, k, acc, groups, 1, all_kept);
        }
    }
    for (; i < n; i++)
        k = weigh_one(e, i, c, tf, idf, stride, out, src, k, acc, groups, with_idf, all_kept);
    memcpy(s, acc, sizeof acc);
    return k;
}

/* weigh() with and without src, which only scoring's explanations read. */
static ALWAYS_INLINE size_t weigh_src(const feature_table *ft, const incite_config *c,
                                      const float *idf, size_t stride, incite_node *restrict out,
                                      uint32_t *restrict src, double s[4], unsigned groups,
                                      int with_idf, int all_kept)
{
    return src ? weigh(ft, c, idf, stride, out, src, s, groups, with_idf, all_kept)
               : weigh(ft, c, idf, stride, out, NULL, s, groups, with_idf, all_kept);
}

size_t vector_weigh(const feature_table *ft, const incite_config *c, const float *idf,
                    size_t stride, incite_node *restrict out, uint32_t *restrict src,
                    double inv[4])
{
    double ss[4] = {0};
    pthread_once(&sublinear_once, fill_sublinear);
    size_t k;
    if (group_shift(c) == 1 && !idf && !c->signed_hash)
        k = weigh_src(ft, c, idf, stride, out, src, ss, 2, 0, 1);
    else if (group_shift(c) == 1)
        k = idf ? weigh_src(ft, c, idf, stride, out, src, ss, 2, 1, 0)
                : weigh_src(ft, c, idf, stride, out, src, ss, 2, 0, 0);
    else
        k = idf ? weigh_src(ft, c, idf, stride, out, src, ss, 4, 1, 0)
                : weigh_src(ft, c, idf, stride, out, src, ss, 4, 0, 0);
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
#pragma GCC unroll 4
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
