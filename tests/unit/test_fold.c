/*
 * test_fold.c - evasions undone (fold.c): look-alike letters, leetspeak,
 * spaced and stretched letters, romanized Indic words - and genuine
 * Cyrillic, Greek, Devanagari and Gurmukhi left alone.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

/* Word sequence, then " |" and the variants, of one post. */
static const char *folded(incite_featurizer *f, const char *text, char *buf, size_t cap)
{
    return joined_tokens(f, text, strlen(text), 1, buf, cap);
}

typedef struct {
    const char *name, *in, *out;
} fold_case;

static const fold_case cases[] = {
    {"cyrillic i in a latin word", "k\xd1\x96ll them", "kill them"},
    {"capital look-alikes", "\xd0\x9a\xd0\x86LL them", "kill them"},
    {"greek look-alikes", "\xce\xba\xce\xb9ll", "kill"},
    {"an all look-alike word in a latin post", "the \xd1\x95\xd1\x81\xd0\xb0m is here", "the scam is here"},
    {"a russian sentence stays russian",
     "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd1\x8d\xd1\x82\xd0\xbe \xd1\x81\xd0\xbe\xd0\xba \xd0\xb8 \xd0\xbc\xd0\xb8\xd1\x80",
     "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xd1\x8d\xd1\x82\xd0\xbe \xd1\x81\xd0\xbe\xd0\xba \xd0\xb8 \xd0\xbc\xd0\xb8\xd1\x80"},
    {"a greek word stays greek", "\xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1",
     "\xce\xba\xce\xb1\xce\xbb\xce\xb7\xce\xbc\xce\xad\xcf\x81\xce\xb1"},
    {"leet digits", "k1ll them", "kill them"},
    {"leet digits everywhere", "5h17 7h3m", "shit them"},
    {"leet 8", "h8 u", "h8 u | hate"},
    {"a number and its unit", "3pm 10km", "3pm 10km"},
    {"digits after a name", "mp3", "mp3 | mpe"},
    {"numbers stay numbers", "1234 and 3.14", "1234 and 3.14"},
    {"leet symbols", "b!tch $lut", "b ! tch lut | bitch slut"},
    {"a mention is not leet", "@u5er hi", "<user> hi"},
    {"spaced letters", "k i l l them", "kill them"},
    {"dotted letters", "k.i.l.l them", "kill them"},
    {"dashed letters", "k-i-l-l", "kill"},
    {"two single letters in a row stay", "a b and c-d", "a b and c d"},
    {"stretched word", "kiiiill them", "kiill them | kill"},
    {"doubled letters are not stretched", "kill good", "kill good"},
    {"hindi romanized", "मारो इन्हें", "मारो इन्हें | maro inhen"},
    {"punjabi romanized", "ਮਾਰ ਦਿਓ", "ਮਾਰ ਦਿਓ | mar dio"},
    {"spaced hindi", "मा रें गे उन्हें", "मा रें गे उन्हें | मारेंगे ma ren ge unhen marenge"},
    {"one-akshara hindi words are words", "है कि वो", "है कि वो | hai ki vo"},
    {"a spaced word among them", "वो मा र दो", "वो मा र दो | मार vo ma r do mar"},
    {"spaced punjabi", "ਮਾ ਰੋ", "ਮਾ ਰੋ | ਮਾਰੋ ma ro maro"},
    {"stretched hindi", "माााारेंगे", "मारेंगे | marenge"},
    {"a virama is not stretched", "क्या", "क्या | kya"},
    /* feature format 3 */
    {"addresses are no stretched words", "https://www.example.com/aaaa @kiiiilll_them kiiiill@x.org",
     "<url> <user> <email>"},
    {"a stretched word next to an address", "kiiiill @someone", "kiill <user> | kill"},
    {"bengali letters are no repeated signs", "মমতা", "মমতা"},
    {"devanagari digits are no repeated signs", "२२वीं", "२२वीं | 22vin"},
    {"candra vowels romanized", "मॉब डॉक्टर", "मॉब डॉक्टर | mob doktar"},
    {"zero width and fullwidth already undone", "k\xe2\x80\x8bi\xe2\x80\x8bll \xef\xbd\x8b\xef\xbd\x89\xef\xbd\x8c\xef\xbd\x8c",
     "kill kill"},
};

/* The default configuration but for its feature format and folds. */
static incite_featurizer *folding_featurizer(uint32_t format, uint32_t fold)
{
    incite_config c;
    incite_config_default(&c);
    c.format = format;
    c.fold = fold;
    incite_featurizer *f = incite_featurizer_new(&c);
    assert_non_null(f);
    return f;
}

/* A model keeps the folding of the feature format it was trained with.
 * Format 1: no Indic spacing or elongation.  Format 2, faults included:
 * elongation inside addresses, Bengali letters and digits taken for
 * repeated signs, no romanization with candra vowels. */
static void test_older_formats(void **state)
{
    (void)state;
    static const struct {
        uint32_t format;
        const char *in, *out;
    } older[] = {
        {1, "मा रें गे", "मा रें गे | ma ren ge"},
        {1, "माााारो", "माारो | maaro"},
        {2, "https://www.example.com/aaaa", "<url> | w a"},
        {2, "মমতা २२वीं", "মতা २वीं | 2vin"},
        {2, "मॉब", "मॉब"},
    };
    char buf[256];
    for (size_t i = 0; i < sizeof older / sizeof older[0]; i++) {
        incite_featurizer *f = folding_featurizer(older[i].format, INCITE_FOLD_ALL);
        const char *got = folded(f, older[i].in, buf, sizeof buf);
        if (strcmp(got, older[i].out) != 0)
            fail_msg("format %u, '%s': got '%s', want '%s'", older[i].format, older[i].in, got,
                     older[i].out);
        incite_featurizer_free(f);
    }
}

static void test_table(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    char buf[1024];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = folded(f, cases[i].in, buf, sizeof buf);
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("case '%s': got '%s', want '%s'", cases[i].name, got, cases[i].out);
    }
    incite_featurizer_free(f);
}

/* A model without folding keeps its behaviour: nothing is folded. */
static void test_off(void **state)
{
    (void)state;
    incite_featurizer *f = folding_featurizer(INCITE_FEATURE_FORMAT, 0);
    char buf[256];
    assert_string_equal(folded(f, "k\xd1\x96ll k1ll k i l l kiiiill \xe0\xa4\xae\xe0\xa4\xbe\xe0\xa4\xb0", buf, sizeof buf),
                        "k\xd1\x96ll k1ll k i l l kiill \xe0\xa4\xae\xe0\xa4\xbe\xe0\xa4\xb0");
    incite_featurizer_free(f);
}

/* Variants add unigrams and char n-grams, never word n-grams. */
static void test_variants_make_no_bigrams(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    incite_featurizer_keep_names(f, 1);
    assert_int_equal(incite_featurize(f, "h8 them", 7, NULL, NULL), INCITE_OK);
    const incite_feature *feat;
    long n = incite_featurizer_features(f, NULL, 1, &feat);
    int hate = 0, h8_them = 0, hate_them = 0, chars = 0;
    for (long i = 0; i < n; i++) {
        hate += strcmp(feat[i].ngram, "hate") == 0;
        h8_them += strcmp(feat[i].ngram, "h8 them") == 0;
        hate_them += strcmp(feat[i].ngram, "hate them") == 0;
        chars += strcmp(feat[i].ngram, "[_hat]") == 0;
    }
    assert_int_equal(hate, 1);
    assert_int_equal(h8_them, 1);
    assert_int_equal(hate_them, 0);
    assert_int_equal(chars, 1);
    incite_featurizer_free(f);
}

/* The survey that decides which folds a post needs reads it eight bytes
 * at a time: a leet symbol or a stretched letter is found at every
 * offset, with or without a word after it. */
static void test_every_offset(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    const char *probes[] = {"kiiiill", "b!tch", "$lut", "k1ll", "h8"};
    const char *letters = "abcdefghijklmnopqrstuvwxyz";
    for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        for (int tail = 0; tail < 2; tail++) {
            char probe[32], alone[256], text[64], got[256], want[320];
            snprintf(probe, sizeof probe, "%s%s", probes[p], tail ? " ok" : "");
            snprintf(alone, sizeof alone, "%s", folded(f, probe, got, sizeof got));
            for (int pad = 2; pad <= 20; pad++) {
                snprintf(text, sizeof text, "%.*s %s", pad, letters, probe);
                snprintf(want, sizeof want, "%.*s %s", pad, letters, alone);
                assert_string_equal(folded(f, text, got, sizeof got), want);
            }
        }
    }
    incite_featurizer_free(f);
}

/* Hostile input stays linear and in bounds: long runs of every kind. */
static void test_long_inputs(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    size_t n = 200000;
    char *s = malloc(n + 1);
    const char *units[] = {"a ", "8a", "$a", "aaa", "\xd1\x96", "\xe0\xa4\xae"};
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t ul = strlen(units[u]), k = 0;
        while (k + ul <= n) {
            memcpy(s + k, units[u], ul);
            k += ul;
        }
        assert_int_equal(incite_featurize(f, s, k, NULL, NULL), INCITE_OK);
    }
    free(s);
    incite_featurizer_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_older_formats),
        cmocka_unit_test(test_off),
        cmocka_unit_test(test_variants_make_no_bigrams),
        cmocka_unit_test(test_every_offset),
        cmocka_unit_test(test_long_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
