/*
 * train.c - labelled rows -> a calibrated model, through LIBLINEAR (the
 * default) or LIBSVM.
 *
 * Every row is featurized once, through the same incite_featurize() that
 * scoring uses, into a cache of (feature, count) runs.  A fit takes a set
 * of training rows, learns the IDF on those rows alone (so cross-validated
 * figures never see the held-out text), weights their vectors, and calls
 * the solver.  Cross-validation (stratified, seeded) gives out-of-fold
 * decisions, from which come the Platt calibration, the metrics recorded in
 * the model, the flag label's precision curve and, with a grid, the choice
 * of C (and gamma).  The final fit uses every row.
 *
 * Determinism: folds come from our own seeded generator; LIBLINEAR and
 * LIBSVM draw from rand(), which is reseeded before every solver call, so
 * a model depends on the data, options and seed only - not on --threads,
 * whose workers are processes (rand() is process-wide state), nor on
 * other trainings in the host's threads (solver_lock).
 */
#define _GNU_SOURCE   /* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <linear.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "calibrate.h"
#include "hash.h"
#include "model.h"

#define CURVE_STEPS 1000

void incite_train_options_default(incite_train_options *o)
{
    *o = (incite_train_options){
        .solver = INCITE_SOLVER_LIBLINEAR,
        .kernel = INCITE_KERNEL_LINEAR,
        .multiclass = INCITE_MULTI_AUTO,
        .loss = INCITE_LOSS_SQUARED_HINGE,
        .C = 0.4,
        .gamma = 1.0,
        .coef0 = 0.0,
        .degree = 3,
        .balanced = 1,
        .folds = 5,
        .seed = 1,
        .threads = 1,
    };
    incite_config_default(&o->features);
}

void incite_cv_result_free(incite_cv_result *r)
{
    if (!r)
        return;
    free(r->pred);
    free(r->prob);
    memset(r, 0, sizeof *r);
}

/* The fit running on this thread counts its solver's messages here;
 * LIBLINEAR's and LIBSVM's print hooks are process-wide and take no
 * context, hence a thread-local. */
static _Thread_local incite_solver_stats *solver_sink;

/* The solvers' messages are counted, never printed: "optimization
 * finished, #iter = N" ends each run of LIBLINEAR's dual solvers and of
 * LIBSVM, after "WARNING: reaching max number of iterations" if the cap
 * stopped it ("... of inner iterations" is a step within a run). */
static void solver_message(const char *s)
{
    incite_solver_stats *st = solver_sink;
    if (!st)
        return;
    if (strstr(s, "reaching max number of iterations"))
        st->capped++;
    const char *it = strstr(s, "#iter = ");
    if (it) {
        long n = strtol(it + strlen("#iter = "), NULL, 10);
        st->runs++;
        st->iterations_total += n;
        if (n > st->iterations_max)
            st->iterations_max = n;
    }
}

/* rand() is one stream per process: two solver calls at once in a host's
 * threads would interleave their draws, and each model would depend on
 * timing.  Every reseed and the solver call after it hold this lock, as
 * does setting the solvers' print hooks (process-wide too; set at each
 * call, in case the host set its own).  A forked worker does without: it
 * has one thread, and its copy of the lock may be held by a host thread
 * that does not exist in it. */
static pthread_mutex_t solver_lock = PTHREAD_MUTEX_INITIALIZER;
static int solver_lock_used = 1;

static void solver_enter(unsigned seed)
{
    if (solver_lock_used)
        pthread_mutex_lock(&solver_lock);
    set_print_string_function(solver_message);
    svm_set_print_string_function(solver_message);
    srand(seed);
}

static void solver_leave(void)
{
    if (solver_lock_used)
        pthread_mutex_unlock(&solver_lock);
}

static void add_stats(incite_solver_stats *to, const incite_solver_stats *s)
{
    to->runs += s->runs;
    to->iterations_total += s->iterations_total;
    to->capped += s->capped;
    if (s->iterations_max > to->iterations_max)
        to->iterations_max = s->iterations_max;
}

/* The labels (a, b), a < b, of pairwise decision p among k labels. */
static void pair_of(size_t k, size_t p, size_t *a, size_t *b)
{
    size_t i = 0;
    while (p >= k - 1 - i) {
        p -= k - 1 - i;
        i++;
    }
    *a = i;
    *b = i + 1 + p;
}

/* ---- the trainer's state ------------------------------------------ */

typedef struct trainer {
    const incite_dataset *d;
    const incite_train_options *o;
    incite_config cfg;
    size_t n, k, dim;
    model_scheme scheme;
    size_t ndec;
    feature_entry *cache;      /* every row's features, back to back */
    size_t *off, *len;         /* row -> its run in cache */
    int *fold;                 /* row -> fold */
    int folds;
    size_t *group;             /* row -> first row of its group (see group_rows()) */
    size_t repeated;           /* rows in another row's group */
    size_t conflicting;        /* groups with more than one label */
    size_t first_conflict;     /* the first row labelled otherwise than its group */
    int *reps;                 /* row -> times it enters training (weight) */
    double user_w[MODEL_MAX_LABELS]; /* --class-weights, 1 by default */
    size_t supported;          /* features in min_df rows or more (see count_supported()) */
} trainer;

/* splitmix64: our own generator, so folds do not depend on libc */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int featurize_all(trainer *t)
{
    incite_featurizer *f = incite_featurizer_new(&t->cfg);
    if (!f)
        return INCITE_EINVAL;
    size_t cap = 1 << 16, used = 0;
    t->cache = malloc(cap * sizeof *t->cache);
    t->off = malloc(t->n * sizeof *t->off);
    t->len = malloc(t->n * sizeof *t->len);
    if (!t->cache || !t->off || !t->len) {
        incite_featurizer_free(f);
        return set_error(INCITE_ENOMEM, "out of memory for features");
    }
    for (size_t i = 0; i < t->n; i++) {
        size_t len;
        const char *text = incite_dataset_text(t->d, i, &len);
        int rc = incite_featurize(f, text, len, incite_dataset_target(t->d, i), NULL);
        if (rc) {
            incite_featurizer_free(f);
            return rc;
        }
        const feature_table *ft = featurizer_table(f);
        if (grow_array(&t->cache, &cap, used + ft->n, sizeof *t->cache)) {
            incite_featurizer_free(f);
            return INCITE_ENOMEM;
        }
        memcpy(t->cache + used, ft->e, ft->n * sizeof *ft->e);
        t->off[i] = used;
        t->len[i] = ft->n;
        used += ft->n;
        if (t->o->progress && (i % 4096 == 0 || i + 1 == t->n))
            t->o->progress(t->o->progress_ctx, "featurizing", (int)(i + 1), (int)t->n);
    }
    incite_featurizer_free(f);
    return INCITE_OK;
}

/* A training row by a hash: its features' (group_rows()) or its stance
 * target's (record_targets()). */
typedef struct keyed {
    uint64_t hash;
    size_t row;
} keyed;

static int by_hash_then_row(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->hash != y->hash)
        return (x->hash > y->hash) - (x->hash < y->hash);
    return (x->row > y->row) - (x->row < y->row);
}

static int same_features(const trainer *t, size_t a, size_t b)
{
    return t->len[a] == t->len[b] &&
           !memcmp(t->cache + t->off[a], t->cache + t->off[b], t->len[a] * sizeof *t->cache);
}

/* Groups rows whose features are identical: one post repeated, or posts
 * the model cannot tell apart (a retweet whose mention differs).  Folds
 * deal groups, not rows: a group split over folds tests the model on
 * posts it trained on, which once lifted cross-validated macro-F1 from
 * 0.56 to 0.71 (every 7th row of HASOC's training split three times).
 * group[i] is the first row of i's group, so group[i] <= i. */
static int group_rows(trainer *t)
{
    keyed *h = malloc((t->n ? t->n : 1) * sizeof *h);
    unsigned char *conflict = calloc(t->n ? t->n : 1, 1);   /* by first row */
    if (!h || !conflict) {
        free(h);
        free(conflict);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    const uint64_t seed = hash_seed(0, 5);
    for (size_t i = 0; i < t->n; i++)
        h[i] = (keyed){hash_bytes(seed, (const char *)(t->cache + t->off[i]),
                                  t->len[i] * sizeof *t->cache),
                       i};
    qsort(h, t->n, sizeof *h, by_hash_then_row);
    t->repeated = t->conflicting = 0;
    for (size_t a = 0, b; a < t->n; a = b) {
        for (b = a + 1; b < t->n && h[b].hash == h[a].hash; b++)
            ;
        /* a run of one hash, by row: each row joins the first identical
         * row before it (posts that share a hash by chance stay apart) */
        for (size_t i = a; i < b; i++) {
            size_t r = h[i].row, g = r;
            for (size_t j = a; j < i && g == r; j++)
                if (t->group[h[j].row] == h[j].row && same_features(t, h[j].row, r))
                    g = h[j].row;
            t->group[r] = g;
            if (g == r)
                continue;
            t->repeated++;
            if (incite_dataset_label(t->d, r) != incite_dataset_label(t->d, g) && !conflict[g]) {
                conflict[g] = 1;
                if (!t->conflicting++ || r < t->first_conflict)
                    t->first_conflict = r;
            }
        }
    }
    free(h);
    free(conflict);
    return INCITE_OK;
}

/* Stratified folds of groups.  A group is dealt under the label among its
 * rows that has the fewest posts (a post can be labelled twice), so that a
 * label whose posts repeat posts labelled otherwise still spreads over
 * folds: each label's groups are shuffled and dealt round-robin, so a label
 * dealt two groups or more is in two folds or more, and every row follows
 * its group.  (By rows, a label of two posts copied many times was dealt
 * among a larger label's posts, and could land in one fold.)  Without
 * repeated posts every row is a group of its own label, and this deals rows
 * as it always did.  posts_of[c]: the groups that hold label c. */
static int assign_folds(trainer *t, const size_t *posts_of)
{
    uint64_t s = t->o->seed ^ 0xf01d5ull;
    size_t *list = malloc((t->n ? t->n : 1) * sizeof *list);
    int *deal = malloc((t->n ? t->n : 1) * sizeof *deal);   /* by first row */
    if (!list || !deal) {
        free(list);
        free(deal);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < t->n; i++)
        deal[i] = incite_dataset_label(t->d, i);
    for (size_t i = 0; i < t->n; i++) {
        size_t g = t->group[i], c = (size_t)incite_dataset_label(t->d, i), d = (size_t)deal[g];
        if (posts_of[c] < posts_of[d] || (posts_of[c] == posts_of[d] && c < d))
            deal[g] = (int)c;
    }
    int next = 0;
    for (size_t c = 0; c < t->k; c++) {
        size_t m = 0;
        for (size_t i = 0; i < t->n; i++)
            if (t->group[i] == i && (size_t)deal[i] == c)
                list[m++] = i;
        for (size_t i = m; i > 1; i--) {
            size_t j = (size_t)(next_rand(&s) % i);
            size_t tmp = list[i - 1];
            list[i - 1] = list[j];
            list[j] = tmp;
        }
        for (size_t i = 0; i < m; i++)
            t->fold[list[i]] = next++ % t->folds;   /* continue across labels */
    }
    free(list);
    free(deal);
    for (size_t i = 0; i < t->n; i++)
        t->fold[i] = t->fold[t->group[i]];
    return INCITE_OK;
}

/* Deals the groups (group_rows()) to folds: no more folds than the
 * rarest label has distinct posts, so that each fold can hold one of
 * each label, and each label in two folds at least, so that every fold's
 * training part has it. */
static int make_folds(trainer *t)
{
    keyed *lg = malloc((t->n ? t->n : 1) * sizeof *lg);   /* (label, group) */
    if (!lg)
        return set_error(INCITE_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->n; i++)
        lg[i] = (keyed){(uint64_t)incite_dataset_label(t->d, i), t->group[i]};
    qsort(lg, t->n, sizeof *lg, by_hash_then_row);
    size_t posts[MODEL_MAX_LABELS] = {0}, rows[MODEL_MAX_LABELS] = {0};
    for (size_t i = 0; i < t->n; i++) {
        rows[lg[i].hash]++;
        posts[lg[i].hash] += i == 0 || lg[i].hash != lg[i - 1].hash || lg[i].row != lg[i - 1].row;
    }
    free(lg);
    size_t rarest = 0;
    for (size_t c = 1; c < t->k; c++)
        if (posts[c] < posts[rarest])
            rarest = c;
    if (posts[rarest] < 2)
        return set_error(INCITE_EINVAL,
                         "label '%s': its %zu rows are one post (or posts with the same "
                         "features) repeated; cross-validation keeps a post's copies in one "
                         "fold, so every label needs at least 2 different posts",
                         incite_dataset_label_name(t->d, rarest), rows[rarest]);
    if (t->folds > (int)posts[rarest])
        t->folds = (int)posts[rarest];
    int rc = assign_folds(t, posts);
    if (rc)
        return rc;
    /* Some of a label's posts dealt under labels with fewer posts can
     * still share a fold with the rest (labels that repeat each other's
     * posts in a tangle): then that fold's training part would lack it. */
    for (size_t c = 0; c < t->k; c++) {
        int first = -1, spread = 0;
        for (size_t i = 0; i < t->n && !spread; i++)
            if ((size_t)incite_dataset_label(t->d, i) == c) {
                if (first < 0)
                    first = t->fold[i];
                spread = t->fold[i] != first;
            }
        if (!spread)
            return set_error(INCITE_EINVAL,
                             "label '%s': its %zu posts fell in one fold, some of them dealt "
                             "with other labels' copies of them; cross-validation needs every "
                             "label in two folds at least (check the rows that repeat a post "
                             "with another label, or try another --seed)",
                             incite_dataset_label_name(t->d, c), posts[c]);
    }
    return INCITE_OK;
}

/* ---- one fit -------------------------------------------------------- */

/* What a fit produces: decisions for some held-out rows, and/or the
 * final model's weights. */
typedef struct fit_out {
    const size_t *test;        /* rows to decide */
    size_t ntest;
    double *dec;               /* ntest x ndec */
    float *rows;               /* final model: dim x stride (idf, weights) */
    double *bias;              /* final model: ndec */
    incite_model *kernel_model;/* final kernel model (parent process only) */
} fit_out;

typedef struct problem_data {
    size_t *rows;              /* training rows, repeats for weights */
    size_t nrows, ndocs;
    float *idf;
    incite_node *nodes;
    incite_node **x;           /* per training row */
    double *y;
    /* LIBLINEAR's columns: the features kept, most frequent first, then
     * the bias (column ncols).  Hashed keys scatter a post's features
     * over megabytes of weights; in this order the features most rows
     * share sit together in cache, and the solver, which spends its time
     * waiting for weights, runs faster. */
    uint32_t *col_of;          /* key -> column; NULL: columns are keys */
    uint32_t *key_of;          /* column -> key */
    size_t ncols;
} problem_data;

static void problem_free(problem_data *p)
{
    free(p->rows);
    free(p->idf);
    free(p->nodes);
    free(p->x);
    free(p->y);
    free(p->col_of);
    free(p->key_of);
    memset(p, 0, sizeof *p);
}

static int by_uint64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* p->col_of and p->key_of from the document frequencies: most frequent
 * first, ties by key, so the order depends on the data alone. */
static int order_columns(const trainer *t, const uint32_t *df, problem_data *p)
{
    size_t kept = 0;
    for (size_t f = 0; f < t->dim; f++)
        kept += p->idf[f] != 0.0f;
    uint64_t *order = malloc((kept ? kept : 1) * sizeof *order);
    p->col_of = malloc(t->dim * sizeof *p->col_of);
    p->key_of = malloc((kept ? kept : 1) * sizeof *p->key_of);
    if (!order || !p->col_of || !p->key_of) {
        free(order);
        return set_error(INCITE_ENOMEM, "out of memory for the solver's columns");
    }
    size_t c = 0;
    for (size_t f = 0; f < t->dim; f++)
        if (p->idf[f] != 0.0f)
            order[c++] = (uint64_t)(UINT32_MAX - df[f]) << 32 | f;
    qsort(order, kept, sizeof *order, by_uint64);
    for (size_t f = 0; f < t->dim; f++)
        p->col_of[f] = UINT32_MAX;
    for (c = 0; c < kept; c++) {
        p->key_of[c] = (uint32_t)order[c];
        p->col_of[p->key_of[c]] = (uint32_t)c;
    }
    p->ncols = kept;
    free(order);
    return INCITE_OK;
}

/* Adds to df[f] the distinct rows (in_train, or all when NULL) that have
 * feature f: each distinct row once, its copies in reps[] aside. */
static void count_df(const trainer *t, const unsigned char *in_train, uint32_t *df)
{
    for (size_t i = 0; i < t->n; i++)
        if (!in_train || in_train[i])
            for (size_t j = 0; j < t->len[i]; j++)
                df[t->cache[t->off[i] + j].key]++;
}

/* IDF on the training rows (each distinct row once), then their vectors;
 * for LIBLINEAR (with_bias), in its columns. */
static int build_problem(const trainer *t, const unsigned char *in_train, int with_bias,
                         problem_data *p)
{
    uint32_t *df = calloc(t->dim, sizeof *df);
    p->idf = calloc(t->dim, sizeof *p->idf);
    if (!df || !p->idf) {
        free(df);
        return set_error(INCITE_ENOMEM, "out of memory for document frequencies");
    }
    size_t docs = 0, total = 0;
    for (size_t i = 0; i < t->n; i++) {
        docs += in_train[i] != 0;
        total += in_train[i] ? (size_t)t->reps[i] : 0;
    }
    count_df(t, in_train, df);
    for (size_t f = 0; f < t->dim; f++)
        if (df[f] >= t->cfg.min_df && df[f] > 0)
            p->idf[f] = (float)(log((1.0 + (double)docs) / (1.0 + (double)df[f])) + 1.0);
    int rc = with_bias ? order_columns(t, df, p) : INCITE_OK;
    free(df);
    if (rc)
        return rc;
    p->ndocs = docs;
    p->nrows = total;
    size_t nodes = 0;
    for (size_t i = 0; i < t->n; i++)
        if (in_train[i])
            nodes += t->len[i] + 2;
    p->rows = malloc((total ? total : 1) * sizeof *p->rows);
    p->nodes = malloc((nodes ? nodes : 1) * sizeof *p->nodes);
    p->x = malloc((total ? total : 1) * sizeof *p->x);
    p->y = malloc((total ? total : 1) * sizeof *p->y);
    if (!p->rows || !p->nodes || !p->x || !p->y)
        return set_error(INCITE_ENOMEM, "out of memory for %zu feature nodes", nodes);
    size_t used = 0, r = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (!in_train[i])
            continue;
        feature_table view = {.e = t->cache + t->off[i], .n = t->len[i]};
        long k = vector_build(&view, &t->cfg, p->idf, 1, with_bias ? 1.0 : -1.0, p->nodes + used,
                              t->len[i] + 2);
        if (k < 0)
            return (int)k;
        if (p->col_of)
            for (long q = 0; q < k; q++) {
                size_t key = (size_t)p->nodes[used + (size_t)q].index - 1;
                p->nodes[used + (size_t)q].index =
                    key == t->dim ? (int)p->ncols + 1 : (int)p->col_of[key] + 1;
            }
        for (int rep = 0; rep < t->reps[i]; rep++) {
            p->rows[r] = i;
            p->x[r] = p->nodes + used;
            p->y[r] = incite_dataset_label(t->d, i);
            r++;
        }
        used += (size_t)k + 1;
    }
    return INCITE_OK;
}

/* Class weights over the given training rows: n / (k * n_c) when
 * balanced, times --class-weights. */
static void class_weights(const trainer *t, const problem_data *p, double *w)
{
    double count[MODEL_MAX_LABELS] = {0};
    for (size_t r = 0; r < p->nrows; r++)
        count[(size_t)p->y[r]]++;
    size_t present = 0;
    for (size_t c = 0; c < t->k; c++)
        present += count[c] > 0;
    for (size_t c = 0; c < t->k; c++) {
        w[c] = t->user_w[c];
        if (t->o->balanced && count[c] > 0)
            w[c] *= (double)p->nrows / ((double)present * count[c]);
    }
}

static int liblinear_solver(const trainer *t)
{
    if (t->scheme == SCHEME_CS)
        return MCSVM_CS;
    switch (t->o->loss) {
    case INCITE_LOSS_HINGE: return L2R_L1LOSS_SVC_DUAL;
    case INCITE_LOSS_LOGISTIC: return L2R_LR_DUAL;
    default: return L2R_L2LOSS_SVC_DUAL;
    }
}

/* A weight vector's columns: LIBLINEAR's problems have the kept features
 * (order_columns()), LIBSVM's, whose linear kernel is collapsed to
 * weights, the keys themselves; either way the bias comes last. */
static size_t columns(const trainer *t, const problem_data *p)
{
    return p->col_of ? p->ncols : t->dim;
}

/* Decision value of x (keys, no bias node) under a weight vector over
 * p's columns (w[columns]: bias). */
static double dot(const trainer *t, const problem_data *p, const double *w, size_t stride,
                  size_t col, const incite_node *x)
{
    double s = w[columns(t, p) * stride + col];   /* bias feature, value 1 */
    for (; x->index != -1; x++) {
        size_t key = (size_t)x->index - 1;
        s += w[(p->col_of ? p->col_of[key] : key) * stride + col] * x->value;
    }
    return s;
}

typedef struct linear_fn {
    /* decision d's weight of feature j: w[j * stride + col[d]] * sign[d],
     * or with identity w[j * stride + d] (LIBSVM's collapse, whose
     * k(k-1)/2 pairs outnumber the arrays past 23 labels) */
    const double *w;
    size_t stride;
    int identity;
    size_t col[MODEL_MAX_LABELS];
    double sign[MODEL_MAX_LABELS];
} linear_fn;

static size_t fn_col(const linear_fn *fn, size_t d)
{
    return fn->identity ? d : fn->col[d];
}

static double fn_sign(const linear_fn *fn, size_t d)
{
    return fn->identity ? 1.0 : fn->sign[d];
}

/* Test rows' vectors, built with the training rows' IDF. */
static incite_node *test_vector(const trainer *t, const problem_data *p, size_t row,
                                incite_node *buf)
{
    feature_table view = {.e = t->cache + t->off[row], .n = t->len[row]};
    vector_build(&view, &t->cfg, p->idf, 1, -1.0, buf, t->len[row] + 2);
    return buf;
}

/* Writes decision d of a linear function (LIBLINEAR's, or LIBSVM's collapsed)
 * into the outputs. */
static void emit_linear(const trainer *t, const problem_data *p, const linear_fn *fn, size_t d,
                        size_t first, size_t count, fit_out *out, incite_node *buf)
{
    for (size_t i = 0; i < out->ntest; i++) {
        incite_node *x = test_vector(t, p, out->test[i], buf);
        for (size_t k = 0; k < count; k++)
            out->dec[i * t->ndec + first + k] =
                fn_sign(fn, d + k) * dot(t, p, fn->w, fn->stride, fn_col(fn, d + k), x);
    }
    if (out->rows) {
        size_t stride = 1 + t->ndec, ncols = columns(t, p);
        for (size_t c = 0; c < ncols; c++) {
            size_t j = p->key_of ? p->key_of[c] : c;
            out->rows[j * stride] = p->idf[j];
            for (size_t k = 0; k < count; k++)
                out->rows[j * stride + 1 + first + k] =
                    (float)(fn_sign(fn, d + k) * fn->w[c * fn->stride + fn_col(fn, d + k)]);
        }
        for (size_t k = 0; k < count; k++)
            out->bias[first + k] = fn_sign(fn, d + k) * fn->w[ncols * fn->stride + fn_col(fn, d + k)];
    }
}

static int fit_liblinear(const trainer *t, const problem_data *p, double C, uint64_t seed,
                         fit_out *out)
{
    double cw[MODEL_MAX_LABELS];
    class_weights(t, p, cw);
    size_t buf_cap = 2;
    for (size_t i = 0; i < out->ntest; i++)
        buf_cap = t->len[out->test[i]] + 2 > buf_cap ? t->len[out->test[i]] + 2 : buf_cap;
    incite_node *buf = malloc(buf_cap * sizeof *buf);
    if (!buf)
        return set_error(INCITE_ENOMEM, "out of memory");
    int rc = INCITE_OK;
    size_t npairs = t->scheme == SCHEME_OVO ? t->ndec : 1;
    for (size_t pair = 0; pair < npairs && !rc; pair++) {
        /* OVO: the rows of labels a and b, a positive */
        size_t a = 0, b = 0;
        struct problem prob = {.bias = 1.0, .n = (int)p->ncols + 1};
        double *y = p->y;
        struct feature_node **x = (struct feature_node **)p->x;
        size_t l = p->nrows;
        double *suby = NULL;
        struct feature_node **subx = NULL;
        if (t->scheme == SCHEME_OVO) {
            pair_of(t->k, pair, &a, &b);
            suby = malloc(p->nrows * sizeof *suby);
            subx = malloc(p->nrows * sizeof *subx);
            if (!suby || !subx) {
                free(suby);
                free(subx);
                rc = set_error(INCITE_ENOMEM, "out of memory");
                break;
            }
            l = 0;
            for (size_t r = 0; r < p->nrows; r++)
                if ((size_t)p->y[r] == a || (size_t)p->y[r] == b) {
                    suby[l] = p->y[r];
                    subx[l] = (struct feature_node *)p->x[r];
                    l++;
                }
            y = suby;
            x = subx;
        }
        prob.l = (int)l;
        prob.y = y;
        prob.x = x;
        /* weights of the labels in this problem only: LIBLINEAR warns on
         * stderr about the others */
        int wl[MODEL_MAX_LABELS];
        double wv[MODEL_MAX_LABELS];
        size_t nw = 0;
        for (size_t c = 0; c < t->k; c++)
            if (t->scheme != SCHEME_OVO || c == a || c == b) {
                wl[nw] = (int)c;
                wv[nw++] = cw[c];
            }
        struct parameter param = {
            .solver_type = liblinear_solver(t),
            .eps = t->o->eps > 0 ? t->o->eps : 0.1,
            .C = C,
            .nr_weight = (int)nw,
            .weight_label = wl,
            .weight = wv,
            .p = 0.1,
        };
        const char *why = check_parameter(&prob, &param);
        if (why) {
            rc = set_error(INCITE_ESOLVER, "LIBLINEAR: %s", why);
            free(suby);
            free(subx);
            break;
        }
        solver_enter((unsigned)(seed + pair));
        struct model *lm = train(&prob, &param);
        solver_leave();
        free(suby);
        free(subx);
        if (!lm) {
            rc = set_error(INCITE_ESOLVER, "LIBLINEAR failed to train");
            break;
        }
        /* map LIBLINEAR's label order (first seen) onto ours */
        linear_fn fn = {.w = lm->w};
        if (lm->nr_class == 2 && lm->param.solver_type != MCSVM_CS) {
            fn.stride = 1;
            if (t->scheme == SCHEME_OVO) {
                fn.col[0] = 0;
                fn.sign[0] = (size_t)lm->label[0] == a ? 1.0 : -1.0;
                emit_linear(t, p, &fn, 0, pair, 1, out, buf);
            } else {
                fn.col[0] = 0;
                fn.sign[0] = lm->label[0] == 0 ? 1.0 : -1.0;
                emit_linear(t, p, &fn, 0, 0, 1, out, buf);
            }
        } else {
            fn.stride = (size_t)lm->nr_class;
            if ((size_t)lm->nr_class != t->k) {
                rc = set_error(INCITE_ESOLVER, "a fold lacks a label: LIBLINEAR saw %d of %zu",
                               lm->nr_class, t->k);
            } else {
                for (int c = 0; c < lm->nr_class; c++) {
                    fn.col[lm->label[c]] = (size_t)c;
                    fn.sign[lm->label[c]] = 1.0;
                }
                emit_linear(t, p, &fn, 0, 0, t->k, out, buf);
            }
        }
        free_and_destroy_model(&lm);
    }
    free(buf);
    return rc;
}

static int to_svm_kernel(incite_kernel k)
{
    switch (k) {
    case INCITE_KERNEL_RBF: return RBF;
    case INCITE_KERNEL_POLY: return POLY;
    case INCITE_KERNEL_SIGMOID: return SIGMOID;
    default: return LINEAR;
    }
}

/* Deep copy of a trained LIBSVM model into a kernel incite_model: the
 * trained one points into the training problem. */
static int keep_kernel(const trainer *t, const struct svm_model *v, const problem_data *p,
                       incite_model *m)
{
    m->kind = MODEL_KERNEL;
    m->scheme = SCHEME_OVO;
    m->ndec = t->ndec;
    m->stride = 1;
    m->rows = model_alloc_rows(t->dim, &m->rows_mapped);
    model_advise_rows(m->rows, m->rows_mapped);
    m->calib = calloc(t->ndec, sizeof *m->calib);
    struct svm_model *c = &m->svm;
    *c = (struct svm_model){.param = v->param, .nr_class = v->nr_class, .l = v->l};
    c->param.weight = NULL;
    c->param.weight_label = NULL;
    c->param.nr_weight = 0;
    c->SV = calloc((size_t)v->l, sizeof *c->SV);
    c->sv_coef = calloc((size_t)v->nr_class - 1, sizeof *c->sv_coef);
    c->rho = calloc(t->ndec, sizeof *c->rho);
    c->label = calloc((size_t)v->nr_class, sizeof *c->label);
    c->nSV = calloc((size_t)v->nr_class, sizeof *c->nSV);
    size_t nodes = 0;
    for (int i = 0; i < v->l; i++) {
        const struct svm_node *x = v->SV[i];
        while (x->index != -1)
            x++, nodes++;
        nodes++;
    }
    m->sv_nodes = malloc(nodes * sizeof *m->sv_nodes);
    if (!m->rows || !m->calib || !c->SV || !c->sv_coef || !c->rho || !c->label || !c->nSV ||
        !m->sv_nodes)
        return set_error(INCITE_ENOMEM, "out of memory");
    c->sv_coef[0] = malloc((size_t)(v->nr_class - 1) * (size_t)v->l * sizeof(double));
    if (!c->sv_coef[0])
        return set_error(INCITE_ENOMEM, "out of memory");
    for (int j = 0; j + 1 < v->nr_class; j++) {
        c->sv_coef[j] = c->sv_coef[0] + (size_t)j * (size_t)v->l;
        memcpy(c->sv_coef[j], v->sv_coef[j], (size_t)v->l * sizeof(double));
    }
    memcpy(c->rho, v->rho, t->ndec * sizeof(double));
    for (int i = 0; i < v->nr_class; i++) {
        c->label[i] = v->label[i];
        c->nSV[i] = v->nSV[i];
    }
    struct svm_node *dst = m->sv_nodes;
    for (int i = 0; i < v->l; i++) {
        c->SV[i] = dst;
        const struct svm_node *x = v->SV[i];
        do
            *dst++ = *x;
        while ((x++)->index != -1);
    }
    for (size_t j = 0; j < t->dim; j++)
        m->rows[j] = p->idf[j];
    m->nsupported = 0;
    for (size_t j = 0; j < t->dim; j++)
        m->nsupported += p->idf[j] != 0.0f;
    return INCITE_OK;
}

static int fit_libsvm(const trainer *t, problem_data *p, double C, double gamma, fit_out *out)
{
    /* rows sorted by label, so LIBSVM's label order (first seen) is ours */
    size_t *order = malloc(p->nrows * sizeof *order);
    struct svm_node **x = malloc(p->nrows * sizeof *x);
    double *y = malloc(p->nrows * sizeof *y);
    if (!order || !x || !y) {
        free(order);
        free(x);
        free(y);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    size_t l = 0;
    for (size_t c = 0; c < t->k; c++)
        for (size_t r = 0; r < p->nrows; r++)
            if ((size_t)p->y[r] == c) {
                x[l] = (struct svm_node *)p->x[r];
                y[l] = p->y[r];
                l++;
            }
    free(order);
    double cw[MODEL_MAX_LABELS];
    class_weights(t, p, cw);
    int wl[MODEL_MAX_LABELS];
    for (size_t c = 0; c < t->k; c++)
        wl[c] = (int)c;
    struct svm_problem prob = {.l = (int)l, .y = y, .x = x};
    struct svm_parameter param = {
        .svm_type = C_SVC,
        .kernel_type = to_svm_kernel(t->o->kernel),
        .degree = t->o->degree,
        .gamma = gamma,
        .coef0 = t->o->coef0,
        .cache_size = 200,
        .eps = t->o->eps > 0 ? t->o->eps : 1e-3,
        .C = C,
        .nr_weight = (int)t->k,
        .weight_label = wl,
        .weight = cw,
        .shrinking = 1,
        .probability = 0,
    };
    const char *why = svm_check_parameter(&prob, &param);
    if (why) {
        free(x);
        free(y);
        return set_error(INCITE_ESOLVER, "LIBSVM: %s", why);
    }
    solver_enter((unsigned)t->o->seed);
    struct svm_model *v = svm_train(&prob, &param);
    solver_leave();
    int rc = INCITE_OK;
    if (!v || v->nr_class != (int)t->k) {
        rc = set_error(INCITE_ESOLVER, "LIBSVM failed to train on every label");
        goto done;
    }
    if (param.kernel_type == LINEAR) {
        /* collapse each pairwise function to weights: w = sum coef * sv */
        size_t stride = t->ndec;
        double *w = calloc((t->dim + 1) * stride, sizeof *w);
        if (!w) {
            rc = set_error(INCITE_ENOMEM, "out of memory");
            goto done;
        }
        int start[MODEL_MAX_LABELS];
        start[0] = 0;
        for (int i = 1; i < v->nr_class; i++)
            start[i] = start[i - 1] + v->nSV[i - 1];
        const linear_fn fn = {.w = w, .stride = stride, .identity = 1};
        for (int i = 0, pp = 0; i < v->nr_class; i++)
            for (int j = i + 1; j < v->nr_class; j++, pp++) {
                for (int s = start[i]; s < start[i] + v->nSV[i]; s++)
                    for (const struct svm_node *n = v->SV[s]; n->index != -1; n++)
                        w[(size_t)(n->index - 1) * stride + (size_t)pp] += v->sv_coef[j - 1][s] * n->value;
                for (int s = start[j]; s < start[j] + v->nSV[j]; s++)
                    for (const struct svm_node *n = v->SV[s]; n->index != -1; n++)
                        w[(size_t)(n->index - 1) * stride + (size_t)pp] += v->sv_coef[i][s] * n->value;
                w[t->dim * stride + (size_t)pp] = -v->rho[pp];
            }
        size_t cap = 2;
        for (size_t i = 0; i < out->ntest; i++)
            cap = t->len[out->test[i]] + 2 > cap ? t->len[out->test[i]] + 2 : cap;
        incite_node *buf = malloc(cap * sizeof *buf);
        if (!buf)
            rc = set_error(INCITE_ENOMEM, "out of memory");
        else
            emit_linear(t, p, &fn, 0, 0, t->ndec, out, buf);
        free(buf);
        free(w);
        goto done;
    }
    for (size_t i = 0; i < out->ntest; i++) {
        size_t row = out->test[i];
        incite_node *buf = malloc((t->len[row] + 2) * sizeof *buf);
        if (!buf) {
            rc = set_error(INCITE_ENOMEM, "out of memory");
            goto done;
        }
        test_vector(t, p, row, buf);
        svm_predict_values(v, (struct svm_node *)buf, out->dec + i * t->ndec);
        free(buf);
    }
    if (out->kernel_model)
        rc = keep_kernel(t, v, p, out->kernel_model);
done:
    if (v)
        svm_free_and_destroy_model(&v);
    free(x);
    free(y);
    return rc;
}

/* One fit on the rows where in_train is set. */
static int fit(const trainer *t, const unsigned char *in_train, double C, double gamma,
               uint64_t seed, fit_out *out)
{
    problem_data p = {0};
    int with_bias = t->o->solver == INCITE_SOLVER_LIBLINEAR;
    int rc = build_problem(t, in_train, with_bias, &p);
    if (!rc)
        rc = t->o->solver == INCITE_SOLVER_LIBLINEAR ? fit_liblinear(t, &p, C, seed, out)
                                                    : fit_libsvm(t, &p, C, gamma, out);
    problem_free(&p);
    return rc;
}

/* ---- cross-validation and the jobs that run it ------------------------- */

typedef struct job {
    int fold;                  /* -1: the final fit */
    size_t grid;               /* index into the (C, gamma) grid */
    size_t slot;               /* its solver_stats in shared */
} job;

typedef struct grid_point {
    double C, gamma;
} grid_point;

typedef struct shared {
    double *oof;               /* ngrid x n x ndec out-of-fold decisions */
    float *rows;               /* final linear model: dim x stride */
    double *bias;              /* final linear model: ndec */
    char (*errors)[256];       /* per job */
    incite_solver_stats *stats; /* per job */
    size_t bytes;
    void *base;
} shared;

static int run_job(const trainer *t, const grid_point *g, const job *j, shared *sh,
                   incite_model *kernel_final)
{
    unsigned char *in_train = malloc(t->n);
    size_t *test = malloc((t->n ? t->n : 1) * sizeof *test);
    double *dec = NULL;
    if (!in_train || !test) {
        free(in_train);
        free(test);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    size_t ntest = 0;
    for (size_t i = 0; i < t->n; i++) {
        in_train[i] = j->fold < 0 || t->fold[i] != j->fold;
        if (!in_train[i])
            test[ntest++] = i;
    }
    fit_out out = {.test = test, .ntest = ntest};
    if (j->fold >= 0) {
        dec = malloc((ntest ? ntest : 1) * t->ndec * sizeof *dec);
        out.dec = dec;
    } else if (kernel_final) {
        out.kernel_model = kernel_final;
    } else {
        out.rows = sh->rows;
        out.bias = sh->bias;
    }
    solver_sink = &sh->stats[j->slot];
    int rc = (j->fold >= 0 && !dec) ? set_error(INCITE_ENOMEM, "out of memory")
                                    : fit(t, in_train, g->C, g->gamma,
                                          t->o->seed * 1000003u + (uint64_t)(j->fold + 1), &out);
    solver_sink = NULL;
    if (!rc && dec) {
        double *oof = sh->oof + j->grid * t->n * t->ndec;
        for (size_t i = 0; i < ntest; i++)
            memcpy(oof + test[i] * t->ndec, dec + i * t->ndec, t->ndec * sizeof *dec);
    }
    free(dec);
    free(in_train);
    free(test);
    return rc;
}

static int shared_alloc(shared *sh, size_t ngrid, const trainer *t, size_t njobs, int final_rows)
{
    size_t oof = ngrid * t->n * t->ndec * sizeof(double);
    size_t rows = final_rows ? t->dim * (1 + t->ndec) * sizeof(float) : 0;
    size_t bias = t->ndec * sizeof(double);
    size_t errs = njobs * 256;
    size_t stats = njobs * sizeof(incite_solver_stats);
    sh->bytes = oof + rows + bias + errs + stats + 64;
    sh->base = mmap(NULL, sh->bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh->base == MAP_FAILED) {
        sh->base = NULL;
        return set_error(INCITE_ENOMEM, "cannot map %zu bytes of shared memory", sh->bytes);
    }
    char *p = sh->base;
    sh->oof = (double *)p;
    p += oof;
    sh->bias = (double *)p;
    p += bias;
    sh->stats = (incite_solver_stats *)p;   /* after doubles: aligned */
    p += stats;
    sh->rows = final_rows ? (float *)p : NULL;
    p += rows;
    sh->errors = (char (*)[256])p;
    return INCITE_OK;
}

static void shared_free(shared *sh)
{
    if (sh->base)
        munmap(sh->base, sh->bytes);
    memset(sh, 0, sizeof *sh);
}

/* Runs jobs, in worker processes when threads > 1.  Kernel final fits run
 * here, in this process, which keeps the model. */
static int run_jobs(const trainer *t, const grid_point *grid, const job *jobs, size_t njobs,
                    shared *sh, incite_model *kernel_final)
{
    int threads = t->o->threads > 1 ? t->o->threads : 1;
    size_t done = 0;
    if (threads == 1) {
        for (size_t i = 0; i < njobs; i++) {
            int rc = run_job(t, &grid[jobs[i].grid], &jobs[i], sh,
                             jobs[i].fold < 0 ? kernel_final : NULL);
            if (rc)
                return rc;
            if (t->o->progress)
                t->o->progress(t->o->progress_ctx, "fitting", (int)++done, (int)njobs);
        }
        return INCITE_OK;
    }
    /* Each worker reports through a pipe of its own: one byte, '0' or
     * '1', then end of file when it exits (end of file alone: it died).
     * The parent waits on those pipes and reaps each worker by its pid,
     * never with waitpid(-1): in a host with children of its own, that
     * once took the host's child for a worker and returned a model whose
     * weights were read before the worker had written them. */
    pid_t *pid = calloc(njobs, sizeof *pid);
    int *fd = malloc(njobs * sizeof *fd);
    struct pollfd *pfd = malloc(njobs * sizeof *pfd);
    size_t *slot = malloc(njobs * sizeof *slot);
    if (!pid || !fd || !pfd || !slot) {
        free(pid);
        free(fd);
        free(pfd);
        free(slot);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    size_t next = 0, running = 0;
    int rc = INCITE_OK;
    fflush(NULL);
    while ((next < njobs || running > 0)) {
        while (rc == INCITE_OK && next < njobs && running < (size_t)threads) {
            if (jobs[next].fold < 0 && kernel_final) {
                next++;   /* kept for the end: it must run in this process */
                continue;
            }
            int p[2];   /* close-on-exec at once: a host thread's fork and exec must
                           not keep a write end, or the end of file never comes */
            if (pipe2(p, O_CLOEXEC) != 0) {
                rc = set_error(INCITE_EIO, "pipe failed: %s", strerror(errno));
                break;
            }
            pid_t parent = getpid(), c = fork();
            if (c < 0) {
                rc = set_error(INCITE_EIO, "fork failed: %s", strerror(errno));
                close(p[0]);
                close(p[1]);
                break;
            }
            if (c == 0) {
                solver_lock_used = 0;
                close(p[0]);
                /* a killed parent must not leave its workers computing for
                 * nobody (they once ran on at full CPU) */
                if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
                    snprintf(sh->errors[next], 256, "prctl: %s", strerror(errno));
                    _exit(1);
                }
                if (getppid() != parent)   /* it died before prctl(): nobody to report to */
                    _exit(1);
                int r = run_job(t, &grid[jobs[next].grid], &jobs[next], sh, NULL);
                if (r)
                    snprintf(sh->errors[next], 256, "%s", incite_last_error());
                char b = r ? '1' : '0';
                ssize_t ignored = write(p[1], &b, 1);
                (void)ignored;   /* unread, the parent sees end of file: a failure */
                _exit(r ? 1 : 0);
            }
            close(p[1]);
            pid[next] = c;
            fd[next++] = p[0];
            running++;
        }
        if (running == 0)
            break;
        size_t np = 0;
        for (size_t i = 0; i < next; i++)
            if (pid[i] > 0) {
                pfd[np] = (struct pollfd){.fd = fd[i], .events = POLLIN};
                slot[np++] = i;
            }
        if (poll(pfd, np, -1) < 0) {
            if (errno == EINTR)
                continue;
            rc = set_error(INCITE_EIO, "poll: %s", strerror(errno));
            break;
        }
        for (size_t q = 0; q < np; q++) {
            if (!pfd[q].revents)
                continue;
            size_t i = slot[q];
            char b = 0;
            ssize_t got;
            while ((got = read(fd[i], &b, 1)) < 0 && errno == EINTR)
                ;
            close(fd[i]);
            int status = 0;
            /* ECHILD: a host that ignores SIGCHLD reaped it already; the
             * pipe said how it went */
            while (waitpid(pid[i], &status, 0) < 0 && errno == EINTR)
                ;
            pid[i] = 0;
            running--;
            if ((got != 1 || b != '0') && !rc)
                rc = sh->errors[i][0] ? set_error(INCITE_ESOLVER, "%s", sh->errors[i])
                                      : set_error(INCITE_ESOLVER, "a training worker died (status %d)",
                                                  status);
            if (t->o->progress)
                t->o->progress(t->o->progress_ctx, "fitting", (int)++done, (int)njobs);
        }
        if (rc)   /* the others' work is lost anyway: stop them now (below) */
            break;
    }
    /* After a failure: ours only, with SIGKILL (a worker is a fork of the
     * host, whose SIGTERM handling it would have), unless its pipe says it
     * has exited already (a host's SIGCHLD handler may have reaped it, and
     * its pid be another process's now); then reaped. */
    for (size_t i = 0; i < next; i++)
        if (pid[i] > 0) {
            struct pollfd gone = {.fd = fd[i], .events = POLLIN};
            if (poll(&gone, 1, 0) == 0)
                kill(pid[i], SIGKILL);
            close(fd[i]);
            while (waitpid(pid[i], NULL, 0) < 0 && errno == EINTR)
                ;
        }
    free(fd);
    free(pfd);
    free(slot);
    free(pid);
    if (!rc && kernel_final)
        for (size_t i = 0; i < njobs; i++)
            if (jobs[i].fold < 0 && (rc = run_job(t, &grid[jobs[i].grid], &jobs[i], sh, kernel_final)))
                break;
    return rc;
}

/* ---- calibration, curves, metrics from out-of-fold decisions -------- */

/* The rows and targets a decision function is calibrated on, each row as
 * many times as its weight says (as training repeats it). */
static size_t calib_rows(const trainer *t, size_t d, const double *oof, const unsigned char *use,
                         double *f, unsigned char *pos)
{
    size_t m = 0, a = 0, b = 0;
    if (t->scheme == SCHEME_OVO)
        pair_of(t->k, d, &a, &b);
    for (size_t i = 0; i < t->n; i++) {
        if (!use[i])
            continue;
        size_t y = (size_t)incite_dataset_label(t->d, i);
        if (t->scheme == SCHEME_OVO && y != a && y != b)
            continue;
        for (int rep = 0; rep < t->reps[i]; rep++) {
            f[m] = oof[i * t->ndec + d];
            pos[m] = t->scheme == SCHEME_BINARY ? y == 0 : t->scheme == SCHEME_OVO ? y == a : y == d;
            m++;
        }
    }
    return m;
}

/* Each row's weight, as metrics take it. */
static double *row_weights(const trainer *t)
{
    double *w = malloc((t->n ? t->n : 1) * sizeof *w);
    for (size_t i = 0; w && i < t->n; i++)
        w[i] = t->reps[i];
    return w;
}

static int calibrate_all(const trainer *t, const double *oof, const unsigned char *use, platt *out)
{
    size_t total = 0;
    for (size_t i = 0; i < t->n; i++)
        total += (size_t)t->reps[i];
    double *f = malloc((total ? total : 1) * sizeof *f);
    unsigned char *pos = malloc(total ? total : 1);
    if (!f || !pos) {
        free(f);
        free(pos);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    for (size_t d = 0; d < t->ndec; d++)
        out[d] = platt_fit(f, pos, calib_rows(t, d, oof, use, f, pos));
    free(f);
    free(pos);
    return INCITE_OK;
}

/* Labels (and, with per-fold calibrators fitted on the other folds,
 * probabilities) for every row from its out-of-fold decisions. */
static int oof_predict(const trainer *t, const double *oof, int *pred, double *prob)
{
    size_t k = t->k;
    double *scratch = malloc((2 * k * k + 2 * k) * sizeof *scratch);
    double *margins = malloc(2 * k * sizeof *margins);   /* and unused probabilities */
    platt *cal = prob ? calloc(t->ndec * (size_t)t->folds, sizeof *cal) : NULL;
    unsigned char *use = malloc(t->n ? t->n : 1);
    int rc = INCITE_OK;
    if (!scratch || !margins || !use || (prob && !cal)) {
        rc = set_error(INCITE_ENOMEM, "out of memory");
        goto out;
    }
    for (int f = 0; prob && f < t->folds && !rc; f++) {
        for (size_t i = 0; i < t->n; i++)
            use[i] = t->fold[i] != f;
        rc = calibrate_all(t, oof, use, cal + (size_t)f * t->ndec);
    }
    for (size_t i = 0; i < t->n && !rc; i++) {
        const platt *c = prob ? cal + (size_t)t->fold[i] * t->ndec : NULL;
        decision d = decide(t->scheme, k, oof + i * t->ndec, c, margins,
                            prob ? prob + i * k : margins + k, NULL, scratch);
        pred[i] = d.label;
    }
out:
    free(scratch);
    free(margins);
    free(cal);
    free(use);
    return rc;
}

static double macro_f1(const trainer *t, const int *pred)
{
    int *truth = malloc((t->n ? t->n : 1) * sizeof *truth);
    double *w = row_weights(t), f = NAN;
    for (size_t i = 0; truth && i < t->n; i++)
        truth[i] = incite_dataset_label(t->d, i);
    incite_metrics m;
    if (truth && w && incite_metrics_compute(t->n, t->k, truth, pred, NULL, w, &m) == INCITE_OK) {
        f = m.macro_f1;
        incite_metrics_free(&m);
    }
    free(truth);
    free(w);
    return f;
}

/* Precision and recall of "flag probability >= threshold" on a grid of
 * thresholds, from the cross-validated probabilities. */
static int flag_curve(const trainer *t, const double *prob, int flag, incite_model *m)
{
    m->curve = malloc((CURVE_STEPS + 1) * sizeof *m->curve);
    if (!m->curve)
        return set_error(INCITE_ENOMEM, "out of memory");
    double positives = 0;
    for (size_t i = 0; i < t->n; i++)
        positives += incite_dataset_label(t->d, i) == flag ? t->reps[i] : 0;
    size_t kept = 0;
    for (int s = 0; s <= CURVE_STEPS; s++) {
        double th = (double)s / CURVE_STEPS, tp = 0, fp = 0;
        for (size_t i = 0; i < t->n; i++)
            if (prob[i * t->k + (size_t)flag] >= th)
                *(incite_dataset_label(t->d, i) == flag ? &tp : &fp) += t->reps[i];
        if (tp + fp == 0)
            break;
        m->curve[kept++] = (curve_point){th, tp / (tp + fp), positives > 0 ? tp / positives : 0};
    }
    m->ncurve = kept;
    return INCITE_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The training targets, for incite_model_knows_target(): their hashes
 * ("target_hashes", see model.c) and, for people, their names in ASCII
 * lower case ("targets", comma-separated).  Rows sorted by their
 * target's hash, then by row: each run of one hash is one target, named
 * by its first row. */
static int record_targets(const trainer *t, incite_model *m)
{
    keyed *rows = malloc((t->n ? t->n : 1) * sizeof *rows);
    char **names = calloc(t->n ? t->n : 1, sizeof *names);
    char *hex = NULL, *list = NULL;
    size_t k = 0, bytes = 1;
    int rc = INCITE_OK;
    if (!rows || !names) {
        rc = set_error(INCITE_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < t->n; r++)
        rows[r] = (keyed){target_hash(t->cfg.hash_seed, incite_dataset_target(t->d, r)), r};
    qsort(rows, t->n, sizeof *rows, by_hash_then_row);
    for (size_t r = 0; r < t->n; r++) {
        if (r > 0 && rows[r].hash == rows[r - 1].hash)
            continue;
        if (!(names[k] = strdup(incite_dataset_target(t->d, rows[r].row)))) {
            rc = set_error(INCITE_ENOMEM, "out of memory");
            goto done;
        }
        for (char *c = names[k]; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        bytes += strlen(names[k]) + 2;
        rows[k++].hash = rows[r].hash;
    }
    /* the loader takes metadata strings of up to 1 MiB: past a quarter
     * of it (some 15,000 targets), none is listed and none is checked */
    if (17 * k > MODEL_META_MAX / 4 || bytes > MODEL_META_MAX / 4) {
        char note[64];
        snprintf(note, sizeof note, "%zu targets, too many to list", k);
        rc = model_set_meta(m, "targets", note);
        goto done;
    }
    hex = malloc(17 * k + 1);
    list = malloc(bytes);
    if (!hex || !list) {
        rc = set_error(INCITE_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < k; i++)
        snprintf(hex + 17 * i, 18, "%016llx%s", (unsigned long long)rows[i].hash, i + 1 < k ? " " : "");
    hex[k ? 17 * k - 1 : 0] = '\0';
    qsort(names, k, sizeof *names, by_name);
    size_t at = 0;
    for (size_t i = 0; i < k; i++)
        at += (size_t)snprintf(list + at, bytes - at, "%s%s", i ? ", " : "", names[i]);
    list[at] = '\0';
    rc = model_set_meta(m, "target_hashes", hex);
    if (!rc)
        rc = model_set_meta(m, "targets", list);
done:
    for (size_t i = 0; names && i < k; i++)
        free(names[i]);
    free(names);
    free(rows);
    free(hex);
    free(list);
    return rc;
}

/* The shortest decimal that reads back as v: exact, as %.17g is, but 0.4
 * stays 0.4 rather than 0.40000000000000002. */
static const char *exact(double v, char out[32])
{
    for (int p = 1; p < 17; p++) {
        snprintf(out, 32, "%.*g", p, v);
        if (strtod(out, NULL) == v)
            return out;
    }
    snprintf(out, 32, "%.17g", v);
    return out;
}

/* A grid's values, comma-separated (it was their count): as many as fit
 * in GRID_TEXT bytes, then how many there were. */
enum { GRID_TEXT = 512 };
static void grid_text(const double *v, size_t n, char out[GRID_TEXT])
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char one[32];
        const char *x = exact(v[i], one);
        if (len + strlen(x) + 32 >= GRID_TEXT) {
            snprintf(out + len, GRID_TEXT - len, "%s... (%zu values)", i ? "," : "", n);
            return;
        }
        len += (size_t)snprintf(out + len, GRID_TEXT - len, "%s%s", i ? "," : "", x);
    }
}

static int record_meta(const trainer *t, incite_model *m, const grid_point *g, const int *pred,
                       const double *prob)
{
    char c_[32], gamma_[32], coef0_[32], eps_[32];
    char buf[4096];   /* the options line: two grids of GRID_TEXT, and the rest */
    int rc = 0;
#define META(key, ...) \
    (snprintf(buf, sizeof buf, __VA_ARGS__), rc = rc ? rc : model_set_meta(m, key, buf))
    META("incite_version", "%s", INCITE_VERSION);
    META("feature_format", "%u", t->cfg.format);
    META("train_rows", "%zu", t->n);
    META("train_skipped_rows", "%zu", incite_dataset_skipped(t->d));
    META("train_checksum", "%016llx", (unsigned long long)incite_dataset_checksum(t->d));
    META("solver", "%s", t->o->solver == INCITE_SOLVER_LIBLINEAR ? "liblinear" : "libsvm");
    static const char *const schemes[] = {"", "binary", "ovr", "cs", "ovo"};
    META("scheme", "%s", schemes[t->scheme]);
    META("C", "%s", exact(g->C, c_));
    if (t->o->solver == INCITE_SOLVER_LIBSVM && t->o->kernel != INCITE_KERNEL_LINEAR)
        META("gamma", "%s", exact(g->gamma, gamma_));
    META("class_weight", "%s%s%s", t->o->balanced ? "balanced" : "none",
         t->o->class_weights ? " x " : "", t->o->class_weights ? t->o->class_weights : "");
    META("seed", "%llu", (unsigned long long)t->o->seed);
    META("liblinear_version", "%d", liblinear_version);
    META("libsvm_version", "%d", libsvm_version);
    META("utf8proc_version", "%s (Unicode %s)", utf8proc_version(), utf8proc_unicode_version());
    /* the options that shaped the model; not the command line, whose
     * paths would make identical models differ */
    static const char *const losses[] = {"squared-hinge", "hinge", "logistic"};
    static const char *const kernels[] = {"linear", "rbf", "poly", "sigmoid"};
    char grid_c[GRID_TEXT], grid_g[GRID_TEXT];
    grid_text(t->o->grid_C, t->o->ngrid_C, grid_c);
    grid_text(t->o->grid_gamma, t->o->ngrid_gamma, grid_g);
    META("options", "solver=%s kernel=%s loss=%s multiclass=%s C=%s gamma=%s coef0=%s "
         "degree=%d class_weight=%s class_weights=%s folds=%d eps=%s seed=%llu grid_C=%s grid_gamma=%s",
         t->o->solver == INCITE_SOLVER_LIBLINEAR ? "liblinear" : "libsvm", kernels[t->o->kernel],
         losses[t->o->loss], schemes[t->scheme], exact(g->C, c_), exact(g->gamma, gamma_),
         exact(t->o->coef0, coef0_), t->o->degree, t->o->balanced ? "balanced" : "none",
         t->o->class_weights ? t->o->class_weights : "", t->folds, exact(t->o->eps, eps_),
         (unsigned long long)t->o->seed, grid_c, grid_g);
    /* a date only when the build says which (reproducible builds'
     * SOURCE_DATE_EPOCH): the same data, options and seed must give the
     * same bytes */
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end;
        long long secs = strtoll(epoch, &end, 10);
        time_t when = (time_t)secs;
        struct tm tm;
        char date[32];
        if (*end == '\0' && secs >= 0 && gmtime_r(&when, &tm) &&
            strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm))
            META("trained_at", "%s", date);
    }
    if (pred && t->folds > 1) {
        META("cv_folds", "%d", t->folds);
        int *truth = malloc(t->n * sizeof *truth);
        double *w = row_weights(t);
        if (!truth || !w) {
            free(truth);
            free(w);
            return set_error(INCITE_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < t->n; i++)
            truth[i] = incite_dataset_label(t->d, i);
        incite_metrics mm;
        int mrc = incite_metrics_compute(t->n, t->k, truth, pred, prob, w, &mm);
        free(w);
        if (mrc == INCITE_OK) {
            META("cv_accuracy", "%.4f", mm.accuracy);
            META("cv_macro_f1", "%.4f", mm.macro_f1);
            META("cv_weighted_f1", "%.4f", mm.weighted_f1);
            META("cv_brier", "%.4f", mm.brier);
            META("cv_ece", "%.4f", mm.ece);
            for (size_t c = 0; c < t->k; c++) {
                char key[300];
                snprintf(key, sizeof key, "cv_f1_%s", m->labels[c]);
                META(key, "%.4f", mm.f1[c]);
            }
            incite_metrics_free(&mm);
        }
        free(truth);
    }
#undef META
    if (!rc && t->cfg.target_cross)
        rc = record_targets(t, m);
    return rc;
}

/* ---- the entry points ------------------------------------------------ */

static int in_range(double v, double lo, double hi)
{
    return v >= lo && v <= hi;   /* false for NaN */
}

/* The form of --class-weights: label:weight items, comma-separated, each
 * label once, each weight within C's bounds (a weight multiplies C for
 * the label's rows).  Whether each label is in the data, only the data
 * tells (parse_class_weights()). */
static int class_weight_syntax(const char *spec)
{
    for (const char *s = spec; s && *s;) {
        const char *colon = strchr(s, ':'), *comma = strchr(s, ',');
        if (!comma)
            comma = s + strlen(s);
        if (!colon || colon > comma || colon == s)
            return set_error(INCITE_EINVAL, "class weights: want label:weight[,label:weight...]");
        size_t n = (size_t)(colon - s);
        char *end;
        double w = strtod(colon + 1, &end);
        if (end != comma || !in_range(w, INCITE_C_MIN, INCITE_C_MAX))
            return set_error(INCITE_EINVAL, "class weight for '%.*s' is not a number from %g to %g",
                             (int)n, s, INCITE_C_MIN, INCITE_C_MAX);
        for (const char *t = spec; t < s; t = strchr(t, ',') + 1)   /* the labels before */
            if ((size_t)(strchr(t, ':') - t) == n && memcmp(t, s, n) == 0)
                return set_error(INCITE_EINVAL, "class weights: label '%.*s' given twice", (int)n, s);
        if (*comma && !comma[1])
            return set_error(INCITE_EINVAL, "class weights: a comma with nothing after it");
        s = *comma ? comma + 1 : comma;
    }
    return INCITE_OK;
}

/* The user's class weights by label (check_options() checked their form). */
static int parse_class_weights(trainer *t)
{
    for (size_t c = 0; c < t->k; c++)
        t->user_w[c] = 1.0;
    for (const char *s = t->o->class_weights; s && *s;) {
        const char *colon = strchr(s, ':'), *comma = strchr(s, ',');
        if (!comma)
            comma = s + strlen(s);
        size_t n = (size_t)(colon - s), c = 0;
        while (c < t->k && (strlen(incite_dataset_label_name(t->d, c)) != n ||
                            memcmp(incite_dataset_label_name(t->d, c), s, n) != 0))
            c++;
        if (c == t->k)
            return set_error(INCITE_EINVAL, "class weights: no label '%.*s' in the data", (int)n, s);
        t->user_w[c] = strtod(colon + 1, NULL);
        s = *comma ? comma + 1 : comma;
    }
    return INCITE_OK;
}

/* Options a caller of the API may set to anything: an unknown kernel once
 * wrote through NULL, an unknown loss read past a table, a NaN in a grid
 * trained a model that labels everything alike. */
static int check_options(const incite_train_options *o)
{
    if ((unsigned)o->solver > INCITE_SOLVER_LIBSVM || (unsigned)o->kernel > INCITE_KERNEL_SIGMOID ||
        (unsigned)o->multiclass > INCITE_MULTI_AUTO || (unsigned)o->loss > INCITE_LOSS_LOGISTIC)
        return set_error(INCITE_EINVAL, "unknown solver, kernel, multi-class scheme or loss");
    if (!in_range(o->C, INCITE_C_MIN, INCITE_C_MAX))
        return set_error(INCITE_EINVAL, "C must be from %g to %g", INCITE_C_MIN, INCITE_C_MAX);
    if ((o->ngrid_C && !o->grid_C) || (o->ngrid_gamma && !o->grid_gamma))
        return set_error(INCITE_EINVAL, "a grid of values without its values");
    for (size_t i = 0; i < o->ngrid_C; i++)
        if (!in_range(o->grid_C[i], INCITE_C_MIN, INCITE_C_MAX))
            return set_error(INCITE_EINVAL, "grid C values must be from %g to %g", INCITE_C_MIN,
                             INCITE_C_MAX);
    int kernel = o->solver == INCITE_SOLVER_LIBSVM && o->kernel != INCITE_KERNEL_LINEAR;
    for (size_t i = 0; kernel && i <= o->ngrid_gamma; i++) {
        double g = i < o->ngrid_gamma ? o->grid_gamma[i] : o->gamma;
        if (!in_range(g, INCITE_GAMMA_MIN, INCITE_GAMMA_MAX))
            return set_error(INCITE_EINVAL, "gamma must be from %g to %g", INCITE_GAMMA_MIN,
                             INCITE_GAMMA_MAX);
    }
    if (kernel && (!in_range(o->coef0, -1e6, 1e6) || o->degree < 1 || o->degree > 10))
        return set_error(INCITE_EINVAL, "coef0 must be within 1e6 of 0 and degree from 1 to 10");
    if (!(o->eps >= 0) || !isfinite(o->eps))
        return set_error(INCITE_EINVAL, "eps must be 0 (the solver's) or a positive number");
    return class_weight_syntax(o->class_weights);
}

int incite_train_options_check(const incite_train_options *o)
{
    clear_error();
    return check_options(o);
}

static int setup(trainer *t, const incite_dataset *d, const incite_train_options *o)
{
    memset(t, 0, sizeof *t);
    t->d = d;
    t->o = o;
    t->cfg = o->features;
    t->n = incite_dataset_size(d);
    t->k = incite_dataset_nlabels(d);
    int rc = incite_config_check(&t->cfg);
    if (rc)
        return rc;
    if (t->n == 0)
        return set_error(INCITE_EINVAL, "no training rows");
    if (t->k < 2)
        return set_error(INCITE_EINVAL, "only one label ('%s') in the data: a classifier needs two or more",
                         incite_dataset_label_name(d, 0));
    if ((rc = check_options(o)))
        return rc;
    if (t->cfg.target_cross) {
        /* a row without a target would train its target features on
         * nothing, and silently (they were once left uncrossed) */
        size_t missing = 0, first = 0;
        for (size_t r = 0; r < t->n; r++)
            if (!incite_dataset_target(d, r) && !missing++)
                first = r;
        if (missing)
            return set_error(INCITE_EINVAL,
                             "%zu rows have no stance target (the first at line %llu): crossed "
                             "with targets, each row needs one (or train with --no-target-cross)",
                             missing, (unsigned long long)incite_dataset_line(d, first));
    }
    t->dim = incite_config_dimension(&t->cfg);
    /* two labels: one decision, whatever the scheme (but Crammer-Singer's,
     * which keeps one per label) */
    if (o->solver == INCITE_SOLVER_LIBSVM)
        t->scheme = SCHEME_OVO;
    else if (o->multiclass == INCITE_MULTI_CS)
        t->scheme = SCHEME_CS;
    else if (t->k == 2)
        t->scheme = SCHEME_BINARY;
    else if (o->multiclass == INCITE_MULTI_AUTO)
        /* Measured: one-vs-one won on every set of 3 or 4 labels
         * (TweetEval stance, Davidson, Gab Hate Corpus, HASOC 2019 Hindi:
         * +0.7 to +1.5 points of macro-F1), one-vs-rest on the 10 labels
         * of those sets pooled (0.564 vs 0.508): pairs of labels that
         * never meet in one source learn the source. */
        t->scheme = t->k <= INCITE_AUTO_OVO_MAX_LABELS ? SCHEME_OVO : SCHEME_OVR;
    else
        t->scheme = o->multiclass == INCITE_MULTI_OVO ? SCHEME_OVO : SCHEME_OVR;
    if (o->solver == INCITE_SOLVER_LIBSVM && o->multiclass == INCITE_MULTI_CS)
        return set_error(INCITE_EINVAL, "LIBSVM trains one-vs-one only; Crammer-Singer is LIBLINEAR's");
    t->ndec = scheme_decisions(t->scheme, t->k);
    if ((rc = parse_class_weights(t)))
        return rc;
    /* every label needs two rows, one on each side of some fold */
    size_t count[MODEL_MAX_LABELS] = {0}, least = SIZE_MAX;
    for (size_t i = 0; i < t->n; i++)
        count[incite_dataset_label(d, i)]++;
    size_t rarest = 0;
    for (size_t c = 0; c < t->k; c++)
        if (count[c] < least) {
            least = count[c];
            rarest = c;
        }
    t->folds = o->folds;
    if (t->folds > 1 && least < 2)
        return set_error(INCITE_EINVAL, "label '%s' has only %zu row: every label needs at least 2 "
                         "(cross-validation calibrates the model)", incite_dataset_label_name(d, rarest), least);
    t->reps = malloc(t->n * sizeof *t->reps);
    t->fold = calloc(t->n, sizeof *t->fold);
    t->group = malloc((t->n ? t->n : 1) * sizeof *t->group);
    if (!t->reps || !t->fold || !t->group)
        return set_error(INCITE_ENOMEM, "out of memory");
    for (size_t i = 0; i < t->n; i++)   /* whole numbers up to 1000: dataset.c */
        t->reps[i] = (int)incite_dataset_weight(d, i);
    if ((rc = featurize_all(t)) || (rc = group_rows(t)))
        return rc;
    return t->folds > 1 ? make_folds(t) : INCITE_OK;
}

static void teardown(trainer *t)
{
    free(t->cache);
    free(t->off);
    free(t->len);
    free(t->fold);
    free(t->group);
    free(t->reps);
}

/* The grid of (C, gamma) to try: the options' own values without a grid. */
static grid_point *make_grid(const incite_train_options *o, size_t *n)
{
    size_t nc = o->ngrid_C ? o->ngrid_C : 1;
    int kernel = o->solver == INCITE_SOLVER_LIBSVM && o->kernel != INCITE_KERNEL_LINEAR;
    size_t ng = kernel && o->ngrid_gamma ? o->ngrid_gamma : 1;
    grid_point *g = malloc(nc * ng * sizeof *g);
    if (!g)
        return NULL;
    for (size_t i = 0; i < nc; i++)
        for (size_t j = 0; j < ng; j++)
            g[i * ng + j] = (grid_point){o->ngrid_C ? o->grid_C[i] : o->C,
                                         kernel && o->ngrid_gamma ? o->grid_gamma[j] : o->gamma};
    *n = nc * ng;
    return g;
}

/* How many features are in min_df or more of all the rows, counted as
 * build_problem() counts them for a fit.  A fit trains on some of the
 * rows, so if this is 0, no fit has a feature to learn from: every model
 * would score every post by its bias alone. */
static int count_supported(trainer *t)
{
    uint32_t *df = calloc(t->dim, sizeof *df);
    if (!df)
        return set_error(INCITE_ENOMEM, "out of memory for document frequencies");
    count_df(t, NULL, df);
    t->supported = 0;
    for (size_t f = 0; f < t->dim; f++)
        t->supported += df[f] >= t->cfg.min_df && df[f] > 0;
    free(df);
    return INCITE_OK;
}

static int train_or_validate(const incite_dataset *d, const incite_train_options *o,
                             incite_model **out, incite_cv_result *cv)
{
    clear_error();
    trainer t;
    int rc = setup(&t, d, o);
    if (!rc)
        rc = count_supported(&t);
    size_t ngrid = 0;
    grid_point *grid = rc ? NULL : make_grid(o, &ngrid);
    job *jobs = NULL;
    shared sh = {0};
    incite_model *m = NULL;
    int *pred = NULL;
    double *prob = NULL;
    if (!rc && !grid)
        rc = set_error(INCITE_ENOMEM, "out of memory");
    if (rc)
        goto done;
    if (ngrid > 1 && t.folds < 2) {
        rc = set_error(INCITE_EINVAL, "a grid needs cross-validation (folds >= 2)");
        goto done;
    }
    int cv_folds = t.folds > 1 ? t.folds : 0;
    int want_final = out != NULL;
    int kernel = o->solver == INCITE_SOLVER_LIBSVM && o->kernel != INCITE_KERNEL_LINEAR;
    size_t njobs = ngrid * (size_t)cv_folds + (want_final ? 1 : 0);
    jobs = malloc((njobs ? njobs : 1) * sizeof *jobs);
    if (!jobs) {
        rc = set_error(INCITE_ENOMEM, "out of memory");
        goto done;
    }
    if (want_final) {
        char *names[MODEL_MAX_LABELS];
        for (size_t c = 0; c < t.k; c++)
            names[c] = (char *)incite_dataset_label_name(d, c);
        m = model_new(&t.cfg, t.k, names);
        if (!m) {
            rc = INCITE_ENOMEM;
            goto done;
        }
        m->kind = kernel ? MODEL_KERNEL : MODEL_LINEAR;
        m->scheme = t.scheme;
        m->ndec = t.ndec;
        if (o->flag_label && (m->flag = incite_model_find_label(m, o->flag_label)) < 0) {
            rc = set_error(INCITE_EINVAL, "flag label '%s' is not a label of the data", o->flag_label);
            goto done;
        }
    }
    if ((rc = shared_alloc(&sh, ngrid, &t, njobs, want_final && !kernel)))
        goto done;
    /* The final fit runs with the grid's folds when there is no choice to
     * wait for, and then first: it is the longest job (all the rows), and
     * queued last it ran alone on one core while the others sat idle
     * (11 of 63 s on the pooled benchmark data, two workers).  Each job's
     * seed and slot are its own, so the order changes no result. */
    size_t nj = 0;
    if (want_final && ngrid == 1)
        jobs[nj++] = (job){.fold = -1, .grid = 0, .slot = njobs - 1};
    for (size_t g = 0; g < ngrid; g++)
        for (int f = 0; f < cv_folds; f++, nj++)
            jobs[nj] = (job){.fold = f, .grid = g, .slot = (size_t)f + g * (size_t)cv_folds};
    size_t best = 0;
    if ((rc = run_jobs(&t, grid, jobs, nj, &sh, kernel ? m : NULL)))
        goto done;
    pred = malloc(t.n * sizeof *pred);
    prob = malloc(t.n * t.k * sizeof *prob);
    if (!pred || !prob) {
        rc = set_error(INCITE_ENOMEM, "out of memory");
        goto done;
    }
    if (cv_folds) {
        double best_f1 = -1;
        for (size_t g = 0; g < ngrid && ngrid > 1; g++) {
            if ((rc = oof_predict(&t, sh.oof + g * t.n * t.ndec, pred, NULL)))
                goto done;
            double f1 = macro_f1(&t, pred);
            if (f1 > best_f1) {
                best_f1 = f1;
                best = g;
            }
        }
        if ((rc = oof_predict(&t, sh.oof + best * t.n * t.ndec, pred, prob)))
            goto done;
    }
    if (want_final && ngrid > 1) {
        job final = {.fold = -1, .grid = best, .slot = njobs - 1};
        if ((rc = run_jobs(&t, grid, &final, 1, &sh, kernel ? m : NULL)))
            goto done;
    }
    if (want_final) {
        if (!kernel) {
            size_t bytes = t.dim * (1 + t.ndec) * sizeof(float);
            m->stride = 1 + t.ndec;
            m->rows = model_alloc_rows(t.dim * m->stride, &m->rows_mapped);
            model_advise_rows(m->rows, m->rows_mapped);
            m->bias = malloc(t.ndec * sizeof *m->bias);
            m->calib = calloc(t.ndec, sizeof *m->calib);
            if (!m->rows || !m->bias || !m->calib) {
                rc = set_error(INCITE_ENOMEM, "out of memory");
                goto done;
            }
            memcpy(m->rows, sh.rows, bytes);
            memcpy(m->bias, sh.bias, t.ndec * sizeof *m->bias);
            for (size_t j = 0; j < t.dim; j++)
                m->nsupported += m->rows[j * m->stride] != 0.0f;
        }
        if (cv_folds) {
            unsigned char *all = malloc(t.n);
            if (!all) {
                rc = set_error(INCITE_ENOMEM, "out of memory");
                goto done;
            }
            memset(all, 1, t.n);
            rc = calibrate_all(&t, sh.oof + best * t.n * t.ndec, all, m->calib);
            free(all);
            if (!rc && m->flag >= 0)
                rc = flag_curve(&t, prob, m->flag, m);
        } else {
            for (size_t dd = 0; dd < t.ndec; dd++)   /* uncalibrated: a plain sigmoid */
                m->calib[dd] = (platt){-1.0, 0.0};
        }
        if (!rc)
            rc = record_meta(&t, m, &grid[best], cv_folds ? pred : NULL, cv_folds ? prob : NULL);
        if (rc)
            goto done;
    }
    if (cv) {
        *cv = (incite_cv_result){.n = t.n, .nlabels = t.k, .folds = cv_folds, .pred = pred,
                                 .prob = prob, .best_C = grid[best].C, .best_gamma = grid[best].gamma,
                                 .repeated = t.repeated, .conflicting = t.conflicting,
                                 .supported = t.supported};
        if (t.conflicting) {
            cv->conflict_row[0] = t.first_conflict;
            cv->conflict_row[1] = t.group[t.first_conflict];
        }
        for (size_t j = 0; j < njobs; j++)
            add_stats(want_final && j == njobs - 1 ? &cv->solver_final : &cv->solver_cv,
                      &sh.stats[j]);
        if (!cv_folds)
            cv->pred = NULL, cv->prob = NULL;
        else
            pred = NULL, prob = NULL;
    }
    if (out) {
        *out = m;
        m = NULL;
    }
done:
    incite_model_free(m);
    free(pred);
    free(prob);
    free(jobs);
    free(grid);
    shared_free(&sh);
    teardown(&t);
    return rc;
}

int incite_train(const incite_dataset *d, const incite_train_options *o, incite_model **out,
                 incite_cv_result *cv)
{
    *out = NULL;
    if (cv)   /* freeable whatever happens */
        *cv = (incite_cv_result){0};
    return train_or_validate(d, o, out, cv);
}

int incite_cross_validate(const incite_dataset *d, const incite_train_options *o,
                          incite_cv_result *out)
{
    *out = (incite_cv_result){0};
    if (o->folds < 2)
        return set_error(INCITE_EINVAL, "cross-validation needs at least 2 folds");
    int rc = train_or_validate(d, o, NULL, out);
    if (!rc && !out->pred)
        rc = set_error(INCITE_EINVAL, "too few rows per label for cross-validation");
    return rc;
}
