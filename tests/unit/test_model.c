/*
 * test_model.c - training, the model file and scoring, through the
 * library: a model survives a round trip exactly; training is
 * reproducible and independent of the worker count and of trainings in
 * other threads; saving replaces regular files only; every truncation,
 * every flipped byte and every hostile field is refused, never crashes;
 * explanations add up to the margin; bad training sets are refused with a
 * reason; the solvers' iterations and non-convergence are reported.
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hash.h"
#include "testutil.h"

static incite_dataset *load_data(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    incite_dataset *d;
    assert_int_equal(incite_dataset_read(fp, path, NULL, 0, NULL, NULL, &d), INCITE_OK);
    fclose(fp);
    return d;
}

static incite_dataset *load_tiny(void)
{
    return load_data("tests/data/tiny.tsv");
}

/* A solver and scheme to train with; LIBSVM is one-vs-one. */
typedef struct fit_kind {
    incite_solver solver;
    incite_kernel kernel;
    incite_multiclass mc;
    double C;                  /* 0: the default */
} fit_kind;

static incite_model *train_tiny_as(const incite_dataset *d, int threads, fit_kind k)
{
    incite_train_options o;
    incite_train_options_default(&o);
    o.folds = 3;
    o.threads = threads;
    o.solver = k.solver;
    o.kernel = k.kernel;
    o.multiclass = k.mc;
    if (k.C > 0)
        o.C = k.C;
    o.flag_label = "attack";
    o.features.hash_bits = 16;
    o.features.min_df = 1;
    incite_model *m;
    incite_cv_result cv;
    int rc = incite_train(d, &o, &m, &cv);
    if (rc)
        fail_msg("training failed: %s", incite_last_error());
    assert_int_equal(cv.folds, 3);
    incite_cv_result_free(&cv);
    return m;
}

static incite_model *train_tiny(const incite_dataset *d, int threads, incite_multiclass mc)
{
    return train_tiny_as(d, threads, (fit_kind){INCITE_SOLVER_LIBLINEAR, INCITE_KERNEL_LINEAR, mc, 0});
}

static char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, 256, "%s/incite-test-%d-%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid(), name);
    return p;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    *n = (size_t)ftell(fp);
    fseek(fp, 0, SEEK_SET);
    unsigned char *p = malloc(*n + 1);
    assert_int_equal(fread(p, 1, *n, fp), *n);
    fclose(fp);
    return p;
}

static void spit(const char *path, const unsigned char *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, n, fp), n);
    fclose(fp);
}

/* Every solver and scheme, LIBSVM's linear kernel (collapsed to weights)
 * and its rbf kernel included. */
static void test_round_trip_and_scores(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    const fit_kind kinds[] = {
        {INCITE_SOLVER_LIBLINEAR, INCITE_KERNEL_LINEAR, INCITE_MULTI_OVR, 0},
        {INCITE_SOLVER_LIBLINEAR, INCITE_KERNEL_LINEAR, INCITE_MULTI_OVO, 0},
        {INCITE_SOLVER_LIBLINEAR, INCITE_KERNEL_LINEAR, INCITE_MULTI_CS, 0},
        {INCITE_SOLVER_LIBSVM, INCITE_KERNEL_LINEAR, INCITE_MULTI_OVO, 0},
        {INCITE_SOLVER_LIBSVM, INCITE_KERNEL_RBF, INCITE_MULTI_OVO, 100},
    };
    for (size_t s = 0; s < sizeof kinds / sizeof kinds[0]; s++) {
        incite_model *m = train_tiny_as(d, 1, kinds[s]);
        assert_int_equal(incite_model_is_linear(m), kinds[s].kernel == INCITE_KERNEL_LINEAR);
        const char *path = tmp_path("rt.model");
        assert_int_equal(incite_model_save(m, path), INCITE_OK);
        incite_model *back;
        assert_int_equal(incite_model_load(path, &back), INCITE_OK);
        assert_int_equal(incite_model_nlabels(back), 3);
        assert_string_equal(incite_model_label(back, (size_t)incite_model_flag_label(back)), "attack");
        assert_non_null(incite_model_meta(back, "cv_macro_f1"));
        incite_scorer *a = incite_scorer_new(m), *b = incite_scorer_new(back);
        size_t right = 0;
        for (size_t r = 0; r < incite_dataset_size(d); r++) {
            size_t len;
            const char *text = incite_dataset_text(d, r, &len);
            incite_score x, y;
            assert_int_equal(incite_score_post(a, text, len, NULL, &x), INCITE_OK);
            assert_int_equal(incite_score_post(b, text, len, NULL, &y), INCITE_OK);
            assert_int_equal(x.label, y.label);
            assert_close(x.margin, y.margin, 0);
            double sum = 0;
            for (size_t c = 0; c < 3; c++) {
                assert_close(x.prob[c], y.prob[c], 0);
                assert_true(y.prob[c] >= 0 && y.prob[c] <= 1);
                sum += y.prob[c];
            }
            assert_close(sum, 1.0, 1e-9);
            right += x.label == incite_dataset_label(d, r);
        }
        /* an SVM fits its own tiny training set */
        if (right < incite_dataset_size(d) - 2)
            fail_msg("kind %zu: %zu of %zu training posts right", s, right, incite_dataset_size(d));
        incite_scorer_free(a);
        incite_scorer_free(b);
        incite_model_free(m);
        incite_model_free(back);
        unlink(path);
    }
    incite_dataset_free(d);
}

/* Whether two models save to the same bytes. */
static void assert_same_model(const incite_model *x, const incite_model *y)
{
    const char *px = tmp_path("x.model"), *py = tmp_path("y.model");
    assert_int_equal(incite_model_save(x, px), INCITE_OK);
    assert_int_equal(incite_model_save(y, py), INCITE_OK);
    size_t nx, ny;
    unsigned char *bx = slurp(px, &nx), *by = slurp(py, &ny);
    assert_int_equal(nx, ny);
    assert_memory_equal(bx, by, nx);
    free(bx);
    free(by);
    unlink(px);
    unlink(py);
}

static void test_reproducible_and_thread_independent(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    incite_model *a = train_tiny(d, 1, INCITE_MULTI_OVO), *b = train_tiny(d, 1, INCITE_MULTI_OVO),
                 *c = train_tiny(d, 3, INCITE_MULTI_OVO);
    assert_same_model(a, b);
    assert_same_model(a, c);
    incite_model_free(a);
    incite_model_free(b);
    incite_model_free(c);
    incite_dataset_free(d);
}

/* Trainings at once in a host's threads: the solvers draw from the
 * process's one rand() stream, and each model once depended on how the
 * two threads' solver calls interleaved.  One thread fits in its own
 * process, the other in forked workers, which must not wait for the
 * lock the first may hold as they are forked.  The threads train without
 * cmocka's assertions (they jump on failure, from the main thread only).
 *
 * Under AddressSanitizer both fit in their own process: GCC 12's
 * allocator takes no lock around fork(), so a worker forked while the
 * other thread allocates waits forever for the allocator's lock (seen in
 * gdb; glibc's malloc is made safe across fork). */
enum { CONCURRENT_FITS = 6 };
#if defined(__SANITIZE_ADDRESS__)
enum { FORKING_THREAD_WORKERS = 1 };
#else
enum { FORKING_THREAD_WORKERS = 2 };
#endif

typedef struct concurrent {
    incite_dataset *d;
    incite_train_options o;
    incite_model *m[CONCURRENT_FITS];
    int rc[CONCURRENT_FITS];
} concurrent;

static void *train_concurrently(void *arg)
{
    concurrent *c = arg;
    for (int i = 0; i < CONCURRENT_FITS; i++)
        c->rc[i] = incite_train(c->d, &c->o, &c->m[i], NULL);
    return NULL;
}

static void test_reproducible_in_host_threads(void **state)
{
    (void)state;
    concurrent c[2];
    for (int k = 0; k < 2; k++) {
        c[k].d = load_data("datasets/multilingual/train.tsv");   /* one thread's at a time */
        incite_train_options_default(&c[k].o);
        c[k].o.threads = k ? FORKING_THREAD_WORKERS : 1;
        c[k].o.folds = 2;
        c[k].o.multiclass = INCITE_MULTI_OVR;   /* one solver call draws for every label */
        c[k].o.features.hash_bits = 14;
    }
    incite_model *ref;
    assert_int_equal(incite_train(c[0].d, &c[0].o, &ref, NULL), INCITE_OK);
    pthread_t th[2];
    for (int k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&th[k], NULL, train_concurrently, &c[k]), 0);
    for (int k = 0; k < 2; k++)
        assert_int_equal(pthread_join(th[k], NULL), 0);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < CONCURRENT_FITS; i++) {
            assert_int_equal(c[k].rc[i], INCITE_OK);
            assert_same_model(c[k].m[i], ref);
            incite_model_free(c[k].m[i]);
        }
    incite_model_free(ref);
    for (int k = 0; k < 2; k++)
        incite_dataset_free(c[k].d);
}

/* Training in a host with children of its own: a host child that exits
 * while the workers run must not be taken for one (it once was, and the
 * model was read before its worker wrote it), and a host that ignores
 * SIGCHLD (its children are reaped for it) must still get its model. */
static void test_workers_in_a_host_with_children(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    incite_model *ref = train_tiny(d, 1, INCITE_MULTI_OVO);
    for (int ignore = 0; ignore < 2; ignore++) {
        void (*old)(int) = signal(SIGCHLD, ignore ? SIG_IGN : SIG_DFL);
        pid_t host_child = fork();
        assert_true(host_child >= 0);
        if (host_child == 0)
            _exit(0);   /* exits at once, while the workers start */
        incite_model *m = train_tiny(d, 2, INCITE_MULTI_OVO);
        assert_same_model(m, ref);
        incite_model_free(m);
        if (!ignore)   /* still ours to reap: the library left it alone */
            assert_int_equal(waitpid(host_child, NULL, 0), host_child);
        signal(SIGCHLD, old);
    }
    incite_model_free(ref);
    incite_dataset_free(d);
}

/* What a caller of the API may pass: out-of-range options are refused
 * (an unknown kernel once wrote through NULL, an unknown loss read past a
 * table, a NaN grid trained a useless model), a failed call leaves its
 * result freeable, NULL objects and impossible lengths are errors. */
static void test_api_misuse_is_refused(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    const double nan_grid[] = {NAN};
    static const struct {
        const char *what;
        int solver, kernel, loss, mc;
        double C;
        const double *grid;
        size_t ngrid;
    } bad[] = {
        {"kernel 9", INCITE_SOLVER_LIBSVM, 9, 0, INCITE_MULTI_AUTO, 0.4, NULL, 0},
        {"loss 7", INCITE_SOLVER_LIBLINEAR, 0, 7, INCITE_MULTI_AUTO, 0.4, NULL, 0},
        {"solver 5", 5, 0, 0, INCITE_MULTI_AUTO, 0.4, NULL, 0},
        {"scheme 8", INCITE_SOLVER_LIBLINEAR, 0, 0, 8, 0.4, NULL, 0},
        {"C 0", INCITE_SOLVER_LIBLINEAR, 0, 0, INCITE_MULTI_AUTO, 0, NULL, 0},
        {"C 1e-300", INCITE_SOLVER_LIBLINEAR, 0, 0, INCITE_MULTI_AUTO, 1e-300, NULL, 0},
        {"a grid without values", INCITE_SOLVER_LIBLINEAR, 0, 0, INCITE_MULTI_AUTO, 0.4, NULL, 2},
    };
    for (size_t i = 0; i <= sizeof bad / sizeof bad[0]; i++) {
        incite_train_options o;
        incite_train_options_default(&o);
        o.folds = 3;
        o.threads = 1;
        if (i < sizeof bad / sizeof bad[0]) {
            o.solver = (incite_solver)bad[i].solver;
            o.kernel = (incite_kernel)bad[i].kernel;
            o.loss = (incite_loss)bad[i].loss;
            o.multiclass = (incite_multiclass)bad[i].mc;
            o.C = bad[i].C;
            o.grid_C = bad[i].grid;
            o.ngrid_C = bad[i].ngrid;
        } else {   /* a NaN in the grid */
            o.grid_C = nan_grid;
            o.ngrid_C = 1;
        }
        incite_model *m = (incite_model *)&o;   /* not NULL: must be set */
        incite_cv_result cv;
        memset(&cv, 0xab, sizeof cv);           /* as a caller's stack would */
        if (incite_train(d, &o, &m, &cv) != INCITE_EINVAL)
            fail_msg("%s: trained", i < sizeof bad / sizeof bad[0] ? bad[i].what : "NaN grid");
        assert_null(m);
        incite_cv_result_free(&cv);
        memset(&cv, 0xab, sizeof cv);
        assert_int_equal(incite_cross_validate(d, &o, &cv), INCITE_EINVAL);
        incite_cv_result_free(&cv);
    }
    assert_null(incite_scorer_new(NULL));
    assert_null(incite_featurizer_new(NULL));
    assert_null(incite_reader_new(NULL, "x", NULL));
    incite_config c;
    incite_config_default(&c);
    incite_featurizer *f = incite_featurizer_new(&c);
    assert_int_equal(incite_featurize(f, "kill", SIZE_MAX, NULL, NULL), INCITE_ELIMIT);
    incite_featurizer_free(f);
    incite_dataset_free(d);
}

/* The solvers' own reports, counted the same whether the folds run here
 * or in worker processes: one run per decision function and fit, and a
 * run stopped by the iteration cap (a tolerance that cannot be met)
 * counted as such. */
static incite_cv_result train_for_stats(const incite_dataset *d, int threads, double eps, double C)
{
    incite_train_options o;
    incite_train_options_default(&o);
    o.folds = 3;
    o.threads = threads;
    o.multiclass = INCITE_MULTI_OVO;
    o.features.hash_bits = 16;
    o.features.min_df = 1;
    o.eps = eps;
    o.C = C;
    incite_model *m;
    incite_cv_result cv;
    if (incite_train(d, &o, &m, &cv))
        fail_msg("training failed: %s", incite_last_error());
    incite_model_free(m);
    return cv;
}

static void test_solver_stats(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    size_t pairs = incite_dataset_nlabels(d) * (incite_dataset_nlabels(d) - 1) / 2;
    incite_cv_result one = train_for_stats(d, 1, 0, 0.4), three = train_for_stats(d, 3, 0, 0.4);
    assert_int_equal(one.solver_final.runs, (long)pairs);
    assert_int_equal(one.solver_cv.runs, 3 * (long)pairs);
    assert_true(one.solver_final.iterations_max >= 1);
    assert_true(one.solver_final.iterations_total >= one.solver_final.iterations_max);
    assert_int_equal(one.solver_final.capped, 0);
    assert_int_equal(one.solver_cv.capped, 0);
    assert_memory_equal(&one.solver_cv, &three.solver_cv, sizeof one.solver_cv);
    assert_memory_equal(&one.solver_final, &three.solver_final, sizeof one.solver_final);
    incite_cv_result_free(&one);
    incite_cv_result_free(&three);
    /* LIBLINEAR's dual solvers stop at 1,000 iterations */
    incite_cv_result capped = train_for_stats(d, 3, 1e-12, 1e5);
    assert_int_equal(capped.solver_final.capped, (long)pairs);
    assert_int_equal(capped.solver_final.iterations_max, 1000);
    assert_true(capped.solver_cv.capped > 0);
    incite_cv_result_free(&capped);
    incite_dataset_free(d);
}

/* incite_model_save() replaces regular files only: a FIFO (or a device)
 * is refused and left as it was; a symbolic link is saved through and
 * stays a link; a dangling one is refused. */
static void test_save_replaces_only_files(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    incite_model *m = train_tiny(d, 1, INCITE_MULTI_OVO);
    struct stat st;
    const char *fifo = tmp_path("save.fifo");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(incite_model_save(m, fifo), INCITE_EIO);
    assert_non_null(strstr(incite_last_error(), "not a regular file"));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    unlink(fifo);

    const char *real = tmp_path("real.model"), *link = tmp_path("link.model");
    spit(real, (const unsigned char *)"old", 3);
    unlink(link);
    assert_int_equal(symlink(real, link), 0);
    assert_int_equal(incite_model_save(m, link), INCITE_OK);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    incite_model *back;
    assert_int_equal(incite_model_load(real, &back), INCITE_OK);
    incite_model_free(back);
    unlink(link);
    unlink(real);

    const char *dangling = tmp_path("dangling.model");
    unlink(dangling);
    assert_int_equal(symlink(tmp_path("nowhere/x.model"), dangling), 0);
    assert_int_equal(incite_model_save(m, dangling), INCITE_EIO);
    assert_int_equal(lstat(dangling, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    unlink(dangling);
    incite_model_free(m);
    incite_dataset_free(d);
}

static void test_every_truncation_and_flip_is_refused(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    incite_model *m = train_tiny(d, 1, INCITE_MULTI_OVO);
    const char *good = tmp_path("good.model"), *bad = tmp_path("bad.model");
    assert_int_equal(incite_model_save(m, good), INCITE_OK);
    size_t n;
    unsigned char *p = slurp(good, &n);
    for (size_t cut = 0; cut < n; cut += (cut < 4096 ? 1 : 97)) {
        spit(bad, p, cut);
        incite_model *x;
        int rc = incite_model_load(bad, &x);
        if (rc != INCITE_EFORMAT)
            fail_msg("truncation at %zu: rc %d (%s)", cut, rc, incite_last_error());
        assert_null(x);
    }
    uint32_t s = 7;
    for (int k = 0; k < 3000; k++) {
        s = s * 1103515245u + 12345u;
        size_t at = (s >> 8) % n;
        unsigned char old = p[at];
        p[at] ^= (unsigned char)(1u << ((s >> 4) & 7));
        spit(bad, p, n);
        incite_model *x;
        int rc = incite_model_load(bad, &x);
        if (rc != INCITE_EFORMAT && rc != INCITE_EVERSION)
            fail_msg("flip at %zu: rc %d", at, rc);
        p[at] = old;
    }
    free(p);
    unlink(good);
    unlink(bad);
    incite_model_free(m);
    incite_dataset_free(d);
}

/* Re-seals a model after an edit, as an attacker who knows the format
 * would: the checksum no longer protects, the field checks must. */
static void reseal(unsigned char *p, size_t n)
{
    uint64_t h = hash_bytes(hash_seed(0x5eed1c17u, 7), (const char *)p, n - 8);
    for (int k = 0; k < 8; k++)
        p[n - 8 + (size_t)k] = (unsigned char)(h >> (8 * k));
}

static size_t find_tag(const unsigned char *p, size_t n, const char *tag)
{
    for (size_t i = 12; i + 4 < n; i++)
        if (memcmp(p + i, tag, 4) == 0)
            return i;
    fail_msg("no section %s", tag);
    return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (unsigned char)(v >> (8 * k));
}

static void test_hostile_fields_are_refused(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    incite_model *m = train_tiny(d, 1, INCITE_MULTI_OVO);
    const char *good = tmp_path("good2.model"), *bad = tmp_path("bad2.model");
    assert_int_equal(incite_model_save(m, good), INCITE_OK);
    size_t n;
    unsigned char *orig = slurp(good, &n), *p = malloc(n);
    struct {
        const char *tag;
        size_t offset;      /* into the payload */
        uint32_t value;
    } edits[] = {
        {"CONF", 16, 99},           /* word_min > word_max: a u8 pair, set via a u32 write */
        {"CONF", 20, 0xffffffffu},  /* hash bits and flags: nonsense */
        {"LABL", 0, 0xffffffffu},   /* label count */
        {"LABL", 0, 1},             /* a single label */
        {"LABL", 4, 0x7fffffffu},   /* first label's length */
        {"KIND", 0, 9},             /* model kind */
        {"KIND", 4, 0},             /* scheme */
        {"IDF ", 0, 0xfffffff0u},   /* row count */
        {"IDF ", 4, 0xffffffffu},   /* first key gap (varint) and idf */
        {"WGHT", 0, 1000},          /* decision count */
        {"WGHT", 8, 0x7ff80000u},   /* a NaN bias (its high word) */
        {"CALB", 0, 77},            /* calibration count */
        {"CURV", 0, 5000000},       /* curve length */
        {"META", 0, 0xffffffffu},   /* metadata count */
    };
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
        memcpy(p, orig, n);
        size_t at = find_tag(p, n, edits[e].tag) + 12 + edits[e].offset;
        put32(p + at, edits[e].value);
        reseal(p, n);
        spit(bad, p, n);
        incite_model *x;
        int rc = incite_model_load(bad, &x);
        if (rc == INCITE_OK)
            fail_msg("edit %zu (%s+%zu) was accepted", e, edits[e].tag, edits[e].offset);
        assert_true(strlen(incite_last_error()) > 0);
    }
    /* A small file whose configuration names a vast feature space (2^26
     * features x 4 floats: 1 GiB of rows, the most the loader allows) is
     * a valid model, but costs only the rows it holds: the loader once
     * cleared all of them. */
    memcpy(p, orig, n);
    p[find_tag(p, n, "CONF") + 12 + 20] = 25;   /* hash bits, a u8 */
    reseal(p, n);
    spit(bad, p, n);
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    incite_model *vast;
    assert_int_equal(incite_model_load(bad, &vast), INCITE_OK);
    incite_scorer *sc = incite_scorer_new(vast);
    incite_score sx;
    assert_int_equal(incite_score_post(sc, "kill them all", 13, NULL, &sx), INCITE_OK);
    getrusage(RUSAGE_SELF, &after);
    if (after.ru_maxrss - before.ru_maxrss > 256 * 1024)   /* KiB */
        fail_msg("loading and scoring took %ld MiB", (after.ru_maxrss - before.ru_maxrss) / 1024);
    incite_scorer_free(sc);
    incite_model_free(vast);
    /* another format version is refused as such */
    memcpy(p, orig, n);
    put32(p + 8, 2);
    reseal(p, n);
    spit(bad, p, n);
    incite_model *x;
    assert_int_equal(incite_model_load(bad, &x), INCITE_EVERSION);
    /* a directory, an empty file, a missing file */
    assert_int_equal(incite_model_load("/tmp", &x), INCITE_EIO);
    spit(bad, p, 0);
    assert_int_equal(incite_model_load(bad, &x), INCITE_EFORMAT);
    assert_int_equal(incite_model_load("/nonexistent/model", &x), INCITE_EIO);
    free(p);
    free(orig);
    unlink(good);
    unlink(bad);
    incite_model_free(m);
    incite_dataset_free(d);
}

/* Every post of d scored by m: its explanation's parts add up to its
 * margin, which the explanation computes feature by feature apart from
 * the scorer's decision values (near enough: in another order). */
static void assert_explanations_add_up(const incite_dataset *d, const incite_model *m)
{
    incite_scorer *sc = incite_scorer_new(m);
    incite_scorer_keep_names(sc, 1);
    for (size_t r = 0; r < incite_dataset_size(d); r++) {
        size_t len;
        const char *text = incite_dataset_text(d, r, &len);
        incite_score x;
        assert_int_equal(incite_score_post(sc, text, len, NULL, &x), INCITE_OK);
        incite_explanation ex;
        assert_int_equal(incite_scorer_explain(sc, 3, &ex), INCITE_OK);
        double sum = ex.bias + ex.rest;
        for (size_t i = 0; i < ex.ntop; i++) {
            sum += ex.top[i].weight;
            assert_true(strlen(ex.top[i].ngram) > 0);
        }
        assert_close(sum, ex.margin, 1e-9);
        assert_true(ex.ntop <= 6);
        /* toward the label first, largest first; then against */
        for (size_t i = 1; i < ex.ntop; i++)
            if (ex.top[i - 1].weight > 0 && ex.top[i].weight > 0)
                assert_true(ex.top[i - 1].weight >= ex.top[i].weight);
    }
    incite_scorer_free(sc);
}

/* Every post of d scored by m, a one-vs-rest model: its label's margin is
 * to the bit the label's bias plus each weight times the feature's value,
 * added in the order of the features, as a plain loop adds them (the
 * scorer adds decisions in pairs). */
static void assert_decisions_exact(const incite_dataset *d, const incite_model *m)
{
    incite_featurizer *f = incite_featurizer_new(incite_model_config(m));
    incite_scorer *sc = incite_scorer_new(m);
    incite_scorer_keep_names(sc, 1);   /* to explain: the bias */
    size_t stride, dim = incite_config_dimension(incite_model_config(m));
    const float *rows = incite_model_idf(m, &stride);
    float *idf = malloc(dim * sizeof *idf);
    assert_non_null(idf);
    for (size_t j = 0; j < dim; j++)
        idf[j] = rows[j * stride];
    for (size_t r = 0; r < incite_dataset_size(d); r++) {
        size_t len;
        const char *text = incite_dataset_text(d, r, &len);
        incite_score x;
        assert_int_equal(incite_score_post(sc, text, len, NULL, &x), INCITE_OK);
        incite_explanation ex;   /* for the label's bias */
        assert_int_equal(incite_scorer_explain(sc, 1, &ex), INCITE_OK);
        assert_int_equal(incite_featurize(f, text, len, NULL, NULL), INCITE_OK);
        size_t cap = incite_featurizer_vector_size(f);
        incite_node *nodes = malloc(cap * sizeof *nodes);
        assert_non_null(nodes);
        long n = incite_featurizer_vector(f, idf, -1, nodes, cap);
        assert_true(n >= 0);
        double want = ex.bias;
        for (long i = 0; i < n; i++)
            want += rows[(size_t)(nodes[i].index - 1) * stride + 1 + (size_t)x.label] *
                    nodes[i].value;
        if (want != x.margin)
            fail_msg("row %zu, label %d: margin %a, the plain sum %a", r, x.label, x.margin,
                     want);
        free(nodes);
    }
    free(idf);
    incite_scorer_free(sc);
    incite_featurizer_free(f);
}

/* d's posts with k labels, dealt in turn: attack, l1, l2, ... */
static incite_dataset *relabelled(const incite_dataset *d, size_t k)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    fputs("label\ttext\n", fp);
    for (size_t r = 0; r < incite_dataset_size(d); r++) {
        size_t len;
        const char *text = incite_dataset_text(d, r, &len);
        if (r % k)
            fprintf(fp, "l%zu\t%.*s\n", r % k, (int)len, text);
        else
            fprintf(fp, "attack\t%.*s\n", (int)len, text);
    }
    rewind(fp);
    incite_dataset *out;
    assert_int_equal(incite_dataset_read(fp, "relabelled", NULL, 0, NULL, NULL, &out), INCITE_OK);
    fclose(fp);
    assert_int_equal(incite_dataset_nlabels(out), k);
    return out;
}

static void test_explanations_add_up(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    const incite_multiclass schemes[] = {INCITE_MULTI_OVR, INCITE_MULTI_OVO, INCITE_MULTI_CS};
    for (size_t s = 0; s < 3; s++) {
        incite_model *m = train_tiny(d, 1, schemes[s]);
        assert_explanations_add_up(d, m);
        incite_model_free(m);
    }
    /* one-vs-rest with 2 labels (one decision), 3, 4, 5 and 10: the
     * scorer sums decisions two at a time, and alone the odd one out */
    const size_t labels[] = {2, 3, 4, 5, 10};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        incite_dataset *dk = relabelled(d, labels[i]);
        incite_model *m = train_tiny(dk, 1, INCITE_MULTI_OVR);
        assert_explanations_add_up(dk, m);
        if (labels[i] > 2)   /* two labels: one decision, for both */
            assert_decisions_exact(dk, m);
        incite_model_free(m);
        incite_dataset_free(dk);
    }
    incite_dataset_free(d);
}

/* Names come from the post they were kept for: turning them on after a
 * post was scored without them gives an error, not another post's names
 * (it once read freed memory). */
static void test_names_follow_the_post(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    incite_model *m = train_tiny(d, 1, INCITE_MULTI_OVR);
    incite_scorer *sc = incite_scorer_new(m);
    static char long_post[8192];
    for (size_t i = 0; i + 1 < sizeof long_post; i++)
        long_post[i] = "kill them all, burn it down "[i % 28];
    incite_score x;
    incite_explanation ex;
    incite_scorer_keep_names(sc, 1);
    assert_int_equal(incite_score_post(sc, "hi", 2, NULL, &x), INCITE_OK);
    assert_int_equal(incite_scorer_explain(sc, 3, &ex), INCITE_OK);
    incite_scorer_keep_names(sc, 0);
    assert_int_equal(incite_score_post(sc, long_post, strlen(long_post), NULL, &x), INCITE_OK);
    incite_scorer_keep_names(sc, 1);
    assert_int_equal(incite_scorer_explain(sc, 3, &ex), INCITE_EINVAL);
    assert_int_equal(incite_score_post(sc, long_post, strlen(long_post), NULL, &x), INCITE_OK);
    assert_int_equal(incite_scorer_explain(sc, 3, &ex), INCITE_OK);
    incite_scorer_free(sc);

    incite_featurizer *f = incite_featurizer_new(incite_model_config(m));
    const incite_feature *feat;
    assert_int_equal(incite_featurize(f, "kill them", 9, NULL, NULL), INCITE_OK);
    incite_featurizer_keep_names(f, 1);
    assert_true(incite_featurizer_features(f, NULL, 1, &feat) == INCITE_EINVAL);
    assert_int_equal(incite_featurize(f, "kill them", 9, NULL, NULL), INCITE_OK);
    assert_true(incite_featurizer_features(f, NULL, 1, &feat) > 0);
    incite_featurizer_free(f);
    incite_model_free(m);
    incite_dataset_free(d);
}

static void test_precision_threshold(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    incite_model *m = train_tiny(d, 1, INCITE_MULTI_OVO);
    double recall;
    double t = incite_model_threshold_for_precision(m, 0.5, &recall);
    assert_true(t >= 0 && t <= 1);
    assert_true(recall > 0 && recall <= 1);
    assert_true(incite_model_threshold_for_precision(m, 0.0, NULL) == 0.0);
    incite_model_free(m);
    incite_dataset_free(d);
}

static int read_text(const char *text, incite_dataset **d)
{
    FILE *fp = fmemopen((void *)text, strlen(text), "rb");
    int rc = incite_dataset_read(fp, "x.tsv", NULL, 0, NULL, NULL, d);
    fclose(fp);
    return rc;
}

static void test_bad_training_sets(void **state)
{
    (void)state;
    incite_train_options o;
    incite_train_options_default(&o);
    o.threads = 1;
    struct {
        const char *data, *why;
        int read_fails;
    } cases[] = {
        {"label\ttext\n", "no training rows", 0},
        {"label\ttext\na\tone\na\ttwo\n", "only one label ('a')", 0},
        {"label\ttext\na\tone\na\ttwo\nb\tthree\n", "label 'b' has only 1 row", 0},
        {"label\ttext\tweight\na\tone\t0.5\nb\ttwo\t1\na\tx\t1\nb\ty\t1\n",
         "x.tsv:2: weight is not a whole number", 1},
        {"text\tlabel\nonly text\n", "x.tsv:2: 1 columns where the header has 2", 1},
        {"text\nno label column\n", "x.tsv:1: the header has no 'label' column", 1},
        {"label\ttext\n\thello\n", "x.tsv:2: empty label", 1},
        {"label\ttext\tweight\na\thello\t-1\n", "x.tsv:2: weight is not a whole number", 1},
        /* strtod() read these as 2 and 10 */
        {"label\ttext\tweight\na\thello\t0x2\n", "x.tsv:2: weight is not a whole number", 1},
        {"label\ttext\tweight\na\thello\t1e1\n", "x.tsv:2: weight is not a whole number", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        incite_dataset *d = NULL;
        int rc = read_text(cases[i].data, &d);
        if (cases[i].read_fails) {
            assert_int_not_equal(rc, INCITE_OK);
        } else {
            assert_int_equal(rc, INCITE_OK);
            incite_model *m;
            rc = incite_train(d, &o, &m, NULL);
            assert_int_not_equal(rc, INCITE_OK);
            assert_null(m);
            incite_dataset_free(d);
        }
        if (!strstr(incite_last_error(), cases[i].why))
            fail_msg("case %zu: '%s' lacks '%s'", i, incite_last_error(), cases[i].why);
    }
}

/* Figures whose values scikit-learn's documentation gives. */
static void test_metrics(void **state)
{
    (void)state;
    int truth[] = {0, 0, 1, 1}, pred[] = {0, 1, 1, 1};
    double prob[] = {0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8};
    incite_metrics m;
    assert_int_equal(incite_metrics_compute(4, 2, truth, pred, prob, NULL, &m), INCITE_OK);
    assert_close(m.accuracy, 0.75, 1e-12);
    assert_close(m.precision[1], 2.0 / 3, 1e-12);
    assert_close(m.recall[0], 0.5, 1e-12);
    assert_close(m.f1[1], 0.8, 1e-12);
    assert_close(m.macro_f1, (2.0 / 3 + 0.8) / 2, 1e-12);
    assert_close(m.confusion[0 * 2 + 1], 1, 0);
    /* roc_auc_score([0,0,1,1], [0.1,0.4,0.35,0.8]) = 0.75;
     * average_precision_score(same) = 0.8333... */
    assert_close(m.roc_auc[1], 0.75, 1e-12);
    assert_close(m.pr_auc[1], 5.0 / 6, 1e-12);
    /* the reliability bins behind ECE: top probabilities 0.9 (right),
     * 0.6 (right) and 0.65 (wrong) and 0.8 (right) fall in bins 13, 9, 9
     * and 12 of 15 */
    assert_close(m.bin_weight[9], 2, 0);
    assert_close(m.bin_confidence[9], 0.625, 1e-12);
    assert_close(m.bin_accuracy[9], 0.5, 1e-12);
    assert_close(m.bin_accuracy[12], 1, 0);
    assert_close(m.bin_confidence[13], 0.9, 1e-12);
    assert_close(m.bin_weight[0], 0, 0);
    assert_true(isnan(m.bin_accuracy[0]));
    assert_close(m.ece, (2 * 0.125 + 0.2 + 0.1) / 4, 1e-12);
    incite_metrics_free(&m);
    /* a label never true nor predicted stays out of the macro average */
    int t2[] = {0, 1}, p2[] = {0, 1};
    assert_int_equal(incite_metrics_compute(2, 3, t2, p2, NULL, NULL, &m), INCITE_OK);
    assert_close(m.macro_f1, 1.0, 0);
    incite_metrics_free(&m);
    /* a NaN never ties with itself: it once stalled the ranking for good;
     * past 1, it overflowed the calibration bins */
    double bad[] = {NAN, 1.5, INFINITY, -0.1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double p3[] = {0.9, 0.1, bad[i], 0.5, 0.65, 0.35, 0.2, 0.8};
        assert_int_equal(incite_metrics_compute(4, 2, truth, pred, p3, NULL, &m), INCITE_EINVAL);
    }
    /* a row of weight 0 counts for nothing, even at the top of the
     * ranking, where its 0 / 0 precision once made the PR-AUC NaN */
    int t5[] = {0, 0, 1, 1, 0}, p5[] = {0, 1, 1, 1, 1};
    double prob5[] = {0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8, 0.05, 0.95};
    double w5[] = {1, 1, 1, 1, 0};
    assert_int_equal(incite_metrics_compute(5, 2, t5, p5, prob5, w5, &m), INCITE_OK);
    assert_close(m.roc_auc[1], 0.75, 1e-12);
    assert_close(m.pr_auc[1], 5.0 / 6, 1e-12);
    incite_metrics_free(&m);
    /* every weight 0: no posts, so no ECE either (it read 0, the Brier
     * score NaN) */
    double w0[] = {0, 0, 0, 0};
    assert_int_equal(incite_metrics_compute(4, 2, truth, pred, prob, w0, &m), INCITE_OK);
    assert_true(isnan(m.ece) && isnan(m.brier));
    incite_metrics_free(&m);
    double w[] = {1, NAN, 1, 1};
    assert_int_equal(incite_metrics_compute(4, 2, truth, pred, prob, w, &m), INCITE_EINVAL);
    incite_metrics_free(NULL);
    incite_cv_result_free(NULL);
}

/* The default scheme: one-vs-one for up to 4 labels, one-vs-rest beyond. */
static void test_auto_scheme(void **state)
{
    (void)state;
    incite_dataset *d = load_tiny();
    incite_model *m = train_tiny(d, 1, INCITE_MULTI_AUTO);
    assert_string_equal(incite_model_meta(m, "scheme"), "ovo");
    incite_model_free(m);
    incite_dataset_free(d);

    static const char *const words[] = {"alpha", "bravo", "charlie", "delta", "echo"};
    char text[4096] = "label\ttext\n";
    size_t len = strlen(text);
    for (int l = 0; l < 5; l++)
        for (int r = 0; r < 4; r++)
            len += (size_t)snprintf(text + len, sizeof text - len, "l%d\t%s %s post %d\n", l,
                                    words[l], words[(l + r) % 5], r);
    FILE *fp = fmemopen(text, len, "rb");
    assert_non_null(fp);
    assert_int_equal(incite_dataset_read(fp, "five.tsv", NULL, 0, NULL, NULL, &d), INCITE_OK);
    fclose(fp);
    incite_train_options o;
    incite_train_options_default(&o);
    o.folds = 2;
    o.threads = 1;
    o.features.hash_bits = 12;
    o.features.min_df = 1;
    assert_int_equal(o.multiclass, INCITE_MULTI_AUTO);
    incite_cv_result cv;
    if (incite_train(d, &o, &m, &cv))
        fail_msg("training failed: %s", incite_last_error());
    incite_cv_result_free(&cv);
    assert_string_equal(incite_model_meta(m, "scheme"), "ovr");
    incite_model_free(m);
    incite_dataset_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_scores),
        cmocka_unit_test(test_reproducible_and_thread_independent),
        cmocka_unit_test(test_reproducible_in_host_threads),
        cmocka_unit_test(test_workers_in_a_host_with_children),
        cmocka_unit_test(test_api_misuse_is_refused),
        cmocka_unit_test(test_solver_stats),
        cmocka_unit_test(test_save_replaces_only_files),
        cmocka_unit_test(test_every_truncation_and_flip_is_refused),
        cmocka_unit_test(test_hostile_fields_are_refused),
        cmocka_unit_test(test_explanations_add_up),
        cmocka_unit_test(test_names_follow_the_post),
        cmocka_unit_test(test_precision_threshold),
        cmocka_unit_test(test_bad_training_sets),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_auto_scheme),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
