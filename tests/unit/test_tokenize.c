/*
 * test_tokenize.c - the second stage: normalized text -> tokens, through
 * the featurizer as every program uses it.
 */
#include <stdlib.h>

#include "testutil.h"

typedef struct {
    const char *name;
    const char *in;
    const char *tokens;  /* joined by single spaces */
} tok_case;

static const tok_case cases[] = {
    {"hindi", "क्या आपके पास हिन्दी", "क्या आपके पास हिन्दी"},
    {"hindi with danda", "मारो इन्हें। अभी!", "मारो इन्हें अभी !"},
    {"punjabi", "ਪੰਜਾਬੀ ਬੋਲੀ, ਸਾਡੀ ਬੋਲੀ", "ਪੰਜਾਬੀ ਬੋਲੀ ਸਾਡੀ ਬੋਲੀ"},
    {"invisible evasion", "ki\xe2\x80\x8bll KILL Kill", "kill kill kill"},
    {"placeholders", "https://x.co/a @someone me@x.org", "<url> <user> <email>"},
    {"url forms", "see http://a.b www.x.com/y ftp://z (https://q.r/s)", "see <url> <url> <url> <url>"},
    {"mention glued to punctuation", "(@ab_c1): hi", "<user> hi"},
    {"at sign alone", "meet @ 5", "meet 5"},
    {"email ends a sentence", "write to a.b+c@mail.example.org.", "write to <email>"},
    {"not an email", "a@b x@y.z", "a <user> x <user> z"},
    {"hashtag keeps text", "#KillThemAll #2019 #", "killthemall 2019"},
    {"elongation", "kiiiiilll kiill soooo sooo so", "kiill kiill soo soo so"},
    {"numbers do not collapse", "1000 10,000 3.14 10:30", "1000 10,000 3.14 10:30"},
    {"number then word", "3pm 2day", "3pm 2day"},
    {"apostrophe inside words", "don't 'quoted' rock'n'roll o'", "don't quoted rock'n'roll o"},
    {"curly apostrophe", "don\xe2\x80\x99t", "don't"},
    {"tone punctuation", "what?! no!!!!! ok. ?", "what ?! no !! ok ?"},
    {"emoji each a token", "\xf0\x9f\x98\xa1\xf0\x9f\x94\xaa", "\xf0\x9f\x98\xa1 \xf0\x9f\x94\xaa"},
    {"emoji repeats collapse", "\xf0\x9f\x98\x82\xf0\x9f\x98\x82\xf0\x9f\x98\x82\xf0\x9f\x98\x82",
     "\xf0\x9f\x98\x82 \xf0\x9f\x98\x82"},
    {"skin tone folds away", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd \xf0\x9f\x91\x8d", "\xf0\x9f\x91\x8d \xf0\x9f\x91\x8d"},
    {"zwj sequence one token",
     "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7!",
     "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7 !"},
    {"flag pair", "\xf0\x9f\x87\xae\xf0\x9f\x87\xb3\xf0\x9f\x87\xb5\xf0\x9f\x87\xb0",
     "\xf0\x9f\x87\xae\xf0\x9f\x87\xb3 \xf0\x9f\x87\xb5\xf0\x9f\x87\xb0"},
    {"emoji glued to words", "kill\xf0\x9f\x94\xaa" "them", "kill \xf0\x9f\x94\xaa them"},
    {"hinglish code-mixed", "Inko maaro yaar 😡 #देशद्रोही", "inko maaro yaar 😡 देशद्रोही"},
    {"invalid utf-8 is a symbol", "a\xff" "b", "a \xef\xbf\xbd b"},
    {"punctuation separates", "kill,them;all-now/then", "kill them all now then"},
    {"underscore separates", "kill_them", "kill them"},
    {"html entity", "you &amp; me", "you me"},
    {"only whitespace", "  \t  ", ""},
    {"empty", "", ""},
};

static void test_table(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    char buf[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const tok_case *c = &cases[i];
        const char *got = tokens_of(f, c->in, strlen(c->in), buf, sizeof buf);
        if (strcmp(got, c->tokens) != 0)
            fail_msg("case '%s': got '%s', want '%s'", c->name, got, c->tokens);
    }
    incite_featurizer_free(f);
}

static void test_kinds(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    const char *in = "kill 42 \xf0\x9f\x94\xaa ?! \xe2\x84\xa2 http://x @u a@b.cd";
    static const incite_token_kind want[] = {
        INCITE_TOKEN_WORD, INCITE_TOKEN_NUMBER, INCITE_TOKEN_EMOJI, INCITE_TOKEN_PUNCT,
        INCITE_TOKEN_WORD, INCITE_TOKEN_URL, INCITE_TOKEN_USER, INCITE_TOKEN_EMAIL,
    };
    assert_int_equal(incite_featurize(f, in, strlen(in), NULL, NULL), INCITE_OK);
    size_t n;
    const incite_token *t = incite_featurizer_tokens(f, &n);
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(t[i].kind, want[i]);
    incite_featurizer_free(f);
}

/* Spans stay valid and in bounds on long posts (the token buffer is sized
 * before the scan and never moves). */
static void test_long_post(void **state)
{
    (void)state;
    incite_featurizer *f = default_featurizer();
    size_t len = 1u << 20;
    char *big = malloc(len);
    assert_non_null(big);
    for (size_t i = 0; i < len; i++)
        big[i] = "ab\xe0\xa4\x95 !?\xf0\x9f\x98\x82 "[i % 13];
    assert_int_equal(incite_featurize(f, big, len, NULL, NULL), INCITE_OK);
    size_t n;
    const incite_token *t = incite_featurizer_tokens(f, &n);
    assert_true(n > 100000);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += t[i].len;
    assert_true(total <= len);
    free(big);
    incite_featurizer_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_long_post),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
