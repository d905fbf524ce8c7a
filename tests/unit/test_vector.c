/*
 * test_vector.c - the fourth stage: the vector handed to LIBLINEAR and
 * LIBSVM must be sorted, 1-based, L2-normalized per group, terminated.
 */
#include <math.h>
#include <stdlib.h>

#include "testutil.h"

static long vectorize(incite_featurizer *f, const char *text, const float *idf, double bias,
                      incite_node *out, size_t cap)
{
    assert_int_equal(incite_featurize(f, text, strlen(text), NULL, NULL), INCITE_OK);
    return incite_featurizer_vector(f, idf, bias, out, cap);
}

static void test_layout(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    const incite_config *c = incite_featurizer_config(f);
    incite_node v[2048];
    const char *posts[] = {"kill them all", "क्या आपके पास हिन्दी", "😡😡 ?! @x", "a", ""};
    for (size_t p = 0; p < 5; p++) {
        long n = vectorize(f, posts[p], NULL, 1.0, v, 2048);
        assert_true(n >= 1);
        assert_int_equal(v[n - 1].index, (int)incite_config_dimension(c) + 1);  /* bias */
        assert_close(v[n - 1].value, 1.0, 0);
        assert_int_equal(v[n].index, -1);
        double ss[2] = {0, 0};
        for (long i = 0; i + 1 < n; i++) {
            assert_true(v[i].index >= 1);
            assert_true((uint32_t)v[i].index <= incite_config_dimension(c));
            if (i)
                assert_true(v[i].index > v[i - 1].index);
            ss[(v[i].index - 1) & 1] += v[i].value * v[i].value;
        }
        for (int g = 0; g < 2; g++)   /* each non-empty group has unit norm */
            if (ss[g] > 0)
                assert_close(ss[g], 1.0, 1e-12);
    }
    incite_featurizer_free(f);
}

static void test_idf_weights_and_drops(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    uint32_t dim = incite_config_dimension(incite_featurizer_config(f));
    float *idf = calloc(dim, sizeof *idf);
    assert_non_null(idf);
    incite_node all[1024], some[1024];
    long n = vectorize(f, "kill them now", NULL, -1, all, 1024);
    assert_true(n > 4);
    /* keep three features, one of them weighted twice */
    idf[all[0].index - 1] = 2.0f;
    idf[all[1].index - 1] = 1.0f;
    idf[all[n - 1].index - 1] = 1.0f;
    long m = vectorize(f, "kill them now", idf, -1, some, 1024);
    assert_int_equal(m, 3);
    assert_int_equal(some[0].index, all[0].index);
    assert_int_equal(some[2].index, all[n - 1].index);
    assert_close(fabs(some[0].value / some[1].value), 2.0, 1e-12);   /* signs: hashing */
    free(idf);
    incite_featurizer_free(f);
}

static void test_room(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    incite_node v[4];
    assert_int_equal(vectorize(f, "kill them all now", NULL, -1, v, 4), INCITE_ELIMIT);
    assert_true(strlen(incite_last_error()) > 0);
    size_t need = incite_featurizer_vector_size(f);
    incite_node *w = calloc(need, sizeof *w);
    assert_true(incite_featurizer_vector(f, NULL, 1.0, w, need) > 0);
    free(w);
    incite_featurizer_free(f);
}

/* The node layout is LIBLINEAR's feature_node and LIBSVM's svm_node. */
static void test_node_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(incite_node), 16);
    assert_int_equal(offsetof(incite_node, index), 0);
    assert_int_equal(offsetof(incite_node, value), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_idf_weights_and_drops),
        cmocka_unit_test(test_room),
        cmocka_unit_test(test_node_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
