/*
 * dataset.c - labelled rows in memory, for training and evaluation.
 *
 * Strings live in one arena addressed by offsets (the arena moves as it
 * grows).  Labels are numbered in byte order, so the same data gives the
 * same numbering - and the same model - whatever the row order of labels.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "internal.h"

#define NONE SIZE_MAX
#define MAX_LABELS 256
#define MAX_LABEL_LEN 256

struct incite_dataset {
    size_t n, cap;
    char *arena;
    size_t arena_len, arena_cap;
    size_t *text_off, *text_len, *target_off;
    int *label;
    double *weight;
    uint64_t *line;
    char *labels[MAX_LABELS];
    size_t nlabels;
    int has_target;
    size_t skipped;
    uint64_t checksum;
};

static size_t stash(incite_dataset *d, const char *s, size_t len, int *oom)
{
    if (grow_array(&d->arena, &d->arena_cap, d->arena_len + len + 1, 1)) {
        *oom = 1;
        return 0;
    }
    size_t off = d->arena_len;
    memcpy(d->arena + off, s, len);
    d->arena[off + len] = '\0';
    d->arena_len += len + 1;
    return off;
}

static int grow_rows(incite_dataset *d)
{
    if (d->n < d->cap)
        return INCITE_OK;
    size_t cap = d->cap ? d->cap * 2 : 1024;
    size_t *a = realloc(d->text_off, cap * sizeof *a);
    if (a) d->text_off = a;
    size_t *b = realloc(d->text_len, cap * sizeof *b);
    if (b) d->text_len = b;
    size_t *c = realloc(d->target_off, cap * sizeof *c);
    if (c) d->target_off = c;
    int *l = realloc(d->label, cap * sizeof *l);
    if (l) d->label = l;
    double *w = realloc(d->weight, cap * sizeof *w);
    if (w) d->weight = w;
    uint64_t *ln = realloc(d->line, cap * sizeof *ln);
    if (ln) d->line = ln;
    if (!a || !b || !c || !l || !w || !ln)
        return set_error(INCITE_ENOMEM, "out of memory for %zu rows", cap);
    d->cap = cap;
    return INCITE_OK;
}

/* Why a readable record still cannot train, or NULL. */
static const char *check_labelled(const incite_record *r, double *weight)
{
    const incite_field_value *lab = &r->field[INCITE_FIELD_LABEL];
    if (!lab->s || lab->len == 0)
        return "empty label";
    if (lab->len > MAX_LABEL_LEN)
        return "label longer than 256 bytes";
    *weight = 1.0;
    const incite_field_value *w = &r->field[INCITE_FIELD_WEIGHT];
    if (w->s) {
        /* digits, perhaps a point and zeros after it (2.0, as other
         * tools write whole numbers), perhaps spaces around: strtod() took
         * 0x2, 1e1 and +2 too, and refused a trailing space alone */
        const char *p = w->s, *end = w->s + w->len;
        while (p < end && *p == ' ')
            p++;
        while (end > p && end[-1] == ' ')
            end--;
        double v = 0;
        const char *digits = p;
        for (; p < end && *p >= '0' && *p <= '9'; p++)
            v = v < 1e4 ? v * 10 + (*p - '0') : v;
        int whole = p > digits;
        if (whole && p < end && *p == '.')
            for (p++; p < end && *p == '0'; p++)
                ;
        /* training repeats the row (LIBLINEAR and LIBSVM take no instance
         * weights); evaluation counts it as many times */
        if (!whole || p != end || v < 1 || v > 1000)
            return "weight is not a whole number from 1 to 1000 (the times the row counts)";
        *weight = v;
    }
    return NULL;
}

static int label_id(incite_dataset *d, const char *s)
{
    for (size_t i = 0; i < d->nlabels; i++)
        if (strcmp(d->labels[i], s) == 0)
            return (int)i;
    if (d->nlabels == MAX_LABELS)
        return -2;
    if (!(d->labels[d->nlabels] = strdup(s)))
        return -1;
    return (int)d->nlabels++;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Renumbers labels in byte order. */
static void sort_labels(incite_dataset *d)
{
    char *old[MAX_LABELS];
    memcpy(old, d->labels, d->nlabels * sizeof *old);
    qsort(d->labels, d->nlabels, sizeof *d->labels, by_string);
    int map[MAX_LABELS];
    for (size_t i = 0; i < d->nlabels; i++)
        for (size_t j = 0; j < d->nlabels; j++)
            if (old[i] == d->labels[j])
                map[i] = (int)j;
    for (size_t r = 0; r < d->n; r++)
        d->label[r] = map[d->label[r]];
}

/* The columns a header must have: the label's, and a target's or
 * weight's asked for by name (else the model would silently not cross
 * with targets, or every row count once). */
static int check_header(const incite_reader *r, const incite_reader_options *ro, const char *name)
{
    static const incite_field_kind needed[] = {INCITE_FIELD_LABEL, INCITE_FIELD_TARGET,
                                               INCITE_FIELD_WEIGHT};
    for (size_t k = 0; k < sizeof needed / sizeof needed[0]; k++) {
        incite_field_kind f = needed[k];
        if ((f == INCITE_FIELD_LABEL || ro->column[f]) && !incite_reader_has_field(r, f))
            return set_error(INCITE_EFORMAT, "%s:1: the header has no '%s' column", name,
                             ro->column[f] ? ro->column[f] : incite_field_name(f));
    }
    return INCITE_OK;
}

int incite_dataset_read(FILE *fp, const char *name, const incite_reader_options *o,
                        int skip_bad, incite_skip_fn on_skip, void *ctx, incite_dataset **out)
{
    clear_error();
    *out = NULL;
    incite_reader_options ro = o ? *o : (incite_reader_options){0};
    if (ro.format == INCITE_INPUT_AUTO || ro.format == INCITE_INPUT_PLAIN)
        ro.format = INCITE_INPUT_TSV;   /* labelled data has columns */
    incite_reader *r = incite_reader_new(fp, name, &ro);
    incite_dataset *d = calloc(1, sizeof *d);
    if (!r || !d) {
        incite_reader_free(r);
        free(d);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    int rc = INCITE_OK;
    uint64_t h = hash_seed(0, 11);
    incite_record rec;
    int got, header_checked = 0;
    while ((got = incite_reader_next(r, &rec)) == 1) {
        if (!header_checked++ && (rc = check_header(r, &ro, name)))
            break;
        double weight = 1.0;
        const char *why = rec.error ? rec.error : check_labelled(&rec, &weight);
        if (why) {
            if (!skip_bad) {
                rc = set_error(INCITE_EFORMAT, "%s:%llu: %s", name, (unsigned long long)rec.line, why);
                break;
            }
            d->skipped++;
            if (on_skip)
                on_skip(ctx, name, rec.line, why);
            continue;
        }
        if ((rc = grow_rows(d)))
            break;
        int oom = 0;
        int id = label_id(d, rec.field[INCITE_FIELD_LABEL].s);
        if (id == -2) {
            rc = set_error(INCITE_ELIMIT, "%s:%llu: more than %d labels", name,
                           (unsigned long long)rec.line, MAX_LABELS);
            break;
        }
        const incite_field_value *t = &rec.field[INCITE_FIELD_TEXT], *g = &rec.field[INCITE_FIELD_TARGET];
        d->text_off[d->n] = stash(d, t->s, t->len, &oom);
        d->text_len[d->n] = t->len;
        d->target_off[d->n] = g->s && g->len ? stash(d, g->s, g->len, &oom) : NONE;
        if (id < 0 || oom) {
            rc = set_error(INCITE_ENOMEM, "out of memory reading %s", name);
            break;
        }
        d->has_target |= g->s != NULL;
        d->label[d->n] = id;
        d->weight[d->n] = weight;
        d->line[d->n] = rec.line;
        d->n++;
    }
    if (got < 0)
        rc = got;
    /* a header and no rows: a missing column is the news, not the rows */
    if (!rc && !header_checked && incite_reader_has_header(r))
        rc = check_header(r, &ro, name);
    incite_reader_free(r);
    if (rc) {
        incite_dataset_free(d);
        return rc;
    }
    sort_labels(d);
    for (size_t i = 0; i < d->n; i++) {
        const char *lab = d->labels[d->label[i]];
        h = hash_bytes(h, lab, strlen(lab));
        h = hash_bytes(h, d->target_off[i] == NONE ? "" : d->arena + d->target_off[i],
                       d->target_off[i] == NONE ? 0 : strlen(d->arena + d->target_off[i]));
        double w = d->weight[i] * 1e6;   /* > 0; past 2^64 every weight hashes alike */
        h = hash_step(h, w < 18446744073709551616.0 ? (uint64_t)w : UINT64_MAX);
        h = hash_bytes(h, d->arena + d->text_off[i], d->text_len[i]);
    }
    d->checksum = h;
    *out = d;
    return INCITE_OK;
}

void incite_dataset_free(incite_dataset *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nlabels; i++)
        free(d->labels[i]);
    free(d->arena);
    free(d->text_off);
    free(d->text_len);
    free(d->target_off);
    free(d->label);
    free(d->weight);
    free(d->line);
    free(d);
}

size_t incite_dataset_size(const incite_dataset *d) { return d->n; }
size_t incite_dataset_nlabels(const incite_dataset *d) { return d->nlabels; }
int incite_dataset_label(const incite_dataset *d, size_t row) { return d->label[row]; }
double incite_dataset_weight(const incite_dataset *d, size_t row) { return d->weight[row]; }
uint64_t incite_dataset_line(const incite_dataset *d, size_t row) { return d->line[row]; }
int incite_dataset_has_target(const incite_dataset *d) { return d->has_target; }
size_t incite_dataset_skipped(const incite_dataset *d) { return d->skipped; }
uint64_t incite_dataset_checksum(const incite_dataset *d) { return d->checksum; }

const char *incite_dataset_label_name(const incite_dataset *d, size_t i)
{
    return i < d->nlabels ? d->labels[i] : NULL;
}

const char *incite_dataset_text(const incite_dataset *d, size_t row, size_t *len)
{
    *len = d->text_len[row];
    return d->arena + d->text_off[row];
}

const char *incite_dataset_target(const incite_dataset *d, size_t row)
{
    return d->target_off[row] == NONE ? NULL : d->arena + d->target_off[row];
}
