/*
 * fuzz_model.c - libFuzzer harness for the model loader: arbitrary bytes
 * as a model file.
 *
 * The bytes go to a memfd and load through its /proc/self/fd path: first
 * as they are (the trailing checksum refuses nearly every mutation), then
 * resealed with the right checksum, so that mutations reach the parser of
 * every section.  Seeds are real models (mk/fuzz.mk trains them).  A model
 * that loads is used as a program would use it: its accessors, a scorer on
 * a few posts (explained when linear), and a save and a second load, which
 * must score the same.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "hash.h"
#include "incite.h"

#define MODEL_SEED 0x5eed1c17u   /* model_io.c's */

static const char *const posts[] = {
    "kill them all, every last one of them",
    "",
    "the weather is lovely today",
    "\xe0\xa4\x87\xe0\xa4\xa8\xe0\xa5\x8d\xe0\xa4\xb9\xe0\xa5\x87\xe0\xa4\x82 \xe0\xa4\xae\xe0\xa4\xbe\xe0\xa4\xb0",
    "bad \xff utf8 \xc0\xaf and &amp; #tag @user http://x.y",
};

static int memfd = -1;
static char memfd_path[64];

static void setup(void)
{
    if (memfd >= 0)
        return;
    memfd = memfd_create("incite-fuzz-model", MFD_CLOEXEC);
    FUZZ_CHECK(memfd >= 0, "memfd_create");
    snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
}

static int load_bytes(const uint8_t *data, size_t size, incite_model **m)
{
    FUZZ_CHECK(ftruncate(memfd, 0) == 0, "ftruncate");
    size_t done = 0;
    while (done < size) {
        ssize_t k = pwrite(memfd, data + done, size - done, (off_t)done);
        FUZZ_CHECK(k > 0, "pwrite to the memfd");
        done += (size_t)k;
    }
    int rc = incite_model_load(memfd_path, m);
    FUZZ_CHECK((rc == INCITE_OK) == (*m != NULL), "a model exactly on success");
    FUZZ_CHECK(rc == INCITE_OK || *incite_last_error(), "a refusal says why");
    FUZZ_CHECK(rc <= 0 && rc >= INCITE_ESOLVER, "an INCITE_E* code");
    return rc;
}

typedef struct scored {
    int label;
    double margin, prob[4];
} scored;

/* Scores the posts with m into out[] (the first four labels' probs). */
static void score_all(const incite_model *m, scored *out)
{
    size_t k = incite_model_nlabels(m);
    incite_scorer *s = incite_scorer_new(m);
    FUZZ_CHECK(s != NULL, "a loaded model makes a scorer");
    incite_scorer_keep_names(s, 1);
    const char *target = incite_model_config(m)->target_cross ? "immigrants" : NULL;
    for (size_t p = 0; p < sizeof posts / sizeof posts[0]; p++) {
        incite_score sc;
        int rc = incite_score_post(s, posts[p], strlen(posts[p]), target, &sc);
        FUZZ_CHECK(rc == INCITE_OK, "a loaded model scores");
        FUZZ_CHECK(sc.label >= 0 && (size_t)sc.label < k, "label in range");
        FUZZ_CHECK(sc.prob != NULL && sc.margins != NULL, "probabilities and margins");
        out[p].label = sc.label;
        out[p].margin = sc.margin;
        for (size_t c = 0; c < 4; c++)
            out[p].prob[c] = c < k ? sc.prob[c] : 0;
        incite_explanation ex;
        rc = incite_scorer_explain(s, 3, &ex);
        FUZZ_CHECK(rc == INCITE_OK || rc == INCITE_EINVAL, "explain: done or not a linear model");
        if (rc == INCITE_OK) {
            FUZZ_CHECK(ex.ntop <= 6, "at most k toward and k against");
            for (size_t i = 0; i < ex.ntop; i++)
                FUZZ_CHECK(ex.top[i].ngram != NULL, "an explained n-gram has a name");
        }
    }
    incite_scorer_free(s);
}

static int same_double(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

static void use(const incite_model *m)
{
    size_t k = incite_model_nlabels(m);
    FUZZ_CHECK(k >= 2, "two labels or more");
    for (size_t i = 0; i < k; i++) {
        const char *l = incite_model_label(m, i);
        FUZZ_CHECK(l && *l, "labels are non-empty strings");
        FUZZ_CHECK(incite_model_find_label(m, l) == (int)i, "labels are distinct");
    }
    FUZZ_CHECK(incite_model_label(m, k) == NULL, "no label past the last");
    int flag = incite_model_flag_label(m);
    FUZZ_CHECK(flag >= -1 && flag < (int)k, "flag label in range");
    FUZZ_CHECK(incite_config_check(incite_model_config(m)) == INCITE_OK, "valid configuration");
    for (size_t i = 0; i < incite_model_meta_count(m); i++) {
        const char *key = incite_model_meta_key(m, i);
        FUZZ_CHECK(key && incite_model_meta(m, key), "metadata");
    }
    double recall = 0;
    double th = incite_model_threshold_for_precision(m, 0.9, &recall);
    FUZZ_CHECK(isnan(th) || (th >= 0 && th <= 1), "threshold in [0, 1]");
    size_t stride;
    FUZZ_CHECK(incite_model_idf(m, &stride) != NULL && stride >= 1, "IDF rows");

    scored a[sizeof posts / sizeof posts[0]], b[sizeof posts / sizeof posts[0]];
    score_all(m, a);
    /* a directory of its own for the save, gone before the next input (the
     * fuzzer's processes end without atexit); tmpfs when there is one: the
     * writer's fsync() is then free */
    char dir[64], path[80];
    snprintf(dir, sizeof dir, "%s/incite-fuzz-model.XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (!mkdtemp(dir))
        return;
    snprintf(path, sizeof path, "%s/m.model", dir);
    int saved = incite_model_save(m, path);
    incite_model *again = NULL;
    int loaded = saved == INCITE_OK ? incite_model_load(path, &again) : saved;
    unlink(path);
    rmdir(dir);
    FUZZ_CHECK(saved == INCITE_OK, "a loaded model saves");
    FUZZ_CHECK(loaded == INCITE_OK, "a saved model loads");
    score_all(again, b);
    for (size_t p = 0; p < sizeof posts / sizeof posts[0]; p++) {
        FUZZ_CHECK(a[p].label == b[p].label && same_double(a[p].margin, b[p].margin),
                   "save and load keep the scores");
        for (size_t c = 0; c < 4; c++)
            FUZZ_CHECK(same_double(a[p].prob[c], b[p].prob[c]), "save and load keep the probabilities");
    }
    incite_model_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    incite_model *m;
    if (load_bytes(data, size, &m) == INCITE_OK) {
        use(m);
        incite_model_free(m);
        return 0;
    }
    if (size < 20 || memcmp(data, "INCITEMD", 8) != 0)
        return 0;
    /* reseal: the loader's own checksum over everything but the trailer */
    uint8_t *copy = malloc(size);
    FUZZ_CHECK(copy != NULL, "memory");
    memcpy(copy, data, size);
    uint64_t h = hash_bytes(hash_seed(MODEL_SEED, 7), (const char *)copy, size - 8);
    for (int i = 0; i < 8; i++)
        copy[size - 8 + (size_t)i] = (uint8_t)(h >> (8 * i));
    if (load_bytes(copy, size, &m) == INCITE_OK) {
        use(m);
        incite_model_free(m);
    }
    free(copy);
    return 0;
}
