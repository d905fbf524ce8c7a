/*
 * test_perturb.c - what incite-eval --perturb does to a post: each kind
 * rewrites as documented, in Latin and in Devanagari and Gurmukhi words
 * (by akshara), leaves what it does not apply to alone, and is
 * deterministic.
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char *perturb(const char *text, incite_perturb_kind k, double rate, uint64_t seed)
{
    char *out;
    size_t n;
    assert_int_equal(incite_perturb(text, strlen(text), k, rate, seed, &out, &n), INCITE_OK);
    assert_int_equal(strlen(out), n);
    return out;
}

static void expect(const char *text, incite_perturb_kind k, const char *want)
{
    char *got = perturb(text, k, 1.0, 1);
    if (strcmp(got, want) != 0)
        fail_msg("%s of '%s': got '%s', want '%s'", incite_perturb_name(k), text, got, want);
    free(got);
}

#define ZW "\xe2\x80\x8b"

static void test_latin(void **state)
{
    (void)state;
    expect("kill them", INCITE_PERTURB_ZEROWIDTH, "k" ZW "i" ZW "l" ZW "l t" ZW "h" ZW "e" ZW "m");
    expect("kill", INCITE_PERTURB_FULLWIDTH, "\xef\xbd\x8b\xef\xbd\x89\xef\xbd\x8c\xef\xbd\x8c");
    expect("kill", INCITE_PERTURB_HOMOGLYPH, "\xce\xba\xd1\x96ll");
    expect("kill them", INCITE_PERTURB_LEET, "k1ll 7h3m");
    expect("kill them", INCITE_PERTURB_SPACING, "k i l l t h e m");
    /* words of fewer than three letters, numbers: untouched */
    expect("go at 2020", INCITE_PERTURB_SPACING, "go at 2020");
    char *e = perturb("kill", INCITE_PERTURB_ELONGATE, 1.0, 1);
    assert_true(strncmp(e, "kiii", 4) == 0 && strlen(e) >= 6 && strlen(e) <= 9);
    free(e);
}

static void test_indic(void **state)
{
    (void)state;
    /* मारो: म ा र ो, two aksharas; three letters needed: मारेंगे has म र ग */
    expect("मारेंगे", INCITE_PERTURB_SPACING, "मा रें गे");
    expect("मारेंगे", INCITE_PERTURB_ZEROWIDTH, "मा" ZW "रें" ZW "गे");
    /* a virama joins: हिन्दू is हि न्दू */
    expect("हिन्दू लोग", INCITE_PERTURB_SPACING, "हि न्दू लोग");
    /* Gurmukhi: ਪੰਜਾਬੀ is ਪੰ ਜਾ ਬੀ */
    expect("ਪੰਜਾਬੀ", INCITE_PERTURB_SPACING, "ਪੰ ਜਾ ਬੀ");
    /* the rewrites no Indic script has leave its words alone */
    expect("मारेंगे", INCITE_PERTURB_FULLWIDTH, "मारेंगे");
    expect("मारेंगे", INCITE_PERTURB_HOMOGLYPH, "मारेंगे");
    expect("मारेंगे", INCITE_PERTURB_LEET, "मारेंगे");
    /* elongation repeats each vowel sign 3 to 6 times */
    char *e = perturb("मारेंगे", INCITE_PERTURB_ELONGATE, 1.0, 1);
    assert_non_null(strstr(e, "म\xe0\xa4\xbe\xe0\xa4\xbe\xe0\xa4\xbe"));   /* ा three times */
    assert_null(strstr(e, " "));
    free(e);
}

static void test_rate_and_determinism(void **state)
{
    (void)state;
    const char *post = "they should all be killed tonight, उन्हें मारेंगे";
    for (int k = 0; k < INCITE_PERTURB_COUNT; k++) {
        char *a = perturb(post, (incite_perturb_kind)k, 0.5, 7);
        char *b = perturb(post, (incite_perturb_kind)k, 0.5, 7);
        assert_string_equal(a, b);
        free(a);
        free(b);
        char *none = perturb(post, (incite_perturb_kind)k, 0.0, 7);
        assert_string_equal(none, post);
        free(none);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latin),
        cmocka_unit_test(test_indic),
        cmocka_unit_test(test_rate_and_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
