/*
 * fuzz_reader.c - libFuzzer harness for the record readers: arbitrary
 * bytes as an input file, in each format, with and without max_bytes and
 * strict_utf8, read through fmemopen (fread) or a memfd (read(2), which
 * is what the programs use on files and pipes).
 *
 * Input: byte 0 picks the options (bits 0-1 format auto/plain/tsv/jsonl,
 * bit 2 strict_utf8, bits 3-5 max_bytes 0/1/2/3/5/16/64/1000, bit 6 a
 * memfd instead of fmemopen, bit 7 other column names); byte 1 bit 0
 * reads the bytes as labelled training data (incite_dataset_read), bit 1
 * skipping bad rows there; the rest is the input.
 *
 * Checks the reader's promises (incite.h, reader.c): records come in
 * strictly increasing line order, an error row has a reason and no text,
 * a text is NUL-terminated, NUL-free, no longer than max_bytes and marked
 * truncated only under a limit, valid UTF-8 under strict_utf8.  For plain
 * text it also checks every record against the lines cut out independently:
 * LF ends a line, a CR before it is dropped, a last line without LF counts,
 * a BOM before the first line is ignored, a line longer than max_bytes
 * keeps its start, cut back to a character boundary, and is marked.
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
#include "incite.h"

static const size_t max_choices[8] = {0, 1, 2, 3, 5, 16, 64, 1000};

static FILE *open_bytes(const uint8_t *data, size_t size, int use_fd)
{
    if (use_fd) {
        int fd = memfd_create("incite-fuzz-reader", MFD_CLOEXEC);
        FUZZ_CHECK(fd >= 0, "memfd_create");
        size_t done = 0;
        while (done < size) {
            ssize_t k = write(fd, data + done, size - done);
            FUZZ_CHECK(k > 0, "write to the memfd");
            done += (size_t)k;
        }
        FUZZ_CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek");
        FILE *fp = fdopen(fd, "rb");
        FUZZ_CHECK(fp != NULL, "fdopen");
        return fp;
    }
    /* fmemopen wants a buffer of at least one byte: an empty input is one
     * byte, read off before the reader starts */
    static const char empty[1];
    FILE *fp = fmemopen(size ? (void *)data : (void *)empty, size ? size : 1, "rb");
    FUZZ_CHECK(fp != NULL, "fmemopen");
    if (!size)
        (void)fgetc(fp);
    return fp;
}

/* The next line of plain text at in[*pos], as the README defines lines:
 * LF ends it and a CR before the LF is dropped (one at the end of the input
 * too, as the line reader does - harmless: it would become a trailing
 * space, which normalization removes). */
static int next_line(const uint8_t *in, size_t n, size_t *pos, const uint8_t **line,
                     size_t *len)
{
    if (*pos >= n)
        return 0;
    const uint8_t *s = in + *pos;
    const uint8_t *nl = memchr(s, '\n', n - *pos);
    size_t l = nl ? (size_t)(nl - s) : n - *pos;
    *pos += l + (nl ? 1 : 0);
    if (l && s[l - 1] == '\r')
        l--;
    *line = s;
    *len = l;
    return 1;
}

/* Whether cutting s[0..n) at k splits a valid multi-byte character. */
static int splits_character(const char *s, size_t n, size_t k)
{
    for (size_t i = 0; i < n && i < k;) {
        int32_t cp;
        int bad;
        size_t w = utf8_decode((const unsigned char *)s + i, n - i, &cp, &bad);
        if (!bad && i < k && k < i + w)
            return 1;
        i += w;
    }
    return 0;
}

/* A plain-text record against its line as cut out independently: the
 * whole line if it fits max_bytes, else (truncated) its start, cut back by
 * at most three bytes and never inside a character; an error row exactly
 * when that text holds a NUL or, under strict_utf8, invalid UTF-8. */
static void check_plain(const incite_reader_options *o, const incite_record *rec,
                        const char *line, size_t len)
{
    const incite_field_value *t = &rec->field[INCITE_FIELD_TEXT];
    size_t max = o->max_bytes;
    int cut = max && len > max;
    size_t lo = cut ? (max > 3 ? max - 3 : 0) : len, hi = cut ? max : len;
    if (rec->error) {
        /* the kept text is not returned: it is within the first hi bytes */
        int nul = memchr(line, '\0', hi) != NULL;
        int bad = o->strict_utf8 && !fuzz_valid_utf8(line, hi, cut);
        FUZZ_CHECK(nul || bad, "plain text: an error row only for a NUL or (strict) bad UTF-8");
        return;
    }
    FUZZ_CHECK(rec->truncated == cut, "plain text: truncated exactly when the line exceeds max_bytes");
    FUZZ_CHECK(t->len >= lo && t->len <= hi && memcmp(t->s, line, t->len) == 0,
               "plain text: the record is the line, or its start");
    FUZZ_CHECK(!cut || !splits_character(line, len, t->len), "plain text: no character split");
    FUZZ_CHECK(memchr(line, '\0', lo) == NULL, "plain text: a NUL makes an error row");
    FUZZ_CHECK(!o->strict_utf8 || fuzz_valid_utf8(line, lo, cut),
               "plain text: (strict) bad UTF-8 makes an error row");
}

static void read_records(const uint8_t *data, size_t size, const incite_reader_options *o,
                         int use_fd)
{
    FILE *fp = open_bytes(data, size, use_fd);
    incite_reader *r = incite_reader_new(fp, "fuzz", o);
    FUZZ_CHECK(r != NULL, "a reader");
    int oracle = o->format == INCITE_INPUT_PLAIN;
    size_t pos = 0;
    uint64_t last = 0, records = 0;
    incite_record rec;
    int rc;
    while ((rc = incite_reader_next(r, &rec)) == 1) {
        records++;
        FUZZ_CHECK(rec.line > last, "lines strictly increasing");
        last = rec.line;
        for (int k = 0; k < INCITE_FIELD_COUNT; k++)
            if (rec.field[k].s)
                FUZZ_CHECK(rec.field[k].s[rec.field[k].len] == '\0', "fields NUL-terminated");
        const incite_field_value *t = &rec.field[INCITE_FIELD_TEXT];
        if (rec.error) {
            FUZZ_CHECK(*rec.error, "an error row says why");
            FUZZ_CHECK(t->s == NULL && !rec.truncated, "an error row has no text");
        } else {
            FUZZ_CHECK(t->s != NULL, "a usable row has a text");
            FUZZ_CHECK(memchr(t->s, '\0', t->len) == NULL, "no NUL in a usable text");
            FUZZ_CHECK(!o->max_bytes || t->len <= o->max_bytes, "text within max_bytes");
            FUZZ_CHECK(!rec.truncated || o->max_bytes, "truncated only under a limit");
            FUZZ_CHECK(!o->strict_utf8 || fuzz_valid_utf8(t->s, t->len, rec.truncated),
                       "strict_utf8: valid UTF-8");
        }
        (void)incite_reader_buffered(r);
        if (oracle) {
            const uint8_t *line;
            size_t len;
            FUZZ_CHECK(next_line(data, size, &pos, &line, &len), "no more records than lines");
            if (records == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
                line += 3, len -= 3;
            FUZZ_CHECK(rec.line == records, "plain text: the line number counts every line");
            check_plain(o, &rec, (const char *)line, len);
        }
    }
    FUZZ_CHECK(rc <= 0, "incite_reader_next returns 1, 0 or an error");
    FUZZ_CHECK(rc == 0 || *incite_last_error(), "a read error says why");
    if (oracle && rc == 0) {
        const uint8_t *line;
        size_t len;
        FUZZ_CHECK(!next_line(data, size, &pos, &line, &len), "one record per line");
    }
    incite_input_format f = incite_reader_format(r);
    FUZZ_CHECK(records == 0 || f != INCITE_INPUT_AUTO, "a format was decided");
    for (int k = 0; k <= INCITE_FIELD_COUNT; k++)
        (void)incite_reader_has_field(r, (incite_field_kind)k);
    (void)incite_reader_has_header(r);
    incite_reader_free(r);
    fclose(fp);
}

static void skipped(void *ctx, const char *name, uint64_t line, const char *why)
{
    (void)name;
    (void)line;
    FUZZ_CHECK(why && *why, "a skipped row says why");
    ++*(size_t *)ctx;
}

static void read_dataset(const uint8_t *data, size_t size, const incite_reader_options *o,
                         int use_fd, int skip_bad)
{
    FILE *fp = open_bytes(data, size, use_fd);
    incite_dataset *d;
    size_t nskipped = 0;
    int rc = incite_dataset_read(fp, "fuzz", o, skip_bad, skipped, &nskipped, &d);
    fclose(fp);
    FUZZ_CHECK((rc == INCITE_OK) == (d != NULL), "a dataset exactly on success");
    if (rc) {
        FUZZ_CHECK(*incite_last_error(), "a refusal says why");
        return;
    }
    FUZZ_CHECK(incite_dataset_skipped(d) == nskipped, "every skipped row reported");
    FUZZ_CHECK(skip_bad || nskipped == 0, "rows skipped only when asked");
    size_t k = incite_dataset_nlabels(d);
    for (size_t i = 0; i < k; i++)
        FUZZ_CHECK(incite_dataset_label_name(d, i) && *incite_dataset_label_name(d, i), "labels");
    for (size_t i = 1; i < k; i++)
        FUZZ_CHECK(strcmp(incite_dataset_label_name(d, i - 1), incite_dataset_label_name(d, i)) < 0,
                   "labels sorted by their bytes");
    for (size_t row = 0; row < incite_dataset_size(d); row++) {
        int l = incite_dataset_label(d, row);
        FUZZ_CHECK(l >= 0 && (size_t)l < k, "row label in range");
        size_t len;
        const char *text = incite_dataset_text(d, row, &len);
        FUZZ_CHECK(text && text[len] == '\0', "row text");
        FUZZ_CHECK(!o->max_bytes || len <= o->max_bytes, "row text within max_bytes");
        double w = incite_dataset_weight(d, row);
        FUZZ_CHECK(w > 0 && isfinite(w), "row weight positive and finite");
        (void)incite_dataset_target(d, row);
        FUZZ_CHECK(row == 0 || incite_dataset_line(d, row) > incite_dataset_line(d, row - 1),
                   "rows in line order");
    }
    (void)incite_dataset_checksum(d);
    (void)incite_dataset_has_target(d);
    incite_dataset_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t a = data[0], b = data[1];
    incite_reader_options o = {
        .format = (incite_input_format)(a & 3),
        .strict_utf8 = (a >> 2) & 1,
        .max_bytes = max_choices[(a >> 3) & 7],
    };
    int use_fd = (a >> 6) & 1;
    if (a & 0x80) {
        o.column[INCITE_FIELD_TEXT] = "msg";
        o.column[INCITE_FIELD_ID] = "text";   /* a default name for another field */
        o.column[INCITE_FIELD_LABEL] = "y";
    }
    if (b & 1)
        read_dataset(data + 2, size - 2, &o, use_fd, (b >> 1) & 1);
    else
        read_records(data + 2, size - 2, &o, use_fd);
    return 0;
}
