/*
 * cli_data.c - see cli_data.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli_data.h"

static int skip_bad;
static long max_bytes = 64 * 1024;
static const char *col[INCITE_FIELD_COUNT];

static const cli_option table[] = {
    {"weight-col", 0, OPT_STRING, "NAME", "column of the row weight (default weight)",
     &col[INCITE_FIELD_WEIGHT], 0, 0, NULL, NULL},
    {"skip-bad", 0, OPT_FLAG, NULL, "skip bad rows (each reported) instead of stopping", &skip_bad, 0,
     0, NULL, NULL},
    {"max-bytes", 0, OPT_LONG, "N", "use only the first N bytes of a longer post (default 65536)",
     &max_bytes, 1, 1 << 30, NULL, NULL},
    {"text-col", 0, OPT_STRING, "NAME", "column of the post (default text)", &col[INCITE_FIELD_TEXT], 0,
     0, NULL, NULL},
    {"label-col", 0, OPT_STRING, "NAME", "column of the label (default label)", &col[INCITE_FIELD_LABEL],
     0, 0, NULL, NULL},
    {"target-col", 0, OPT_STRING, "NAME", "column of the stance target (default target)",
     &col[INCITE_FIELD_TARGET], 0, 0, NULL, NULL},
    {0},
};

const cli_option *data_option_table(void)
{
    return table;
}

static void on_skip(void *ctx, const char *name, uint64_t line, const char *why)
{
    (void)ctx;
    cli_warn("%s:%llu: skipped: %s", name, (unsigned long long)line, why);
}

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The label without white space at either end: its start, *len bytes. */
static const char *trimmed(const char *s, size_t *len)
{
    while (blank(*s))
        s++;
    size_t n = strlen(s);
    while (n && blank(s[n - 1]))
        n--;
    *len = n;
    return s;
}

int labels_alike(const char *a, const char *b)
{
    size_t la, lb;
    a = trimmed(a, &la);
    b = trimmed(b, &lb);
    return la == lb && strncasecmp(a, b, la) == 0;
}

incite_dataset *data_read(const char *path)
{
    FILE *fp = cli_open(path);
    incite_reader_options ro = {.format = INCITE_INPUT_TSV, .max_bytes = (size_t)max_bytes};
    memcpy(ro.column, col, sizeof col);
    incite_dataset *d;
    if (incite_dataset_read(fp, path, &ro, skip_bad, on_skip, NULL, &d))
        cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    if (fp != stdin)
        fclose(fp);
    /* exact labels are the data's to choose, but "hate", "Hate" and
     * "hate " are one class to a person: they once trained three, and the
     * two phantoms' F1 of 0 halved macro-F1 */
    size_t k = incite_dataset_nlabels(d);
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++)
            if (labels_alike(incite_dataset_label_name(d, a), incite_dataset_label_name(d, b)))
                cli_warn("warning: %s: labels '%s' and '%s' differ only in case or in white "
                         "space at either end, and count as two labels",
                         path, incite_dataset_label_name(d, a), incite_dataset_label_name(d, b));
    return d;
}
