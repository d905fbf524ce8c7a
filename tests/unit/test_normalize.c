/*
 * test_normalize.c - the first stage: bytes -> normalized UTF-8.
 *
 * Table-driven cases in English, Hindi (Devanagari), Punjabi (Gurmukhi),
 * Hinglish and emoji, hostile bytes, and Unicode's own conformance data
 * (NormalizationTest.txt from Debian's unicode-data, when installed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "testutil.h"

typedef struct {
    const char *name;
    const char *in;
    size_t len;          /* 0: strlen(in) */
    const char *out;
    size_t invalid, nul;
} norm_case;

#define S(x) x, sizeof(x) - 1

static const norm_case cases[] = {
    {"ascii lower", "KILL Kill kill", 0, "kill kill kill", 0, 0},
    {"zero-width space", "ki\xe2\x80\x8bll", 0, "kill", 0, 0},
    {"zero-width joiner in a word", "ki\xe2\x80\x8dll", 0, "kill", 0, 0},
    {"zero-width non-joiner", "ki\xe2\x80\x8cll", 0, "kill", 0, 0},
    {"soft hyphen", "ki\xc2\xadll", 0, "kill", 0, 0},
    {"word joiner", "ki\xe2\x81\xa0ll", 0, "kill", 0, 0},
    {"bidi override", "\xe2\x80\xaekill\xe2\x80\xac", 0, "kill", 0, 0},
    {"bidi isolate", "\xe2\x81\xa6kill\xe2\x81\xa9", 0, "kill", 0, 0},
    {"variation selector", "\xe2\x9d\xa4\xef\xb8\x8f", 0, "\xe2\x9d\xa4", 0, 0},
    {"fullwidth", "\xef\xbc\xab\xef\xbc\xa9\xef\xbc\xac\xef\xbc\xac", 0, "kill", 0, 0},
    {"ligature fi", "\xef\xac\x81ght", 0, "fight", 0, 0},
    {"math bold capital", "\xf0\x9d\x90\x8a\xf0\x9d\x90\x88\xf0\x9d\x90\x8b\xf0\x9d\x90\x8b", 0, "kill", 0, 0},
    {"combining acute composes with ASCII", "E\xcc\x81", 0, "\xc3\xa9", 0, 0},
    {"precomposed stays", "caf\xc3\xa9", 0, "caf\xc3\xa9", 0, 0},
    {"sharp s folds", "STRA\xc3\x9f" "E", 0, "strasse", 0, 0},
    {"greek sigma folds", "\xce\xa3\xce\x9f\xce\xa3", 0, "\xcf\x83\xce\xbf\xcf\x83", 0, 0},
    {"cyrillic stays cyrillic", "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0,
     "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0, 0},
    {"devanagari intact", "क्या आपके पास हिन्दी", 0, "क्या आपके पास हिन्दी", 0, 0},
    {"devanagari nukta decomposes canonically", "\xe0\xa5\x98", 0, "\xe0\xa4\x95\xe0\xa4\xbc", 0, 0},
    {"gurmukhi intact", "ਪੰਜਾਬੀ ਬੋਲੀ", 0, "ਪੰਜਾਬੀ ਬੋਲੀ", 0, 0},
    {"hinglish", "Maaro SAALE ko", 0, "maaro saale ko", 0, 0},
    {"whitespace runs", "  a \t b\r\n c  ", 0, "a b c", 0, 0},
    {"unicode spaces", "a\xc2\xa0" "b\xe3\x80\x80" "c\xe2\x80\xa8" "d", 0, "a b c d", 0, 0},
    {"nul byte", S("a\0b"), "a b", 0, 1},
    {"only whitespace", " \t \r\n ", 0, "", 0, 0},
    {"empty", "", 0, "", 0, 0},
    {"bom", "\xef\xbb\xbfkill", 0, "kill", 0, 0},
    {"lone CR", "a\rb", 0, "a b", 0, 0},
    {"invalid byte FF", "a\xff" "b", 0, "a\xef\xbf\xbd" "b", 1, 0},
    {"invalid bytes FE FF", "\xfe\xff", 0, "\xef\xbf\xbd\xef\xbf\xbd", 2, 0},
    {"overlong slash", "\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd", 2, 0},
    {"overlong 3-byte", "\xe0\x80\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3, 0},
    {"surrogate", "\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3, 0},
    {"above U+10FFFF", "\xf4\x90\x80\x80", 0,
     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4, 0},
    {"truncated at end", "ab\xe0\xa4", 0, "ab\xef\xbf\xbd", 1, 0},
    {"truncated before ASCII", "\xe0\xa4" "ab", 0, "\xef\xbf\xbd" "ab", 1, 0},
    {"stray continuation", "a\x80" "b", 0, "a\xef\xbf\xbd" "b", 1, 0},
    {"html entities", "a &amp; b &lt;3 &quot;x&quot;", 0, "a & b <3 \"x\"", 0, 0},
    {"html numeric emoji", "lol &#128514;&#x1F602;", 0, "lol \xf0\x9f\x98\x82\xf0\x9f\x98\x82", 0, 0},
    {"html not an entity", "&bogus; &#; &#0; &#xD800; &amp", 0, "&bogus; &#; &#0; &#xd800; &amp", 0, 0},
    {"skin tone dropped", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 0, "\xf0\x9f\x91\x8d", 0, 0},
    {"zwj family kept", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", 0,
     "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", 0, 0},
    {"zwj heart with VS16", "\xf0\x9f\x91\xa8\xe2\x80\x8d\xe2\x9d\xa4\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x91\xa8", 0,
     "\xf0\x9f\x91\xa8\xe2\x80\x8d\xe2\x9d\xa4\xe2\x80\x8d\xf0\x9f\x91\xa8", 0, 0},
    {"only emoji", "\xf0\x9f\x98\xa1\xf0\x9f\x94\xaa", 0, "\xf0\x9f\x98\xa1\xf0\x9f\x94\xaa", 0, 0},
    {"curly apostrophe", "don\xe2\x80\x99t", 0, "don't", 0, 0},
};

static void test_table(void **state)
{
    (void)state;
    normalizer nz = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const norm_case *c = &cases[i];
        size_t len = c->len ? c->len : strlen(c->in);
        incite_text_stats st;
        int rc = normalize(&nz, INCITE_NORM_DEFAULT, c->in, len, &st);
        if (rc != INCITE_OK || strcmp(nz.out, c->out) != 0 || st.invalid_utf8 != c->invalid ||
            st.nul_bytes != c->nul)
            fail_msg("case '%s': got '%s' (invalid %zu, nul %zu), want '%s' (invalid %zu, nul %zu)",
                     c->name, nz.out, st.invalid_utf8, st.nul_bytes, c->out, c->invalid, c->nul);
        assert_int_equal(nz.len, strlen(c->out));
    }
    normalizer_release(&nz);
}

/* Output is always valid UTF-8 and idempotent: normalizing twice changes
 * nothing, whatever the bytes. */
static void test_idempotent_on_noise(void **state)
{
    (void)state;
    normalizer a = {0}, b = {0};
    uint32_t x = 12345;
    char buf[512];
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % 500);
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            unsigned r = (x >> 16) & 0xff;
            /* bias toward structure: ASCII letters, spaces, UTF-8 leads */
            buf[i] = (char)(r < 100 ? 'a' + r % 26 : r < 120 ? ' ' : r);
        }
        incite_text_stats st;
        assert_int_equal(normalize(&a, INCITE_NORM_DEFAULT, buf, len, &st), INCITE_OK);
        assert_int_equal(normalize(&b, INCITE_NORM_DEFAULT, a.out, a.len, &st), INCITE_OK);
        assert_int_equal(st.invalid_utf8, 0);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.out, b.out, a.len);
    }
    normalizer_release(&a);
    normalizer_release(&b);
}

static void test_ten_megabyte_line(void **state)
{
    (void)state;
    size_t len = 10u << 20;
    char *big = malloc(len);
    assert_non_null(big);
    static const char unit[] = "KILL them ALL \xe0\xa4\xae\xe0\xa4\xbe\xe0\xa4\xb0\xe0\xa5\x8b ";
    for (size_t i = 0; i < len; i++)
        big[i] = unit[i % (sizeof unit - 1)];
    normalizer nz = {0};
    incite_text_stats st;
    assert_int_equal(normalize(&nz, INCITE_NORM_DEFAULT, big, len, &st), INCITE_OK);
    assert_true(nz.len > 0 && nz.len <= len);
    assert_memory_equal(nz.out, "kill them all", 13);
    normalizer_release(&nz);
    free(big);
}

/* ---- Unicode's NormalizationTest.txt ------------------------------- */

static size_t parse_column(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    while (*s && *s != ';') {
        char *end;
        long cp = strtol(s, &end, 16);
        if (end == s)
            break;
        utf8proc_uint8_t tmp[4];
        utf8proc_ssize_t w = utf8proc_encode_char((utf8proc_int32_t)cp, tmp);
        if (k + (size_t)w + 1 >= cap)
            break;
        memcpy(out + k, tmp, (size_t)w);
        k += (size_t)w;
        s = end;
        while (*s == ' ')
            s++;
    }
    out[k] = '\0';
    return k;
}

static int only_letters_marks_numbers(const char *s)
{
    utf8proc_int32_t cp;
    for (utf8proc_ssize_t i = 0, w; s[i]; i += w) {
        w = utf8proc_iterate((const utf8proc_uint8_t *)s + i, -1, &cp);
        if (w <= 0)
            return 0;
        utf8proc_category_t c = utf8proc_category(cp);
        if (!(c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO))
            return 0;
        if (utf8proc_get_property(cp)->ignorable)
            return 0;
    }
    return 1;
}

static void test_normalization_conformance(void **state)
{
    (void)state;
    const char *path = getenv("INCITE_NORMALIZATION_TEST");
    if (!path)
        path = "/usr/share/unicode/NormalizationTest.txt.bz2";
    char cmd[512];
    snprintf(cmd, sizeof cmd, "bzcat '%s' 2>/dev/null", path);
    FILE *fp = popen(cmd, "r");
    assert_non_null(fp);
    normalizer nz = {0};
    char line[4096], col[5][1024], ref4[1024];
    long lines = 0, compared = 0;
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '@' || line[0] == '\n')
            continue;
        const char *p = line;
        for (int k = 0; k < 5; k++) {
            parse_column(p, col[k], sizeof col[k]);
            p = strchr(p, ';');
            assert_non_null(p);
            p++;
        }
        lines++;
        /* every column of a line is the same text under NFKC, so the
         * normalizer must give one output for all five */
        incite_text_stats st;
        assert_int_equal(normalize(&nz, INCITE_NORM_DEFAULT, col[3], strlen(col[3]), &st), INCITE_OK);
        snprintf(ref4, sizeof ref4, "%s", nz.out);
        for (int k = 0; k < 5; k++) {
            assert_int_equal(normalize(&nz, INCITE_NORM_DEFAULT, col[k], strlen(col[k]), &st), INCITE_OK);
            if (strcmp(nz.out, ref4) != 0)
                fail_msg("NormalizationTest line %ld column %d: '%s' != '%s'", lines, k + 1, nz.out, ref4);
        }
        /* and where nothing but letters, marks and digits is involved,
         * that output is utf8proc's NFKC_Casefold (with the LUMP folding
         * of look-alike punctuation the normalizer also applies) */
        if (only_letters_marks_numbers(col[3])) {
            utf8proc_uint8_t *want = NULL;
            utf8proc_map((const utf8proc_uint8_t *)col[3], 0, &want,
                         UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                         UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_LUMP);
            assert_non_null(want);
            if (strcmp((const char *)want, ref4) != 0)
                fail_msg("NormalizationTest line %ld: '%s' != NFKC_Casefold '%s'", lines, ref4, want);
            free(want);
            compared++;
        }
    }
    int status = pclose(fp);
    if (lines == 0)
        skip();   /* unicode-data not installed: `make deps` installs it */
    assert_int_equal(status, 0);
    assert_true(lines > 15000);
    assert_true(compared > 10000);
    normalizer_release(&nz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_idempotent_on_noise),
        cmocka_unit_test(test_ten_megabyte_line),
        cmocka_unit_test(test_normalization_conformance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
