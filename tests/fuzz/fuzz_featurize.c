/*
 * fuzz_featurize.c - libFuzzer harness for the core: arbitrary bytes
 * through normalize -> tokenize -> features -> vector, under eight kinds
 * of configuration, with and without a stance target and readable names.
 *
 * Input: byte 0 picks the configuration (bits 0-1 n-gram ranges and hash
 * bits, 2 target crossing, 3 every evasion folding, 4 signed hashing and
 * raw tf, 5-6 normalization flags, 7 no tokenizer options); the rest is
 * the post.  With target crossing, the bytes before the first TAB are the
 * target.
 *
 * Besides not crashing, the core must keep what incite.h and README.md
 * promise: normalized text is valid UTF-8 with single inner spaces and no
 * control characters; tokens are non-empty and space-free; the vector is
 * 1-based, strictly increasing, inside the dimension, finite, each group
 * of unit length; the names path (keep_names) gives the very same vector
 * as the fast path; a featurizer that saw another post in between gives
 * the same vector again; normalizing normalized text changes nothing; the
 * stats count NUL bytes and invalid UTF-8.  The post also goes through
 * incite_script_of() and incite_perturb(), as incite-eval puts it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "incite.h"

#define MAX_TARGET 256

static void config_of(uint8_t sel, incite_config *c)
{
    incite_config_default(c);
    switch (sel & 3) {
    case 0:
        break;   /* the defaults: 2^20 buckets, words 1-2, chars 2-5 */
    case 1:
        c->hash_bits = 8;
        c->word_min = 1, c->word_max = 4;
        c->char_min = 1, c->char_max = 8;
        break;
    case 2:
        c->hash_bits = 10;
        c->word_min = 1, c->word_max = 3;
        c->char_min = 0, c->char_max = 0;
        break;
    default:
        c->hash_bits = 12;
        c->word_min = 0, c->word_max = 0;
        c->char_min = 3, c->char_max = 3;
        break;
    }
    c->target_cross = (sel >> 2) & 1;
    /* the four folding flags (INCITE_FOLD_*), by value: a build without
     * folding refuses them, and then the post is featurized without */
    c->fold = (sel >> 3) & 1 ? 0xfu : 0;
    c->signed_hash = (sel >> 4) & 1;
    c->sublinear_tf = !((sel >> 4) & 1);
    static const uint32_t norm[4] = {
        INCITE_NORM_DEFAULT, 0, INCITE_NORM_NFKC,
        INCITE_NORM_IGNORABLES | INCITE_NORM_HTML | INCITE_NORM_SKIN_TONE,
    };
    c->normalize = norm[(sel >> 5) & 3];
    c->tokenize = (sel >> 7) & 1 ? 0 : INCITE_TOK_DEFAULT;
}

/* A deterministic IDF for small spaces, with zeros that drop features;
 * NULL (all ones) for the default 2^20 buckets. */
static const float *idf_for(const incite_config *c)
{
    static float *idf;
    static uint32_t have;
    uint32_t dim = incite_config_dimension(c);
    if (c->hash_bits > 12)
        return NULL;
    if (have != dim) {
        free(idf);
        idf = malloc(dim * sizeof *idf);
        FUZZ_CHECK(idf != NULL, "memory for the test IDF");
        for (uint32_t j = 0; j < dim; j++)
            idf[j] = j % 7 == 3 ? 0.0f : 1.0f + (float)(j % 5) * 0.5f;
        have = dim;
    }
    return idf;
}

static void check_normalized(incite_featurizer *f)
{
    size_t n;
    const char *s = incite_featurizer_normalized(f, &n);
    FUZZ_CHECK(s != NULL, "normalized text");
    FUZZ_CHECK(strlen(s) == n, "normalized text has no NUL and is terminated");
    FUZZ_CHECK(fuzz_valid_utf8(s, n, 0), "normalized text is valid UTF-8");
    if (n) {
        FUZZ_CHECK(s[0] != ' ' && s[n - 1] != ' ', "no space at either end");
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        FUZZ_CHECK(b >= 0x20 && b != 0x7f, "no ASCII control character");
        FUZZ_CHECK(!(b == ' ' && i + 1 < n && s[i + 1] == ' '), "single spaces");
    }
}

static void check_tokens(incite_featurizer *f)
{
    size_t n;
    const incite_token *t = incite_featurizer_tokens(f, &n);
    FUZZ_CHECK(n == 0 || t != NULL, "tokens");
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(t[i].len > 0, "a token is not empty");
        FUZZ_CHECK(t[i].kind <= INCITE_TOKEN_EMAIL, "token kind");
        FUZZ_CHECK(memchr(t[i].text, ' ', t[i].len) == NULL, "no space inside a token");
        FUZZ_CHECK(fuzz_valid_utf8(t[i].text, t[i].len, 0), "a token is valid UTF-8");
    }
}

/* The vector of the last post, checked; *out (malloc'd) and its count. */
static long vector_of(incite_featurizer *f, const incite_config *c, const float *idf,
                      double bias, incite_node **out)
{
    size_t cap = incite_featurizer_vector_size(f);
    incite_node *v = malloc(cap * sizeof *v);
    FUZZ_CHECK(v != NULL, "memory for the vector");
    long n = incite_featurizer_vector(f, idf, bias, v, cap);
    FUZZ_CHECK(n >= 0 && (size_t)n < cap, "vector fits the size it asked for");
    FUZZ_CHECK(v[n].index == -1, "vector ends with -1");
    uint32_t dim = incite_config_dimension(c);
    unsigned gmask = incite_config_groups(c) - 1;
    double ss[4] = {0};
    long feats = bias >= 0 ? n - 1 : n;
    for (long i = 0; i < feats; i++) {
        FUZZ_CHECK(v[i].index >= 1 && (uint32_t)v[i].index <= dim, "index inside the dimension");
        FUZZ_CHECK(i == 0 || v[i].index > v[i - 1].index, "indexes strictly increasing");
        FUZZ_CHECK(isfinite(v[i].value) && v[i].value != 0.0, "values finite, zeros dropped");
        ss[(uint32_t)(v[i].index - 1) & gmask] += v[i].value * v[i].value;
    }
    if (bias >= 0) {
        FUZZ_CHECK(n >= 1 && (uint32_t)v[n - 1].index == dim + 1 && v[n - 1].value == bias,
                   "bias node last");
    }
    for (unsigned g = 0; g <= gmask; g++)
        FUZZ_CHECK(ss[g] == 0.0 || fabs(ss[g] - 1.0) < 1e-9, "each group of unit length");
    /* too little room is refused, not overrun */
    incite_node tiny[1];
    FUZZ_CHECK(incite_featurizer_vector(f, idf, bias, tiny, 1) == INCITE_ELIMIT,
               "a vector without room is refused");
    *out = v;
    return n;
}

static int same_vector(const incite_node *a, long na, const incite_node *b, long nb)
{
    if (na != nb)
        return 0;
    for (long i = 0; i <= na; i++)
        if (a[i].index != b[i].index || a[i].value != b[i].value)
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    incite_config c;
    config_of(data[0], &c);
    if (c.fold && incite_config_check(&c) != INCITE_OK)
        c.fold = 0;
    FUZZ_CHECK(incite_config_check(&c) == INCITE_OK, "the harness's configurations are valid");
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    char target[MAX_TARGET + 1];
    const char *tgt = NULL;
    if (c.target_cross) {
        const char *tab = memchr(text, '\t', len);
        if (tab && (size_t)(tab - text) <= MAX_TARGET) {
            size_t tl = (size_t)(tab - text);
            memcpy(target, text, tl);
            target[tl] = '\0';   /* a NUL inside ends the target early, as in C */
            tgt = target;
            len -= tl + 1;
            text = tab + 1;
        }
    }
    const float *idf = idf_for(&c);
    double bias = data[0] & 0x10 ? 1.0 : -1.0;

    incite_featurizer *fast = incite_featurizer_new(&c), *named = incite_featurizer_new(&c);
    FUZZ_CHECK(fast && named, "featurizers");
    incite_featurizer_keep_names(named, 1);

    incite_text_stats st;
    FUZZ_CHECK(incite_featurize(fast, text, len, tgt, &st) == INCITE_OK, "any bytes featurize");
    FUZZ_CHECK(st.bytes_in == len, "stats: bytes in");
    size_t nuls = 0;
    for (size_t i = 0; i < len; i++)
        nuls += text[i] == '\0';
    FUZZ_CHECK(st.nul_bytes == nuls, "stats: every NUL byte counted");
    FUZZ_CHECK((st.invalid_utf8 > 0) == !fuzz_valid_utf8(text, len, 0),
               "stats: invalid UTF-8 counted exactly when there is some");
    FUZZ_CHECK(st.invalid_utf8 <= len, "stats: at most one invalid sequence a byte");
    check_normalized(fast);
    check_tokens(fast);
    incite_node *v1;
    long n1 = vector_of(fast, &c, idf, bias, &v1);
    const incite_feature *none;
    FUZZ_CHECK(incite_featurizer_features(fast, idf, 1, &none) < 0, "no names unless kept");

    /* the names path must compute the same vector as the fast path */
    FUZZ_CHECK(incite_featurize(named, text, len, tgt, NULL) == INCITE_OK, "featurize, names");
    incite_node *v2;
    long n2 = vector_of(named, &c, idf, bias, &v2);
    FUZZ_CHECK(same_vector(v1, n1, v2, n2), "keep_names does not change the vector");
    const incite_feature *feat;
    long nf = incite_featurizer_features(named, idf, 1, &feat);
    long nfeat = bias >= 0 ? n2 - 1 : n2;
    FUZZ_CHECK(nf == nfeat, "one named feature per vector node");
    for (long i = 0; i < nf; i++) {
        FUZZ_CHECK(feat[i].index + 1 == (uint32_t)v2[i].index, "named feature index");
        FUZZ_CHECK(feat[i].value == v2[i].value, "named feature value");
        FUZZ_CHECK(feat[i].ngram != NULL, "named feature has a name");
        FUZZ_CHECK(tgt || fuzz_valid_utf8(feat[i].ngram, strlen(feat[i].ngram), 0),
                   "an n-gram name is valid UTF-8");
    }

    /* normalized text is a fixed point: normalizing it again changes
     * nothing (without HTML decoding, which "&amp;lt;" rightly defeats) */
    if (!(c.normalize & INCITE_NORM_HTML)) {
        size_t nl;
        const char *norm = incite_featurizer_normalized(fast, &nl);
        char *copy = malloc(nl + 1);
        FUZZ_CHECK(copy != NULL, "memory");
        memcpy(copy, norm, nl + 1);
        FUZZ_CHECK(incite_featurize(named, copy, nl, NULL, NULL) == INCITE_OK, "featurize normalized");
        size_t nl2;
        const char *norm2 = incite_featurizer_normalized(named, &nl2);
        FUZZ_CHECK(nl2 == nl && memcmp(norm2, copy, nl) == 0, "normalization is idempotent");
        free(copy);
    }

    /* buffers reused after a different post give the same result */
    FUZZ_CHECK(incite_featurize(fast, text, len / 2, NULL, NULL) == INCITE_OK, "featurize half");
    free(v2);
    n2 = vector_of(fast, &c, idf, bias, &v2);
    FUZZ_CHECK(incite_featurize(fast, text, len, tgt, NULL) == INCITE_OK, "featurize again");
    free(v2);
    n2 = vector_of(fast, &c, idf, bias, &v2);
    FUZZ_CHECK(same_vector(v1, n1, v2, n2), "the same post gives the same vector");

    /* what incite-eval --by-script and --perturb do to a post: any bytes
     * rewrite, the same way twice, into something that featurizes */
    FUZZ_CHECK(incite_script_name(incite_script_of(text, len)) != NULL, "a script name");
    incite_perturb_kind kind = (incite_perturb_kind)(data[0] % INCITE_PERTURB_COUNT);
    char *p1, *p2;
    size_t l1, l2;
    FUZZ_CHECK(incite_perturb(text, len, kind, 0.7, size, &p1, &l1) == INCITE_OK, "perturb");
    FUZZ_CHECK(incite_perturb(text, len, kind, 0.7, size, &p2, &l2) == INCITE_OK, "perturb again");
    FUZZ_CHECK(p1 && p2 && l1 == l2 && memcmp(p1, p2, l1) == 0 && p1[l1] == '\0',
               "perturbation is deterministic and terminated");
    FUZZ_CHECK(incite_featurize(named, p1, l1, tgt, NULL) == INCITE_OK, "a perturbed post featurizes");
    free(p1);
    free(p2);

    free(v1);
    free(v2);
    incite_featurizer_free(fast);
    incite_featurizer_free(named);
    return 0;
}
