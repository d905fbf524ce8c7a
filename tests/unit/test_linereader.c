/*
 * test_linereader.c - lines in, nothing lost: the line policy every
 * program shares (LF ends a line, CR before it dropped, lone CR kept,
 * last line without LF kept, NUL kept, long lines truncated on a
 * character boundary in constant memory).
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

typedef struct {
    const char *text;
    size_t len;
    int truncated;
} line;

static size_t read_all(const char *data, size_t len, size_t max_bytes, line *out, size_t cap)
{
    FILE *fp = fmemopen((void *)data, len, "rb");
    assert_non_null(fp);
    line_reader lr;
    line_reader_init(&lr, fp, max_bytes);
    size_t n = 0;
    const char *s;
    size_t l;
    int t, rc;
    while ((rc = line_next(&lr, &s, &l, &t)) == 1) {
        assert_true(n < cap);
        char *copy = malloc(l + 1);
        memcpy(copy, s, l + 1);
        out[n++] = (line){copy, l, t};
        assert_int_equal(lr.lineno, n);
    }
    assert_int_equal(rc, 0);
    line_reader_release(&lr);
    fclose(fp);
    return n;
}

static void free_lines(line *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((void *)l[i].text);
}

static void test_line_ends(void **state)
{
    (void)state;
    line l[8];
    static const char data[] = "one\r\ntwo\rtwo\n\nlast";
    size_t n = read_all(data, sizeof data - 1, 0, l, 8);
    assert_int_equal(n, 4);
    assert_string_equal(l[0].text, "one");
    assert_int_equal(l[1].len, 7);
    assert_memory_equal(l[1].text, "two\rtwo", 7);
    assert_int_equal(l[2].len, 0);
    assert_string_equal(l[3].text, "last");
    free_lines(l, n);
}

static void test_nul_kept(void **state)
{
    (void)state;
    line l[2];
    static const char data[] = "a\0b\n";
    size_t n = read_all(data, sizeof data - 1, 0, l, 2);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].len, 3);
    assert_memory_equal(l[0].text, "a\0b", 3);
    free_lines(l, n);
}

static void test_empty_input(void **state)
{
    (void)state;
    line l[1];
    assert_int_equal(read_all("", 0, 0, l, 1), 0);
}

static void test_truncation_on_char_boundary(void **state)
{
    (void)state;
    line l[3];
    /* "ab" then a 3-byte character: a 4-byte limit must not split it */
    static const char data[] = "ab\xe0\xa4\x95\xe0\xa4\x95\nnext\n";
    size_t n = read_all(data, sizeof data - 1, 4, l, 3);
    assert_int_equal(n, 2);
    assert_int_equal(l[0].len, 2);
    assert_int_equal(l[0].truncated, 1);
    assert_string_equal(l[1].text, "next");
    assert_int_equal(l[1].truncated, 0);
    free_lines(l, n);
    n = read_all(data, sizeof data - 1, 5, l, 3);
    assert_int_equal(l[0].len, 5);
    free_lines(l, n);
}

/* A line much longer than the read block, truncated: only the first
 * max_bytes are kept, and the next line is intact. */
static void test_huge_line(void **state)
{
    (void)state;
    size_t big = 3u << 20;
    char *data = malloc(big + 8);
    memset(data, 'x', big);
    memcpy(data + big, "\nafter\n", 7);
    line l[2];
    size_t n = read_all(data, big + 7, 65536, l, 2);
    assert_int_equal(n, 2);
    assert_int_equal(l[0].len, 65536);
    assert_int_equal(l[0].truncated, 1);
    assert_string_equal(l[1].text, "after");
    free_lines(l, n);
    n = read_all(data, big + 7, 0, l, 2);   /* no limit: all of it */
    assert_int_equal(l[0].len, big);
    free_lines(l, n);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_nul_kept),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_truncation_on_char_boundary),
        cmocka_unit_test(test_huge_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
