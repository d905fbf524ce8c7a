/*
 * cli_train.c - the training options, one table for incite-train and
 * incite-eval --cv: names, bounds, help and defaults in one place.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_train.h"

static const char *class_weights;
static int solver, kernel, multiclass = INCITE_MULTI_AUTO, loss, class_weight = 0;
static long cv = -1, threads = 0, seed = 1, hash_bits = -1, min_df = -1, feature_format = -1;
static int unsigned_hash, no_target_cross;
static double C = 0.4, gamma_ = 1.0, coef0 = 0.0, eps = 0.0;
static long degree = 3;
static double grid_c[64], grid_g[64];
static size_t ngrid_c, ngrid_g;
static int word[2] = {-1, -1}, chr[2] = {-1, -1};

static long fold = -1;

static const char *fold_arg(const char *arg, void *dest)
{
    (void)dest;
    static const struct {
        const char *name;
        uint32_t flag;
    } names[] = {{"homoglyph", INCITE_FOLD_HOMOGLYPH}, {"leet", INCITE_FOLD_LEET},
                 {"spacing", INCITE_FOLD_SPACING}, {"translit", INCITE_FOLD_TRANSLIT},
                 {"elongation", INCITE_FOLD_ELONGATION},
                 {"all", INCITE_FOLD_ALL}, {"none", 0}};
    uint32_t flags = 0;
    const char *s = arg;
    while (*s) {
        size_t n = strcspn(s, ",");
        size_t k = 0;
        for (; k < sizeof names / sizeof names[0]; k++)
            if (strlen(names[k].name) == n && strncmp(names[k].name, s, n) == 0)
                break;
        if (k == sizeof names / sizeof names[0])
            return "want homoglyph, leet, spacing, elongation, translit, all or none, separated by commas";
        flags |= names[k].flag;
        s += n + (s[n] == ',');
    }
    fold = flags;
    return NULL;
}

static const char *const solvers[] = {"liblinear", "libsvm", NULL};
static const char *const kernels[] = {"linear", "rbf", "poly", "sigmoid", NULL};
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* in incite_multiclass order */
static const char *const schemes[] = {"ovr", "ovo", "cs", "auto", NULL};
static const char *const losses[] = {"squared-hinge", "hinge", "logistic", NULL};
static const char *const weightings[] = {"balanced", "none", NULL};

static const char *range(const char *arg, void *dest)
{
    int *r = dest;
    char *end;
    long a = strtol(arg, &end, 10), b = a;
    if (end == arg)
        return "want MIN-MAX (or 0 for none)";
    if (*end == '-') {
        const char *s = end + 1;
        b = strtol(s, &end, 10);
        if (end == s)
            return "want MIN-MAX (or 0 for none)";
    }
    if (*end || a < 0 || b < a || b > 8)
        return "want MIN-MAX with 1 <= MIN <= MAX <= 8, or 0 for none";
    r[0] = (int)a;
    r[1] = (int)b;
    return NULL;
}

/* A grid's values, within the bounds of the option they stand for (-c,
 * --gamma): outside them weights underflow when stored as floats. */
static const char *list(const char *arg, double *dst, size_t *n, double min, double max,
                        const char *want)
{
    *n = 0;
    const char *s = arg;
    while (*s) {
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || !(v >= min && v <= max) || (*end && *end != ',') ||
            (*end == ',' && !end[1]))
            return want;
        if (*n == 64)
            return "at most 64 values";
        dst[(*n)++] = v;
        s = *end ? end + 1 : end;
    }
    return *n ? NULL : "empty list";
}

static const char *grid_c_arg(const char *arg, void *dest)
{
    (void)dest;
    return list(arg, grid_c, &ngrid_c, INCITE_C_MIN, INCITE_C_MAX,
                "want numbers from 1e-06 to 1e+06 (as -c), separated by commas");
}

static const char *grid_g_arg(const char *arg, void *dest)
{
    (void)dest;
    return list(arg, grid_g, &ngrid_g, INCITE_GAMMA_MIN, INCITE_GAMMA_MAX,
                "want numbers from 1e-09 to 1e+06 (as --gamma), separated by commas");
}

static const cli_option table[] = {
    {"solver", 0, OPT_CHOICE, "NAME", "solver (default liblinear)", &solver, 0, 0, solvers, NULL},
    {"kernel", 0, OPT_CHOICE, "NAME", "LIBSVM kernel (default linear)", &kernel, 0, 0, kernels, NULL},
    {"multiclass", 0, OPT_CHOICE, "NAME",
     "multi-class scheme: one-vs-rest, one-vs-one, Crammer-Singer; auto: "
     "ovo up to " STRINGIFY(INCITE_AUTO_OVO_MAX_LABELS) " labels, ovr beyond (default auto)", &multiclass, 0, 0,
     schemes, NULL},
    {"loss", 0, OPT_CHOICE, "NAME", "LIBLINEAR loss (default squared-hinge)", &loss, 0, 0, losses, NULL},
    {"C", 'c', OPT_DOUBLE, "C", "regularization: larger fits the training data closer (default 0.4)",
     &C, INCITE_C_MIN, INCITE_C_MAX, NULL, NULL},
    {"gamma", 0, OPT_DOUBLE, "G", "rbf/poly/sigmoid kernel gamma (default 1)", &gamma_,
     INCITE_GAMMA_MIN, INCITE_GAMMA_MAX,
     NULL, NULL},
    {"coef0", 0, OPT_DOUBLE, "R", "poly/sigmoid kernel coef0 (default 0)", &coef0, -1e6, 1e6, NULL, NULL},
    {"degree", 0, OPT_LONG, "D", "poly kernel degree (default 3)", &degree, 1, 10, NULL, NULL},
    {"class-weight", 0, OPT_CHOICE, "HOW", "class weights (default balanced: n / (k * n_label))",
     &class_weight, 0, 0, weightings, NULL},
    {"class-weights", 0, OPT_STRING, "L:W,...", "multiply the weight of label L by W",
     &class_weights, 0, 0, NULL, NULL},
    {"cv", 0, OPT_LONG, "K",
     "cross-validation folds: incite-train calibrates and measures on them (default 5); "
     "incite-eval --cv K evaluates the options by them, in place of -m",
     &cv, 0, 100, NULL, NULL},
    {"grid-C", 0, OPT_CALL, "C,C,...", "choose C among these by cross-validated macro-F1", NULL, 0, 0,
     NULL, grid_c_arg},
    {"grid-gamma", 0, OPT_CALL, "G,G,...", "...and gamma among these (kernels)", NULL, 0, 0, NULL,
     grid_g_arg},
    {"word-ngrams", 0, OPT_CALL, "MIN-MAX", "word n-gram orders (default 1-2; 0: none)", word, 0, 0,
     NULL, range},
    {"char-ngrams", 0, OPT_CALL, "MIN-MAX", "char n-gram orders inside words (default 2-5; 0: none)",
     chr, 0, 0, NULL, range},
    {"hash-bits", 0, OPT_LONG, "N", "2^N hash buckets per feature group (default 18)", &hash_bits, 8,
     26, NULL, NULL},
    {"feature-format", 0, OPT_LONG, "N",
     "featurizer version (default " STRINGIFY(INCITE_FEATURE_FORMAT) ", the newest; an older one "
     "reproduces an older model)",
     &feature_format, 1, INCITE_FEATURE_FORMAT, NULL, NULL},
    {"min-df", 0, OPT_LONG, "N", "ignore features in fewer than N training posts (default 2)", &min_df,
     1, 1000000, NULL, NULL},
    {"fold", 0, OPT_CALL, "KIND,...",
     "evasion folding: homoglyph, leet, spacing, elongation, translit, all, none (default all)", NULL,
     0, 0, NULL,
     fold_arg},
    {"unsigned-hash", 0, OPT_FLAG, NULL, "no hash sign (default: each n-gram gets one)",
     &unsigned_hash, 0, 0, NULL, NULL},
    {"no-target-cross", 0, OPT_FLAG, NULL, "with a target column, do not cross features with it",
     &no_target_cross, 0, 0, NULL, NULL},
    {"seed", 0, OPT_LONG, "N", "seed of folds and solvers, and of incite-eval --perturb (default 1)", &seed, 0, 2147483647L, NULL, NULL},
    {"threads", 'j', OPT_LONG, "N", "worker processes (default: all cores)", &threads, 1, 256, NULL, NULL},
    {"eps", 0, OPT_DOUBLE, "E", "solver tolerance (default: the solver's)", &eps, 1e-12, 10, NULL, NULL},
    {0},
};

int train_options_cv_given(void)
{
    return cv >= 0;
}

const cli_option *train_option_table(void)
{
    return table;
}

void train_options_finish(incite_train_options *o)
{
    incite_train_options_default(o);
    incite_config *f = &o->features;
    o->solver = (incite_solver)solver;
    o->kernel = (incite_kernel)kernel;
    o->multiclass = (incite_multiclass)multiclass;
    o->loss = (incite_loss)loss;
    o->C = C;
    o->gamma = gamma_;
    o->coef0 = coef0;
    o->degree = (int)degree;
    o->balanced = class_weight == 0;
    o->class_weights = class_weights;
    o->folds = cv >= 0 ? (int)cv : 5;
    o->grid_C = ngrid_c ? grid_c : NULL;
    o->ngrid_C = ngrid_c;
    /* options the chosen solver would not read are refused, not ignored:
     * a model that records kernel=rbf must have one */
    if (kernel != INCITE_KERNEL_LINEAR && solver != INCITE_SOLVER_LIBSVM)
        cli_die(EXIT_USAGE, "--kernel %s needs --solver libsvm (LIBLINEAR is linear only)",
                kernels[kernel]);
    if (ngrid_g && (solver != INCITE_SOLVER_LIBSVM || kernel == INCITE_KERNEL_LINEAR))
        cli_die(EXIT_USAGE, "--grid-gamma needs --solver libsvm and a kernel with a gamma "
                            "(rbf, poly, sigmoid)");
    if (kernel == INCITE_KERNEL_LINEAR &&
        (cli_given("gamma") || cli_given("coef0") || cli_given("degree")))
        cli_die(EXIT_USAGE, "--gamma, --coef0 and --degree need a kernel (--solver libsvm --kernel "
                            "rbf, poly or sigmoid)");
    o->grid_gamma = ngrid_g ? grid_g : NULL;
    o->ngrid_gamma = ngrid_g;
    o->seed = (uint64_t)seed;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = threads > 0 ? (int)threads : cores > 0 ? (int)cores : 1;
    o->eps = eps;
    if (word[1] >= 0) {
        f->word_min = (uint8_t)(word[1] ? word[0] : 0);
        f->word_max = (uint8_t)word[1];
    }
    if (chr[1] >= 0) {
        f->char_min = (uint8_t)(chr[1] ? chr[0] : 0);
        f->char_max = (uint8_t)chr[1];
    }
    if (hash_bits >= 0)
        f->hash_bits = (uint8_t)hash_bits;
    if (feature_format >= 0)
        f->format = (uint32_t)feature_format;
    if (min_df >= 0)
        f->min_df = (uint32_t)min_df;
    if (unsigned_hash)
        f->signed_hash = 0;
    if (fold >= 0)
        f->fold = (uint32_t)fold;
    /* the library's checks: a malformed --class-weights is a usage error,
     * not the training file's */
    if (incite_train_options_check(o))
        cli_die(EXIT_USAGE, "%s", incite_last_error());
}

void train_options_targets(incite_train_options *o, int has_target)
{
    o->features.target_cross = (uint8_t)(has_target && !no_target_cross);
}

/* Whether every row was predicted one label (its index in *label). */
static int one_label(const incite_cv_result *r, int *label)
{
    for (size_t i = 1; i < r->n; i++)
        if (r->pred[i] != r->pred[0])
            return 0;
    *label = r->n ? r->pred[0] : -1;
    return r->n > 0;
}

void train_report_cv(const incite_train_options *o, const incite_dataset *d,
                     const incite_cv_result *r)
{
    if (r->folds > 0 && r->folds < o->folds)
        cli_warn("warning: --cv %d: the rarest label has only %d different posts, so %d folds "
                 "were used",
                 o->folds, r->folds, r->folds);
    if (r->repeated)
        cli_warn("%zu rows repeat an earlier row's post (or differ only in what the features "
                 "ignore)%s",
                 r->repeated,
                 r->folds > 1 ? ": each was kept in one fold with its copies, so that no fold "
                                "is tested on what it trained on"
                              : "");
    if (r->conflicting)
        cli_warn("warning: %zu repeated posts carry more than one label (the first: line %llu, "
                 "'%s', repeats line %llu, '%s')",
                 r->conflicting, (unsigned long long)incite_dataset_line(d, r->conflict_row[0]),
                 incite_dataset_label_name(d, (size_t)incite_dataset_label(d, r->conflict_row[0])),
                 (unsigned long long)incite_dataset_line(d, r->conflict_row[1]),
                 incite_dataset_label_name(d, (size_t)incite_dataset_label(d, r->conflict_row[1])));
    /* A kernel with too small a C, for one, decides by its bias alone:
     * the model would label every post alike, and exit 0 says nothing.
     * So does any model when no feature is frequent enough to keep. */
    int only;
    if (r->n && !r->supported)
        cli_warn("warning: no feature is in %u or more of the posts (--min-df): these options "
                 "learnt nothing from the text, and score every post alike",
                 o->features.min_df);
    else if (r->pred && r->nlabels > 1 && one_label(r, &only))
        cli_warn("warning: cross-validation predicted '%s' for every row: these options "
                 "learnt nothing from the text (try a larger C, or --grid-C%s)",
                 incite_dataset_label_name(d, (size_t)only),
                 o->solver == INCITE_SOLVER_LIBSVM && o->kernel != INCITE_KERNEL_LINEAR
                     ? " and --grid-gamma"
                     : "");
    if (r->folds == 0 || (o->ngrid_C < 2 && o->ngrid_gamma < 2))
        return;
    char chosen[64];
    if (o->ngrid_gamma > 1)
        snprintf(chosen, sizeof chosen, "C %g, gamma %g", r->best_C, r->best_gamma);
    else
        snprintf(chosen, sizeof chosen, "C %g", r->best_C);
    cli_warn("the grid chose %s by these folds' macro-F1, so their figures are optimistic "
             "(a held-out test set's are not)",
             chosen);
}

void train_report_solver(const char *what, const incite_solver_stats *s, int verbose)
{
    if (s->capped)
        cli_warn("warning: %s: %ld of %ld solver runs stopped at the iteration cap without "
                 "converging; a larger --eps or a smaller C converges sooner",
                 what, s->capped, s->runs);
    if (verbose && s->runs)
        cli_warn("%s: %ld solver runs, at most %ld iterations (%ld in all)", what, s->runs,
                 s->iterations_max, s->iterations_total);
}
