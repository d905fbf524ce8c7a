/*
 * test_features.c - the third stage: tokens -> hashed n-gram counts, seen
 * through the readable names the featurizer gives them.
 */
#include <math.h>
#include <stdlib.h>

#include "testutil.h"

/* Does the last post have a feature named `name`?  Returns its value or
 * NAN. */
static double feature(incite_featurizer *f, const char *name)
{
    const incite_feature *feat;
    long n = incite_featurizer_features(f, NULL, 1, &feat);
    assert_true(n >= 0);
    for (long i = 0; i < n; i++)
        if (strcmp(feat[i].ngram, name) == 0)
            return feat[i].value;
    return NAN;
}

static incite_featurizer *named(incite_config *c)
{
    incite_featurizer *f = incite_featurizer_new(c);
    assert_non_null(f);
    incite_featurizer_keep_names(f, 1);
    return f;
}

static void run(incite_featurizer *f, const char *text, const char *target)
{
    assert_int_equal(incite_featurize(f, text, strlen(text), target, NULL), INCITE_OK);
}

static void test_word_and_char_ngrams(void **state)
{
    (void)state;
    incite_config c;
    incite_config_default(&c);
    incite_featurizer *f = named(&c);
    run(f, "Kill them", NULL);
    const char *want[] = {"kill", "them", "kill them", "[_k]", "[kill_]", "[ill_]", "[he]", "[_them]"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (isnan(feature(f, want[i])))
            fail_msg("missing feature '%s'", want[i]);
    assert_true(0 != isnan(feature(f, "them kill")));
    assert_true(0 != isnan(feature(f, "[_kill_t]")));   /* char n-grams stay inside words */
    incite_featurizer_free(f);
}

/* The reason for char n-grams: Hinglish spellings and Hindi inflections
 * share features. */
static void test_spelling_variants_share(void **state)
{
    (void)state;
    incite_config c;
    incite_config_default(&c);
    incite_featurizer *f = named(&c);
    const char *variants[] = {"maaro", "maro", "maar"};
    for (size_t i = 0; i < 3; i++) {
        run(f, variants[i], NULL);
        assert_true(!isnan(feature(f, "[_ma]")));
    }
    run(f, "maaro", NULL);
    assert_true(!isnan(feature(f, "[aro_]")));
    run(f, "maro", NULL);
    assert_true(!isnan(feature(f, "[aro_]")));
    const char *hindi[] = {"मारो", "मार", "मारना"};
    for (size_t i = 0; i < 3; i++) {
        run(f, hindi[i], NULL);
        if (isnan(feature(f, "[_मार]")))
            fail_msg("'%s' lacks [_मार]", hindi[i]);
    }
    incite_featurizer_free(f);
}

static void test_counts_are_sublinear(void **state)
{
    (void)state;
    incite_config c;
    incite_config_default(&c);
    c.char_max = 0;                   /* words only: easy arithmetic */
    c.signed_hash = 0;                /* and no signs */
    incite_featurizer *f = named(&c);
    run(f, "kill kill kill them", NULL);
    /* kill: 1 + ln 3; them: 1; "kill kill": 1 + ln 2; "kill them": 1 */
    double k = 1 + log(3.0), kk = 1 + log(2.0);
    double norm = sqrt(k * k + 1 + kk * kk + 1);
    assert_close(feature(f, "kill"), k / norm, 1e-12);
    assert_close(feature(f, "them"), 1 / norm, 1e-12);
    assert_close(feature(f, "kill kill"), kk / norm, 1e-12);
    incite_featurizer_free(f);
}

static void test_target_crossing(void **state)
{
    (void)state;
    incite_config c;
    incite_config_default(&c);
    c.target_cross = 1;
    incite_featurizer *f = named(&c);
    run(f, "ban it", "abortion");
    assert_true(!isnan(feature(f, "ban")));
    assert_true(!isnan(feature(f, "{abortion} ban")));
    assert_true(!isnan(feature(f, "{abortion} [_ban_]")));
    const incite_feature *feat;
    long with = incite_featurizer_features(f, NULL, 1, &feat);
    run(f, "ban it", NULL);
    long without = incite_featurizer_features(f, NULL, 1, &feat);
    assert_int_equal(with, 2 * without);
    /* the same text under another target crosses to other dimensions */
    incite_featurizer *g = incite_featurizer_new(&c);
    incite_node a[256], b[256];
    run(g, "ban it", "abortion");
    long na = incite_featurizer_vector(g, NULL, -1, a, 256);
    run(g, "ban it", "ABORTION");           /* targets ignore ASCII case */
    long nb = incite_featurizer_vector(g, NULL, -1, b, 256);
    assert_int_equal(na, nb);
    for (long i = 0; i < na; i++) {   /* field by field: nodes have padding */
        assert_int_equal(a[i].index, b[i].index);
        assert_close(a[i].value, b[i].value, 0);
    }
    run(g, "ban it", "atheism");
    nb = incite_featurizer_vector(g, NULL, -1, b, 256);
    int differ = 0;
    for (long i = 0; i < na; i++)
        differ += a[i].index != b[i].index;
    assert_true(differ > 0);
    incite_featurizer_free(f);
    incite_featurizer_free(g);
}

/* Golden: the hash is part of every model's meaning.  If this fails, the
 * features changed: bump INCITE_FEATURE_FORMAT (and keep old models'
 * behaviour or refuse them), then update the constant. */
static void test_hash_is_stable(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    const char *post = "@user Inko MAARO!!! 😡 https://t.co/x क्या हिन्दी ਪੰਜਾਬੀ";
    run(f, post, NULL);
    incite_node v[1024];
    long n = incite_featurizer_vector(f, NULL, -1, v, 1024);
    assert_true(n > 50);
    uint64_t h = 1469598103934665603ull;
    for (long i = 0; i < n; i++)
        h = (h ^ (uint64_t)(uint32_t)v[i].index) * 1099511628211ull;
    if (h != 0x8b784e73960a8cdfull || n != 161)
        fail_msg("feature hash changed: n=%ld h=0x%016llxull", n, (unsigned long long)h);
    incite_featurizer_free(f);
}

static void test_empty_and_symbol_posts(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    incite_node v[16];
    run(f, "", NULL);
    assert_int_equal(incite_featurizer_vector(f, NULL, -1, v, 16), 0);
    assert_int_equal(v[0].index, -1);
    run(f, "   !!! ", NULL);
    assert_int_equal(incite_featurizer_vector(f, NULL, -1, v, 16), 1);   /* the "!!" unigram */
    incite_featurizer_free(f);
}

/* Posts far longer than any tweet sort in linear time and stay exact. */
static void test_long_post_counts(void **state)
{
    (void)state;
    incite_config c;
    incite_config_default(&c);
    c.char_max = 0;
    c.signed_hash = 0;
    incite_featurizer *f = named(&c);
    size_t reps = 50000;
    char *big = malloc(reps * 5 + 1);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + 5 * i, i % 2 ? "them " : "kill ", 5);
    big[reps * 5] = '\0';
    run(f, big, NULL);
    const incite_feature *feat;
    assert_int_equal(incite_featurizer_features(f, NULL, 1, &feat), 4);
    double kill = 1 + log(25000.0), pair = 1 + log(24999.0);
    double norm = sqrt(2 * kill * kill + pair * pair + (1 + log(25000.0)) * (1 + log(25000.0)));
    assert_close(feature(f, "kill them"), (1 + log(25000.0)) / norm, 1e-9);
    assert_close(feature(f, "them kill"), pair / norm, 1e-9);
    free(big);
    incite_featurizer_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_and_char_ngrams),
        cmocka_unit_test(test_spelling_variants_share),
        cmocka_unit_test(test_counts_are_sublinear),
        cmocka_unit_test(test_target_crossing),
        cmocka_unit_test(test_hash_is_stable),
        cmocka_unit_test(test_empty_and_symbol_posts),
        cmocka_unit_test(test_long_post_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
