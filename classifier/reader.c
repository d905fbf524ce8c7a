/*
 * reader.c - input rows: plain text, TSV with a header, JSON Lines.
 *
 * Policy: every line of input after a header is one record, in order, and
 * a row that cannot be used is still a record, with a reason - a program
 * decides whether that stops the run (training) or becomes an error row
 * (scoring).  Unusable: a TSV row with the wrong number of columns,
 * invalid JSON, no text field, a NUL byte, invalid UTF-8 under
 * strict_utf8.  A text longer than max_bytes is cut on a character
 * boundary and marked truncated, never dropped.  A UTF-8 BOM before the
 * first line is ignored.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utf8.h"

/* TSV and JSON rows hold other fields besides the text, and JSON escapes
 * take up to six bytes per character: the line limit leaves room. */
#define LINE_SLACK (64 * 1024)

static const char *const default_names[INCITE_FIELD_COUNT] = {
    "text", "id", "handle", "target", "label", "weight",
};

struct incite_reader {
    line_reader lr;
    char *name;
    incite_reader_options opt;
    const char *names[INCITE_FIELD_COUNT];
    incite_input_format format;
    int started;
    int header;
    int col[INCITE_FIELD_COUNT];   /* TSV: column of each field, -1 if absent */
    size_t ncols;
    int has[INCITE_FIELD_COUNT];   /* JSONL: seen in some row (so far) */
    int pending;                   /* plain or JSON input: the first line is a record */
    size_t pending_skip, pending_len; /* ...after a BOM, of this length */
    int pending_cut;
    char *buf;                     /* fields of the current record */
    size_t buf_cap;
    char why[160];
};

const char *incite_field_name(incite_field_kind k)
{
    return (unsigned)k < INCITE_FIELD_COUNT ? default_names[k] : "?";
}

incite_reader *incite_reader_new(FILE *fp, const char *name, const incite_reader_options *o)
{
    incite_reader *r = calloc(1, sizeof *r);
    if (!r) {
        set_error(INCITE_ENOMEM, "out of memory for a reader");
        return NULL;
    }
    r->name = strdup(name ? name : "-");
    if (!r->name) {
        free(r);
        set_error(INCITE_ENOMEM, "out of memory for a reader");
        return NULL;
    }
    if (o)
        r->opt = *o;
    for (int k = 0; k < INCITE_FIELD_COUNT; k++) {
        r->names[k] = r->opt.column[k] ? r->opt.column[k] : default_names[k];
        r->col[k] = -1;
    }
    size_t limit = r->opt.max_bytes;
    if (limit && r->opt.format != INCITE_INPUT_PLAIN)
        limit = limit > (SIZE_MAX - LINE_SLACK) / 6 ? 0 : limit * 6 + LINE_SLACK;
    else if (limit)   /* room for a BOM and the CR of CRLF: check_text() cuts the text */
        limit = limit > SIZE_MAX - 4 ? 0 : limit + 4;
    line_reader_init(&r->lr, fp, limit);
    r->format = r->opt.format;
    return r;
}

void incite_reader_free(incite_reader *r)
{
    if (!r)
        return;
    line_reader_release(&r->lr);
    free(r->buf);
    free(r->name);
    free(r);
}

incite_input_format incite_reader_format(const incite_reader *r)
{
    return r->format;
}

int incite_reader_buffered(const incite_reader *r)
{
    return r->pending || line_reader_buffered(&r->lr);
}

int incite_reader_has_header(const incite_reader *r)
{
    return r->header;
}

int incite_reader_has_field(const incite_reader *r, incite_field_kind k)
{
    if ((unsigned)k >= INCITE_FIELD_COUNT)
        return 0;
    if (r->format == INCITE_INPUT_TSV)
        return r->col[k] >= 0;
    if (r->format == INCITE_INPUT_JSONL)
        return r->has[k];
    return k == INCITE_FIELD_TEXT;
}

/* Splits a TSV line in place of a copy: fields[k] = start, lens[k]. */
static size_t split_tabs(const char *s, size_t n, const char **fields, size_t *lens, size_t max)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\t') {
            if (k < max) {
                fields[k] = s + start;
                lens[k] = i - start;
            }
            k++;
            start = i + 1;
        }
    }
    return k;
}

static int read_header(incite_reader *r, const char *line, size_t len)
{
    enum { MAXCOLS = 256 };
    const char *f[MAXCOLS];
    size_t l[MAXCOLS];
    size_t n = split_tabs(line, len, f, l, MAXCOLS);
    if (n > MAXCOLS)
        return set_error(INCITE_EFORMAT, "%s:%llu: header has more than %d columns", r->name,
                         (unsigned long long)r->lr.lineno, MAXCOLS);
    for (size_t c = 0; c < n; c++) {
        for (int k = 0; k < INCITE_FIELD_COUNT; k++) {
            if (strlen(r->names[k]) != l[c] || memcmp(r->names[k], f[c], l[c]) != 0)
                continue;
            if (r->col[k] >= 0)
                return set_error(INCITE_EFORMAT, "%s:%llu: column '%s' appears twice in the header",
                                 r->name, (unsigned long long)r->lr.lineno, r->names[k]);
            r->col[k] = (int)c;
        }
    }
    if (r->col[INCITE_FIELD_TEXT] < 0)
        return set_error(INCITE_EFORMAT, "%s:%llu: the header has no '%s' column", r->name,
                         (unsigned long long)r->lr.lineno, r->names[INCITE_FIELD_TEXT]);
    r->ncols = n;
    r->header = 1;
    return INCITE_OK;
}

/* Decides the format from the first line; reads the header if TSV. */
static int start(incite_reader *r, const char **line, size_t *len)
{
    r->started = 1;
    if (*len >= 3 && memcmp(*line, "\xef\xbb\xbf", 3) == 0) {
        *line += 3;
        *len -= 3;
    }
    if (r->format == INCITE_INPUT_AUTO) {
        size_t i = 0;
        while (i < *len && ((*line)[i] == ' ' || (*line)[i] == '\t'))
            i++;
        if (i < *len && (*line)[i] == '{')
            r->format = INCITE_INPUT_JSONL;
        else {
            const char *f[64];
            size_t l[64];
            size_t n = split_tabs(*line, *len, f, l, 64);
            const char *t = r->names[INCITE_FIELD_TEXT];
            r->format = INCITE_INPUT_PLAIN;
            for (size_t c = 0; n > 1 && c < n && c < 64; c++)
                if (strlen(t) == l[c] && memcmp(t, f[c], l[c]) == 0)
                    r->format = INCITE_INPUT_TSV;
        }
    }
    if (r->format == INCITE_INPUT_TSV)
        return read_header(r, *line, *len);
    r->pending = 1;   /* plain or JSON: the first line is a record */
    return INCITE_OK;
}

/* Where to cut s[0..len) to keep at most max bytes: max, or the start of
 * the valid character that max would split.  Never further back: a stray
 * continuation byte is a character of its own (U+FFFD), not part of one. */
static size_t cut_point(const char *s, size_t len, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t p = max > 3 ? max - 3 : 0; p < max; p++) {
        if (u[p] < 0xC0)
            continue;
        int32_t cp;
        int bad;
        size_t w = utf8_decode(u + p, len - p, &cp, &bad);
        if (!bad && p + w > max)
            return p;
    }
    return max;
}

static const char *check_text(incite_reader *r, incite_record *rec)
{
    incite_field_value *t = &rec->field[INCITE_FIELD_TEXT];
    if (r->opt.max_bytes && t->len > r->opt.max_bytes) {
        size_t n = cut_point(t->s, t->len, r->opt.max_bytes);
        ((char *)t->s)[n] = '\0';
        t->len = n;
        rec->truncated = 1;
    }
    /* the text that will be scored: what was cut off does not matter */
    if (memchr(t->s, '\0', t->len))
        return "NUL byte in the text";
    if (r->opt.strict_utf8) {
        const unsigned char *s = (const unsigned char *)t->s;
        for (size_t i = 0; i < t->len;) {
            int32_t cp;
            int bad;
            size_t w = utf8_decode(s + i, t->len - i, &cp, &bad);
            if (bad && !(rec->truncated && i + w == t->len)) {
                snprintf(r->why, sizeof r->why, "invalid UTF-8 at byte %zu of the text", i + 1);
                return r->why;
            }
            i += w;
        }
    }
    return NULL;
}

static const char *parse_tsv(incite_reader *r, const char *line, size_t len, int cut,
                             incite_record *rec)
{
    enum { MAXCOLS = 256 };
    const char *f[MAXCOLS];
    size_t l[MAXCOLS];
    size_t n = split_tabs(line, len, f, l, MAXCOLS);
    /* copy each field there is, NUL-terminated: even a bad row keeps its
     * id and handle for the error report */
    if (grow_array(&r->buf, &r->buf_cap, len + INCITE_FIELD_COUNT + 1, 1))
        return "out of memory";
    size_t used = 0;
    for (int k = 0; k < INCITE_FIELD_COUNT; k++) {
        int c = r->col[k];
        if (c < 0 || (size_t)c >= n || (size_t)c >= MAXCOLS)
            continue;
        memcpy(r->buf + used, f[c], l[c]);
        r->buf[used + l[c]] = '\0';
        rec->field[k] = (incite_field_value){r->buf + used, l[c]};
        used += l[c] + 1;
    }
    if (memchr(line, '\0', len))
        return "NUL byte in the row";
    int text_last = (size_t)r->col[INCITE_FIELD_TEXT] == r->ncols - 1;
    if (n != r->ncols) {
        if (cut && !text_last)
            return "row longer than the line limit, and its text is not the last column";
        if (!cut || n > r->ncols) {
            snprintf(r->why, sizeof r->why, "%zu columns where the header has %zu", n, r->ncols);
            return r->why;
        }
    }
    if (!rec->field[INCITE_FIELD_TEXT].s)
        return "no text column in this row";
    if (cut)
        rec->truncated = 1;
    return NULL;
}

static const char *parse_jsonl(incite_reader *r, const char *line, size_t len, int cut,
                               incite_record *rec)
{
    if (grow_array(&r->buf, &r->buf_cap, len + INCITE_FIELD_COUNT + 2, 1))
        return "out of memory";
    json_value v[INCITE_FIELD_COUNT];
    const char *why = NULL;
    if (json_fields(line, len, cut, r->names, INCITE_FIELD_COUNT, v, r->buf, &why))
        return why;
    for (int k = 0; k < INCITE_FIELD_COUNT; k++) {
        if (!v[k].present || !v[k].s)
            continue;
        rec->field[k] = (incite_field_value){v[k].s, v[k].len};
        r->has[k] = 1;
    }
    if (!rec->field[INCITE_FIELD_TEXT].s) {
        snprintf(r->why, sizeof r->why, "no \"%s\" field", r->names[INCITE_FIELD_TEXT]);
        return r->why;
    }
    for (int k = 1; k < INCITE_FIELD_COUNT; k++)
        if (rec->field[k].s && memchr(rec->field[k].s, '\0', rec->field[k].len))
            return "NUL byte in a field";
    if (cut)
        rec->truncated = 1;
    return NULL;
}

int incite_reader_next(incite_reader *r, incite_record *rec)
{
    const char *line;
    size_t len;
    int cut, rc;
    *rec = (incite_record){0};
    for (;;) {
        if (r->pending) {
            r->pending = 0;
            line = r->lr.line + r->pending_skip;
            len = r->pending_len;
            cut = r->pending_cut;
            break;
        }
        rc = line_next(&r->lr, &line, &len, &cut);
        if (rc <= 0) {
            if (rc < 0)
                set_error(rc, "%s: %s", r->name, incite_last_error());
            return rc;
        }
        if (r->started)
            break;
        const char *orig = line;
        if ((rc = start(r, &line, &len)))
            return rc;
        if (r->pending) {   /* come back to this line as a record */
            r->pending_len = len;
            r->pending_cut = cut;
            r->pending_skip = (size_t)(line - orig);
        }
    }
    rec->line = r->lr.lineno;
    const char *why = NULL;
    if (r->format == INCITE_INPUT_TSV)
        why = parse_tsv(r, line, len, cut, rec);
    else if (r->format == INCITE_INPUT_JSONL)
        why = parse_jsonl(r, line, len, cut, rec);
    else {
        rec->field[INCITE_FIELD_TEXT] = (incite_field_value){line, len};
        rec->truncated = cut;
    }
    if (!why)
        why = check_text(r, rec);
    if (why) {   /* an error row: no text, but whatever else was read */
        rec->error = why;
        rec->truncated = 0;
        rec->field[INCITE_FIELD_TEXT] = (incite_field_value){0};
    }
    return 1;
}
