/*
 * score.c - the last stages of the arrow: a post's weighted features ->
 * decision values -> label, margins, calibrated probabilities; and the
 * evidence behind them.
 *
 * A linear model, whichever solver trained it, scores as one dot product
 * per decision over the post's features, reading each feature's IDF and
 * weights from one row of the model (one cache line).  A kernel model goes
 * through LIBSVM's svm_predict_values on the same normalized vector.
 * Nothing is allocated per post once the scratch has grown.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "calibrate.h"
#include "model.h"

struct incite_scorer {
    const incite_model *m;
    incite_featurizer *f;
    incite_node *nodes;        /* the post's features: tf * idf, unnormalized */
    uint32_t *src;             /* each node's entry in the feature table */
    size_t cap, nnodes;
    double inv[4];             /* per-group 1 / norm */
    double *dec, *margins, *prob, *scratch;
    double *coef;              /* the chosen label's margin per decision */
    decision last;
    int scored;
    incite_contribution *top;  /* explanation */
    uint32_t *pick;
    const char **names;
    double *contrib;
    size_t *order;
    size_t top_cap;
};

incite_scorer *incite_scorer_new(const incite_model *m)
{
    clear_error();
    if (!m) {
        set_error(INCITE_EINVAL, "no model");
        return NULL;
    }
    incite_scorer *s = calloc(1, sizeof *s);
    if (!s)
        goto oom;
    s->m = m;
    s->f = incite_featurizer_new(&m->cfg);
    size_t k = m->nlabels;
    s->dec = calloc(m->ndec, sizeof *s->dec);
    s->margins = calloc(k, sizeof *s->margins);
    s->prob = calloc(k, sizeof *s->prob);
    s->scratch = calloc(2 * k * k + 2 * k, sizeof *s->scratch);
    s->coef = calloc(m->ndec, sizeof *s->coef);
    if (!s->f || !s->dec || !s->margins || !s->prob || !s->scratch || !s->coef)
        goto oom;
    return s;
oom:
    incite_scorer_free(s);
    set_error(INCITE_ENOMEM, "out of memory for a scorer");
    return NULL;
}

void incite_scorer_free(incite_scorer *s)
{
    if (!s)
        return;
    incite_featurizer_free(s->f);
    free(s->nodes);
    free(s->src);
    free(s->dec);
    free(s->margins);
    free(s->prob);
    free(s->scratch);
    free(s->coef);
    free(s->top);
    free(s->pick);
    free(s->names);
    free(s->contrib);
    free(s->order);
    free(s);
}

void incite_scorer_keep_names(incite_scorer *s, int on)
{
    incite_featurizer_keep_names(s->f, on);
}

/* The loop below for a constant number of decisions, summed in registers
 * (through dec[] every add waited for a store it might alias) and in the
 * same order, so the results are the same to the bit.  With SSE2 (every
 * x86-64), decisions go two at a time: one instruction converts a pair of
 * weights, one multiplies and one adds them, each lane the same
 * float-to-double convert, multiply and add as alone (the build does not
 * contract them); GCC 12 converted, multiplied and repacked each weight
 * on its own. */
#if defined(__SSE2__)
static inline void decisions_n(const incite_node *restrict nodes, size_t n, const double *inv,
                               uint32_t gmask, const float *rows, size_t stride,
                               double *restrict dec, size_t ndec)
{
    const size_t npair = ndec / 2;
    __m128d acc[5];
    double last = ndec % 2 ? dec[ndec - 1] : 0;
#pragma GCC unroll 5
    for (size_t q = 0; q < npair; q++)
        acc[q] = _mm_loadu_pd(dec + 2 * q);
    for (size_t i = 0; i < n; i++) {
        uint32_t key = (uint32_t)nodes[i].index - 1;
        double x = nodes[i].value * inv[key & gmask];
        const float *row = rows + (size_t)key * stride + 1;
        const __m128d xx = _mm_set1_pd(x);
#pragma GCC unroll 5
        for (size_t q = 0; q < npair; q++) {
            /* an unaligned 8-byte load: rows are 4-byte aligned */
            const __m128i *pair = (const __m128i *)(const void *)(row + 2 * q);
            __m128 w = _mm_castsi128_ps(_mm_loadl_epi64(pair));
            acc[q] = _mm_add_pd(acc[q], _mm_mul_pd(_mm_cvtps_pd(w), xx));
        }
        if (ndec % 2)
            last += row[ndec - 1] * x;
    }
#pragma GCC unroll 5
    for (size_t q = 0; q < npair; q++)
        _mm_storeu_pd(dec + 2 * q, acc[q]);
    if (ndec % 2)
        dec[ndec - 1] = last;
}
#else
static inline void decisions_n(const incite_node *restrict nodes, size_t n, const double *inv,
                               uint32_t gmask, const float *rows, size_t stride,
                               double *restrict dec, size_t ndec)
{
    double acc[10];
#pragma GCC unroll 10
    for (size_t d = 0; d < ndec; d++)
        acc[d] = dec[d];
    for (size_t i = 0; i < n; i++) {
        uint32_t key = (uint32_t)nodes[i].index - 1;
        double x = nodes[i].value * inv[key & gmask];
        const float *row = rows + (size_t)key * stride + 1;
        /* unrolled, or GCC 12 keeps acc[] on the stack for 3 decisions
         * (the shipped model) and each add waits for the last one's store */
#pragma GCC unroll 10
        for (size_t d = 0; d < ndec; d++)
            acc[d] += row[d] * x;
    }
#pragma GCC unroll 10
    for (size_t d = 0; d < ndec; d++)
        dec[d] = acc[d];
}
#endif

/* Decision values of a linear model: bias + sum of weight * value. */
static void linear_decisions(incite_scorer *s)
{
    const incite_model *m = s->m;
    const size_t stride = m->stride, ndec = m->ndec;
    const uint32_t gmask = (1u << group_shift(&m->cfg)) - 1;
    const float *rows = m->rows;
    double *dec = s->dec;
    for (size_t d = 0; d < ndec; d++)
        dec[d] = m->bias[d];
    if (ndec == 1) {
        double sum = 0;
        for (size_t i = 0; i < s->nnodes; i++) {
            uint32_t key = (uint32_t)s->nodes[i].index - 1;
            sum += rows[(size_t)key * stride + 1] * (s->nodes[i].value * s->inv[key & gmask]);
        }
        dec[0] += sum;
        return;
    }
    switch (ndec) {   /* 3: the default model; up to 10: one-vs-rest's usual sizes */
#define DECISIONS(k)                                                        \
    case k:                                                                 \
        decisions_n(s->nodes, s->nnodes, s->inv, gmask, rows, stride, dec, k); \
        return;
    DECISIONS(2) DECISIONS(3) DECISIONS(4) DECISIONS(5) DECISIONS(6)
    DECISIONS(7) DECISIONS(8) DECISIONS(9) DECISIONS(10)
#undef DECISIONS
    default:
        break;
    }
    for (size_t i = 0; i < s->nnodes; i++) {
        uint32_t key = (uint32_t)s->nodes[i].index - 1;
        double x = s->nodes[i].value * s->inv[key & gmask];
        const float *row = rows + (size_t)key * stride + 1;
        for (size_t d = 0; d < ndec; d++)
            dec[d] += row[d] * x;
    }
}

static int kernel_decisions(incite_scorer *s)
{
    const uint32_t gmask = (1u << group_shift(&s->m->cfg)) - 1;
    for (size_t i = 0; i < s->nnodes; i++)
        s->nodes[i].value *= s->inv[(uint32_t)(s->nodes[i].index - 1) & gmask];
    s->nodes[s->nnodes].index = -1;
    svm_predict_values(&s->m->svm, (const struct svm_node *)s->nodes, s->dec);
    /* kernel parameters can be finite and still overflow (a large gamma
     * in a polynomial): no label or probability from that */
    for (size_t d = 0; d < s->m->ndec; d++)
        if (!isfinite(s->dec[d]))
            return set_error(INCITE_ESOLVER, "the model's kernel gave a non-finite decision value");
    return INCITE_OK;
}

int incite_score_post(incite_scorer *s, const char *text, size_t len, const char *target,
                      incite_score *out)
{
    s->scored = 0;
    int rc = incite_featurize(s->f, text, len, target, &out->stats);
    if (rc)
        return rc;
    const feature_table *ft = featurizer_table(s->f);
    if (ft->n + 1 > s->cap) {
        size_t ncap = s->cap, scap = s->cap;
        if (grow_array(&s->nodes, &ncap, ft->n + 1, sizeof *s->nodes) ||
            grow_array(&s->src, &scap, ft->n + 1, sizeof *s->src))
            return INCITE_ENOMEM;
        s->cap = ncap < scap ? ncap : scap;
    }
    const incite_model *m = s->m;
    s->nnodes = vector_weigh(ft, &m->cfg, m->rows, m->stride, s->nodes, s->src, s->inv);
    if (m->kind == MODEL_LINEAR)
        linear_decisions(s);
    else if ((rc = kernel_decisions(s)))
        return rc;
    s->last = decide(m->scheme, m->nlabels, s->dec, m->calib, s->margins, s->prob, s->coef,
                     s->scratch);
    s->scored = 1;
    out->label = s->last.label;
    out->margin = s->last.margin;
    out->prob = s->prob;
    out->margins = s->margins;
    return INCITE_OK;
}

/* Orders node positions by contribution, largest first (ties: earlier
 * node first).  Insertion sort: deterministic, no shared state, and n is
 * one post's features. */
static void sort_by_contribution(size_t *idx, size_t n, const double *c)
{
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && (c[idx[j - 1]] < c[v] || (c[idx[j - 1]] == c[v] && idx[j - 1] > v))) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
}

int incite_scorer_explain(incite_scorer *s, size_t k, incite_explanation *out)
{
    const incite_model *m = s->m;
    if (!s->scored)
        return set_error(INCITE_EINVAL, "nothing scored to explain");
    if (m->kind != MODEL_LINEAR)
        return set_error(INCITE_EINVAL, "explanations need a linear model; this one uses a kernel");
    size_t n = s->nnodes;
    if (n + 1 > s->top_cap) {
        size_t c1 = s->top_cap, c2 = s->top_cap, c3 = s->top_cap, c4 = s->top_cap, c5 = s->top_cap;
        if (grow_array(&s->top, &c1, n + 1, sizeof *s->top) ||
            grow_array(&s->pick, &c2, n + 1, sizeof *s->pick) ||
            grow_array(&s->names, &c3, n + 1, sizeof *s->names) ||
            grow_array(&s->contrib, &c4, n + 1, sizeof *s->contrib) ||
            grow_array(&s->order, &c5, n + 1, sizeof *s->order))
            return INCITE_ENOMEM;
        size_t c = c1 < c2 ? c1 : c2;
        c = c < c3 ? c : c3;
        c = c < c4 ? c : c4;
        s->top_cap = c < c5 ? c : c5;
    }
    const uint32_t gmask = (1u << group_shift(&m->cfg)) - 1;
    /* the label's margin is sum coef[d] * decision d: each feature's part
     * is its value times the same combination of its weights */
    size_t npos = 0, nneg = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t key = (uint32_t)s->nodes[i].index - 1;
        double x = s->nodes[i].value * s->inv[key & gmask];
        const float *w = m->rows + (size_t)key * m->stride + 1;
        double sum = 0;
        for (size_t d = 0; d < m->ndec; d++)
            sum += s->coef[d] * w[d];
        s->contrib[i] = sum * x;
        if (s->contrib[i] > 0)
            s->order[npos++] = i;
    }
    /* toward the label: largest first; against: most negative first */
    sort_by_contribution(s->order, npos, s->contrib);
    size_t shown = npos < k ? npos : k;
    for (size_t i = 0; i < n; i++)
        if (s->contrib[i] < 0)
            s->order[npos + nneg++] = i;
    size_t *neg = s->order + npos;
    for (size_t i = 0; i < nneg; i++)
        s->contrib[neg[i]] = -s->contrib[neg[i]];
    sort_by_contribution(neg, nneg, s->contrib);
    for (size_t i = 0; i < nneg; i++)
        s->contrib[neg[i]] = -s->contrib[neg[i]];
    size_t shown_neg = nneg < k ? nneg : k;
    size_t total = 0;
    for (size_t i = 0; i < shown; i++)
        s->pick[total++] = s->src[s->order[i]];
    for (size_t i = 0; i < shown_neg; i++)
        s->pick[total++] = s->src[neg[i]];
    int rc = featurizer_names(s->f, s->pick, total, s->names);
    if (rc)
        return rc;
    double shown_sum = 0, all = 0;
    size_t t = 0;
    for (size_t i = 0; i < shown; i++, t++) {
        s->top[t] = (incite_contribution){s->names[t], s->contrib[s->order[i]]};
        shown_sum += s->top[t].weight;
    }
    for (size_t i = 0; i < shown_neg; i++, t++) {
        s->top[t] = (incite_contribution){s->names[t], s->contrib[neg[i]]};
        shown_sum += s->top[t].weight;
    }
    for (size_t i = 0; i < n; i++)
        all += s->contrib[i];
    double bias = 0;
    for (size_t d = 0; d < m->ndec; d++)
        bias += s->coef[d] * m->bias[d];
    out->margin = s->last.margin;
    out->bias = bias;
    out->rest = all - shown_sum;
    out->ntop = total;
    out->top = s->top;
    return INCITE_OK;
}
