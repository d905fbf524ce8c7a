/*
 * reader.c - input rows: plain text, TSV with a header, JSON Lines.
 *
 * Policy: every line of input after a header is one record, in order, and
 * a row that cannot be used is still a record, with a reason - a program
 * decides whether that stops the run (training) or becomes an error row
 * (scoring).  Unusable: a TSV row with the wrong number of columns,
 * invalid JSON, no text field, a NUL byte, invalid UTF-8 under
 * strict_utf8, a TSV or JSON row cut at the line limit in or before a
 * field it reads other than the text.  A text longer than max_bytes is
 * cut on a character boundary and marked truncated, never dropped.  A
 * UTF-8 BOM before the first line is ignored.  Empty lines before the
 * first other line do not decide the format: it is detected from that
 * line, and they are records (empty posts, or JSON errors), except before
 * a TSV header, where the table has not begun.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    size_t line_limit;             /* 0: none */
    int has[INCITE_FIELD_COUNT];   /* JSONL: seen in some row (so far) */
    uint64_t blanks;               /* empty lines before the first other line */
    uint64_t replayed;             /* ...of which returned as records so far */
    int pending;                   /* plain or JSON input: the first line is a record */
    size_t pending_skip, pending_len; /* ...after a BOM, of this length */
    int pending_cut;
    char *buf;                     /* fields of the current record */
    size_t buf_cap;
    char why[256];
};

const char *incite_field_name(incite_field_kind k)
{
    return (unsigned)k < INCITE_FIELD_COUNT ? default_names[k] : "?";
}

incite_reader *incite_reader_new(FILE *fp, const char *name, const incite_reader_options *o)
{
    if (!fp) {
        set_error(INCITE_EINVAL, "no stream to read");
        return NULL;
    }
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
    r->line_limit = limit;
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
    return (r->started && r->replayed < r->blanks) || r->pending ||
           line_reader_buffered(&r->lr);
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

enum { MAXCOLS = 256 };

/* Whether s[0..n) equals the NUL-terminated name, ignoring ASCII case
 * (the C locale: nothing calls setlocale()). */
static int same_name_anycase(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

static int read_header(incite_reader *r, const char *line, size_t len)
{
    const char *f[MAXCOLS];
    size_t l[MAXCOLS];
    size_t n = split_tabs(line, len, f, l, MAXCOLS);
    if (n > MAXCOLS)
        return set_error(INCITE_EFORMAT, "%s:%llu: header has more than %d columns", r->name,
                         (unsigned long long)r->lr.lineno, MAXCOLS);
    for (size_t c = 0; c < n; c++) {
        int owner = -1;   /* one field per column: parse_tsv() copies each once */
        for (int k = 0; k < INCITE_FIELD_COUNT; k++) {
            if (strlen(r->names[k]) != l[c] || memcmp(r->names[k], f[c], l[c]) != 0)
                continue;
            if (r->col[k] >= 0)
                return set_error(INCITE_EFORMAT, "%s:%llu: column '%s' appears twice in the header",
                                 r->name, (unsigned long long)r->lr.lineno, r->names[k]);
            if (owner >= 0) {
                /* a name the user gave wins over another field's default
                 * (incite-score --text-col label); two given is an error */
                int given_owner = r->opt.column[owner] != NULL, given = r->opt.column[k] != NULL;
                if (given_owner == given)
                    return set_error(INCITE_EFORMAT, "%s:%llu: column '%s' is named as both the "
                                     "%s and the %s column",
                                     r->name, (unsigned long long)r->lr.lineno, r->names[k],
                                     default_names[owner], default_names[k]);
                if (given_owner)
                    continue;
                r->col[owner] = -1;
            }
            owner = k;
            r->col[k] = (int)c;
        }
    }
    if (r->col[INCITE_FIELD_TEXT] < 0) {
        const char *t = r->names[INCITE_FIELD_TEXT];
        for (size_t c = 0; c < n; c++)
            for (int k = 0; k < INCITE_FIELD_COUNT; k++)
                if (r->col[k] == (int)c && same_name_anycase(f[c], l[c], t))
                    return set_error(INCITE_EFORMAT, "%s:%llu: column '%s' is the %s column (as "
                                     "the options say), so there is no text column",
                                     r->name, (unsigned long long)r->lr.lineno, r->names[k],
                                     default_names[k]);
        for (size_t c = 0; c < n; c++)   /* names match exactly: say so when case differs */
            if (same_name_anycase(f[c], l[c], t))
                return set_error(INCITE_EFORMAT,
                                 "%s:%llu: the header has no '%s' column (names match exactly: "
                                 "column %zu is '%.*s'; give --text-col)",
                                 r->name, (unsigned long long)r->lr.lineno, t, c + 1, (int)l[c],
                                 f[c]);
        return set_error(INCITE_EFORMAT, "%s:%llu: the header has no '%s' column", r->name,
                         (unsigned long long)r->lr.lineno, t);
    }
    r->ncols = n;
    r->header = 1;
    return INCITE_OK;
}

/* Whether a first line is a TSV header: it has a tab, and a field that
 * names one of the columns, whatever its case.  A header that names an id
 * or a handle but no text column is a header all the same (read_header()
 * then says what is missing), not a post to score. */
static int looks_like_header(const incite_reader *r, const char *line, size_t len)
{
    const char *f[MAXCOLS];
    size_t l[MAXCOLS];
    size_t n = split_tabs(line, len, f, l, MAXCOLS);
    for (size_t c = 0; n > 1 && c < n && c < MAXCOLS; c++)
        for (int k = 0; k < INCITE_FIELD_COUNT; k++)
            if (same_name_anycase(f[c], l[c], r->names[k]))
                return 1;
    return 0;
}

/* The length of a UTF-8 BOM that starts the line: the file's first
 * bytes only, not a later line's. */
static size_t bom(const incite_reader *r, const char *line, size_t len)
{
    return r->lr.lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* Whether a line before the first other line is empty (after the BOM of
 * line 1): it tells nothing of the format, and before a header it is not
 * a row.  Only empty: a line of spaces comes back as a record, byte for
 * byte, and keeping its bytes until the format is known would need memory
 * in proportion to the input. */
static int blank_lead(const incite_reader *r, const char *line, size_t len)
{
    return len == bom(r, line, len);
}

/* Decides the format from the first line that is not empty; reads the
 * header if TSV. */
static int start(incite_reader *r, const char **line, size_t *len)
{
    r->started = 1;
    size_t b = bom(r, *line, *len);
    *line += b;
    *len -= b;
    if (r->format == INCITE_INPUT_AUTO) {
        size_t i = 0;
        while (i < *len && ((*line)[i] == ' ' || (*line)[i] == '\t'))
            i++;
        if (i < *len && (*line)[i] == '{')
            r->format = INCITE_INPUT_JSONL;
        else
            r->format = looks_like_header(r, *line, *len) ? INCITE_INPUT_TSV : INCITE_INPUT_PLAIN;
    }
    if (r->format == INCITE_INPUT_TSV) {
        r->blanks = 0;   /* a table starts at its header */
        return read_header(r, *line, *len);
    }
    r->pending = 1;   /* plain or JSON: the first line is a record, after the empty ones */
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
    if (n > r->ncols || (n < r->ncols && !cut)) {
        snprintf(r->why, sizeof r->why, "%zu columns where the header has %zu", n, r->ncols);
        return r->why;
    }
    /* A cut row keeps what came before the cut, in column n - 1.  Only a
     * text may be cut and still be used (scored on its start); any other
     * field the cut reached is lost, or would be wrong. */
    int lost = -1;
    for (int k = 0; cut && k < INCITE_FIELD_COUNT; k++) {
        const int c = r->col[k];
        if (c >= 0 && (k == INCITE_FIELD_TEXT ? (size_t)c > n - 1 : (size_t)c >= n - 1) &&
            (lost < 0 || c < r->col[lost]))
            lost = k;
    }
    if (lost >= 0) {
        for (int k = 0; k < INCITE_FIELD_COUNT; k++)   /* a cut id is no id: the line number */
            if (r->col[k] >= 0 && (size_t)r->col[k] >= n - 1)
                rec->field[k] = (incite_field_value){0};
        snprintf(r->why, sizeof r->why,
                 "row longer than the line limit (%zu bytes), cut before the end of its '%.40s' "
                 "column (only a text may be cut, and scored on its start)",
                 r->line_limit, r->names[lost]);
        return r->why;
    }
    if (!rec->field[INCITE_FIELD_TEXT].s)
        return "no text column in this row";
    rec->truncated = cut && (size_t)r->col[INCITE_FIELD_TEXT] == n - 1;
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
        /* a cut field other than the text is lost (a cut id is no id) */
        if (!v[k].present || !v[k].s || (v[k].cut && k != INCITE_FIELD_TEXT))
            continue;
        rec->field[k] = (incite_field_value){v[k].s, v[k].len};
        r->has[k] = 1;
    }
    if (!rec->field[INCITE_FIELD_TEXT].s) {
        if (cut)   /* the text may have come after the cut */
            snprintf(r->why, sizeof r->why,
                     "row longer than the line limit (%zu bytes) before its \"%.40s\" field",
                     r->line_limit, r->names[INCITE_FIELD_TEXT]);
        else
            snprintf(r->why, sizeof r->why, "no \"%s\" field", r->names[INCITE_FIELD_TEXT]);
        return r->why;
    }
    for (int k = 1; k < INCITE_FIELD_COUNT; k++) {
        if (v[k].cut) {   /* as in TSV: only a text may be cut and used */
            snprintf(r->why, sizeof r->why,
                     "row longer than the line limit (%zu bytes), cut inside its \"%.40s\" field "
                     "(only a text may be cut, and scored on its start)",
                     r->line_limit, r->names[k]);
            return r->why;
        }
        if (rec->field[k].s && memchr(rec->field[k].s, '\0', rec->field[k].len))
            return "NUL byte in a field";
    }
    rec->truncated = v[INCITE_FIELD_TEXT].cut;   /* not when a field after the text was cut */
    return NULL;
}

int incite_reader_next(incite_reader *r, incite_record *rec)
{
    const char *line;
    size_t len;
    int cut, rc;
    *rec = (incite_record){0};
    uint64_t lineno;
    for (;;) {
        if (r->started && r->replayed < r->blanks) {   /* plain or JSON: each is a record */
            line = "";
            len = 0;
            cut = 0;
            lineno = ++r->replayed;
            break;
        }
        lineno = r->lr.lineno;
        if (r->pending) {
            r->pending = 0;
            line = r->lr.line + r->pending_skip;
            len = r->pending_len;
            cut = r->pending_cut;
            break;
        }
        rc = line_next(&r->lr, &line, &len, &cut);
        if (rc == 0 && !r->started && r->blanks) {   /* empty lines only: plain text */
            r->started = 1;
            if (r->format == INCITE_INPUT_AUTO)
                r->format = INCITE_INPUT_PLAIN;
            if (r->format == INCITE_INPUT_TSV)
                r->blanks = 0;
            continue;
        }
        if (rc <= 0) {
            if (rc < 0)
                set_error(rc, "%s: %s", r->name, incite_last_error());
            return rc;
        }
        lineno = r->lr.lineno;
        if (r->started)
            break;
        if (!cut && blank_lead(r, line, len)) {
            r->blanks++;
            continue;
        }
        const char *orig = line;
        if ((rc = start(r, &line, &len)))
            return rc;
        if (r->pending) {   /* come back to this line as a record */
            r->pending_len = len;
            r->pending_cut = cut;
            r->pending_skip = (size_t)(line - orig);
        }
    }
    rec->line = lineno;
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
