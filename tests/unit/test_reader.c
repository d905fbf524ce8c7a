/*
 * test_reader.c - input rows: format detection, TSV columns by name, JSON
 * Lines fields, and every row accounted for - unusable rows come back as
 * records with a reason, in order.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

typedef struct {
    uint64_t line;
    char text[256];
    char id[64], handle[64];
    int has_id, has_handle, truncated;
    char error[128];
} row;

static size_t read_rows(const char *data, size_t len, const incite_reader_options *o, row *out,
                        size_t cap, incite_input_format *fmt, int *header)
{
    FILE *fp = fmemopen((void *)data, len, "rb");
    assert_non_null(fp);
    incite_reader *r = incite_reader_new(fp, "t.tsv", o);
    assert_non_null(r);
    size_t n = 0;
    incite_record rec;
    int rc;
    while ((rc = incite_reader_next(r, &rec)) == 1) {
        assert_true(n < cap);
        row *w = &out[n++];
        memset(w, 0, sizeof *w);
        w->line = rec.line;
        w->truncated = rec.truncated;
        if (rec.error)
            snprintf(w->error, sizeof w->error, "%s", rec.error);
        else
            snprintf(w->text, sizeof w->text, "%.*s", (int)rec.field[INCITE_FIELD_TEXT].len,
                     rec.field[INCITE_FIELD_TEXT].s);
        if ((w->has_id = rec.field[INCITE_FIELD_ID].s != NULL))
            snprintf(w->id, sizeof w->id, "%s", rec.field[INCITE_FIELD_ID].s);
        if ((w->has_handle = rec.field[INCITE_FIELD_HANDLE].s != NULL))
            snprintf(w->handle, sizeof w->handle, "%s", rec.field[INCITE_FIELD_HANDLE].s);
    }
    assert_int_equal(rc, 0);
    if (fmt)
        *fmt = incite_reader_format(r);
    if (header)
        *header = incite_reader_has_header(r);
    incite_reader_free(r);
    fclose(fp);
    return n;
}

#define READ(s, o, out, fmt, hdr) read_rows(s, sizeof(s) - 1, o, out, sizeof out / sizeof out[0], fmt, hdr)

static void test_plain(void **state)
{
    (void)state;
    row r[8];
    incite_input_format f;
    int h;
    static const char data[] = "kill them\n\n\xef\xbb\xbfsecond line\nno tab";
    size_t n = READ(data, NULL, r, &f, &h);
    assert_int_equal(f, INCITE_INPUT_PLAIN);
    assert_false(h);
    assert_int_equal(n, 4);
    assert_string_equal(r[0].text, "kill them");
    assert_int_equal(r[0].line, 1);
    assert_string_equal(r[1].text, "");
    assert_string_equal(r[3].text, "no tab");
    assert_int_equal(r[3].line, 4);
}

static void test_plain_bom_first_line(void **state)
{
    (void)state;
    row r[2];
    static const char data[] = "\xef\xbb\xbfhello\n";
    assert_int_equal(READ(data, NULL, r, NULL, NULL), 1);
    assert_string_equal(r[0].text, "hello");
}

static void test_tsv_by_name(void **state)
{
    (void)state;
    row r[8];
    incite_input_format f;
    int h;
    static const char data[] = "\xef\xbb\xbfhandle\tid\ttext\n@a\tp1\tkill them\n@b\tp2\t\n@c\tp3\n@d\tp4\tx\ty\n";
    size_t n = READ(data, NULL, r, &f, &h);
    assert_int_equal(f, INCITE_INPUT_TSV);
    assert_true(h);
    assert_int_equal(n, 4);
    assert_string_equal(r[0].text, "kill them");
    assert_string_equal(r[0].id, "p1");
    assert_string_equal(r[0].handle, "@a");
    assert_int_equal(r[0].line, 2);
    assert_string_equal(r[1].text, "");            /* an empty text is a post */
    assert_string_equal(r[2].error, "2 columns where the header has 3");
    assert_int_equal(r[2].line, 4);
    assert_string_equal(r[3].error, "4 columns where the header has 3");
}

/* Empty lines before the first other line decide nothing: a header after
 * them is a header (it used to make the input plain text, the header a
 * post), and a JSON line makes JSON Lines; they stay records in order,
 * except before a header. */
static void test_blank_lines_first(void **state)
{
    (void)state;
    row r[4];
    incite_input_format f;
    int h;
    static const char tsv[] = "\xef\xbb\xbf\n\nid\ttext\np1\thello\n";
    assert_int_equal(READ(tsv, NULL, r, &f, &h), 1);
    assert_int_equal(f, INCITE_INPUT_TSV);
    assert_true(h);
    assert_string_equal(r[0].id, "p1");
    assert_string_equal(r[0].text, "hello");
    assert_int_equal(r[0].line, 4);

    static const char jsonl[] = "\n{\"text\":\"a\"}\n";
    assert_int_equal(READ(jsonl, NULL, r, &f, NULL), 2);
    assert_int_equal(f, INCITE_INPUT_JSONL);
    assert_int_equal(r[0].line, 1);
    assert_string_equal(r[0].error, "not a JSON object");
    assert_int_equal(r[1].line, 2);
    assert_string_equal(r[1].text, "a");

    static const char blank[] = "\n \t\n";   /* a line of spaces is a post, as typed */
    assert_int_equal(READ(blank, NULL, r, &f, NULL), 2);
    assert_int_equal(f, INCITE_INPUT_PLAIN);
    assert_string_equal(r[0].text, "");
    assert_int_equal(r[1].line, 2);
    assert_string_equal(r[1].text, " \t");

    /* a BOM is the file's first bytes: on a later line it is text (the
     * fuzzer found it stripped from the first line that was not empty) */
    static const char late_bom[] = "\n\xef\xbb\xbfhi\n";
    assert_int_equal(READ(late_bom, NULL, r, &f, NULL), 2);
    assert_string_equal(r[1].text, "\xef\xbb\xbfhi");

    incite_reader_options o = {.format = INCITE_INPUT_TSV};
    static const char header_only[] = "\n\nid\ttext\n";
    assert_int_equal(READ(header_only, &o, r, &f, &h), 0);
    assert_true(h);
}

static void test_tsv_custom_columns(void **state)
{
    (void)state;
    row r[2];
    incite_reader_options o = {.format = INCITE_INPUT_TSV};
    o.column[INCITE_FIELD_TEXT] = "tweet";
    o.column[INCITE_FIELD_HANDLE] = "user";
    static const char data[] = "user\ttweet\n@x\thello\n";
    assert_int_equal(READ(data, &o, r, NULL, NULL), 1);
    assert_string_equal(r[0].text, "hello");
    assert_string_equal(r[0].handle, "@x");
}

static void test_tsv_without_text_column_fails(void **state)
{
    (void)state;
    static const char data[] = "a\tb\n1\t2\n";
    FILE *fp = fmemopen((void *)data, sizeof data - 1, "rb");
    incite_reader_options o = {.format = INCITE_INPUT_TSV};
    incite_reader *r = incite_reader_new(fp, "t.tsv", &o);
    incite_record rec;
    assert_int_equal(incite_reader_next(r, &rec), INCITE_EFORMAT);
    assert_non_null(strstr(incite_last_error(), "t.tsv:1: the header has no 'text' column"));
    incite_reader_free(r);
    fclose(fp);
}

static void test_jsonl(void **state)
{
    (void)state;
    row r[16];
    incite_input_format f;
    static const char data[] =
        "{\"id\": 7, \"handle\": \"@a\", \"text\": \"kill \\\"them\\\" \\u0915\\ud83d\\ude00\", \"x\": [1, {\"y\": null}]}\n"
        "{\"text\": \"lone \\ud800 surrogate\", \"id\": null}\n"
        "not json\n"
        "{\"id\": \"no text\"}\n"
        "{\"text\": \"bad \\q escape\"}\n"
        "{\"text\": \"a\"} trailing\n"
        "{\"text\": \"nul \\u0000 inside\"}\n"
        "{\"text\": \"ok\", \"deep\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n"
        "{\"text\": {\"nested\": 1}}\n"
        "{\"text\": \"last\"}";
    size_t n = READ(data, NULL, r, &f, NULL);
    assert_int_equal(f, INCITE_INPUT_JSONL);
    assert_int_equal(n, 10);
    assert_string_equal(r[0].text, "kill \"them\" \xe0\xa4\x95\xf0\x9f\x98\x80");
    assert_string_equal(r[0].id, "7");
    assert_string_equal(r[0].handle, "@a");
    assert_string_equal(r[1].text, "lone \xef\xbf\xbd surrogate");
    assert_false(r[1].has_id);
    assert_string_equal(r[2].error, "not a JSON object");
    assert_string_equal(r[3].error, "no \"text\" field");
    assert_string_equal(r[4].error, "bad escape in a string");
    assert_string_equal(r[5].error, "text after the JSON object");
    assert_string_equal(r[6].error, "NUL byte in the text");
    assert_string_equal(r[7].error, "JSON nested too deeply");
    assert_string_equal(r[8].error, "a field to read holds an object or array");
    assert_string_equal(r[9].text, "last");
    for (size_t i = 0; i < n; i++)
        assert_int_equal(r[i].line, i + 1);
}

static void test_truncation(void **state)
{
    (void)state;
    row r[4];
    incite_reader_options o = {.max_bytes = 5};
    static const char plain[] = "abcdefgh\nab\xe0\xa4\x95\xe0\xa4\x95\n";
    assert_int_equal(READ(plain, &o, r, NULL, NULL), 2);
    assert_string_equal(r[0].text, "abcde");
    assert_true(r[0].truncated);
    assert_string_equal(r[1].text, "ab\xe0\xa4\x95");   /* not half a character */
    static const char tsv[] = "id\ttext\n1\tabcdefgh\n2\tabc\n";
    assert_int_equal(READ(tsv, &o, r, NULL, NULL), 2);
    assert_string_equal(r[0].text, "abcde");
    assert_true(r[0].truncated);
    assert_false(r[1].truncated);
    static const char json[] = "{\"text\": \"abcdefgh\"}\n";
    assert_int_equal(READ(json, &o, r, NULL, NULL), 1);
    assert_string_equal(r[0].text, "abcde");
    assert_true(r[0].truncated);
}

static void test_strict_utf8(void **state)
{
    (void)state;
    row r[2];
    incite_reader_options o = {.strict_utf8 = 1};
    static const char data[] = "good \xe0\xa4\x95\nbad \xff byte\n";
    assert_int_equal(READ(data, &o, r, NULL, NULL), 2);
    assert_string_equal(r[1].error, "invalid UTF-8 at byte 5 of the text");
    o.strict_utf8 = 0;
    assert_int_equal(READ(data, &o, r, NULL, NULL), 2);
    assert_string_equal(r[1].error, "");
}

static void test_nul_in_plain_line(void **state)
{
    (void)state;
    row r[2];
    static const char data[] = "a\0b\nok\n";
    assert_int_equal(READ(data, NULL, r, NULL, NULL), 2);
    assert_string_equal(r[0].error, "NUL byte in the text");
    assert_string_equal(r[1].text, "ok");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_plain_bom_first_line),
        cmocka_unit_test(test_tsv_by_name),
        cmocka_unit_test(test_blank_lines_first),
        cmocka_unit_test(test_tsv_custom_columns),
        cmocka_unit_test(test_tsv_without_text_column_fails),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_strict_utf8),
        cmocka_unit_test(test_nul_in_plain_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
