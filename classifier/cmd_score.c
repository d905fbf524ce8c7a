/*
 * incite-score - score posts, one result per input line.
 * (This first version only shows the core's work: --dump.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "incite.h"
#include "internal.h"

static const char *const dump_kinds[] = {"none", "normalized", "tokens", "features", NULL};
enum { DUMP_NONE, DUMP_NORMALIZED, DUMP_TOKENS, DUMP_FEATURES };

static int dump = DUMP_NONE;
static long max_bytes = 64 * 1024;

static const cli_option options[] = {
    {"dump", 0, OPT_CHOICE, "WHAT", "show the core's work for each line instead of scoring",
     &dump, 0, 0, dump_kinds, NULL},
    {"max-bytes", 0, OPT_LONG, "N", "score only the first N bytes of a longer post",
     &max_bytes, 1, 1 << 30, NULL, NULL},
    {0},
};

static const cli_program program = {
    "incite-score", "[OPTIONS] [FILE...]",
    "Reads posts, one per line, from FILEs or standard input.", options,
};

static int by_weight(const void *a, const void *b)
{
    const incite_feature *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? 1 : -1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void dump_line(incite_featurizer *f, uint64_t lineno)
{
    if (dump == DUMP_NORMALIZED) {
        size_t n;
        const char *s = incite_featurizer_normalized(f, &n);
        fwrite(s, 1, n, stdout);
        putchar('\n');
    } else if (dump == DUMP_TOKENS) {
        size_t n;
        const incite_token *t = incite_featurizer_tokens(f, &n);
        for (size_t i = 0; i < n; i++) {
            if (i)
                putchar(' ');
            fwrite(t[i].text, 1, t[i].len, stdout);
        }
        putchar('\n');
    } else {
        const incite_feature *feat;
        long n = incite_featurizer_features(f, NULL, &feat);
        if (n < 0)
            cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
        qsort((void *)feat, (size_t)n, sizeof *feat, by_weight);
        for (long i = 0; i < n; i++)
            printf("%llu\t%s\t%.6f\n", (unsigned long long)lineno, feat[i].ngram, feat[i].value);
    }
}

int main(int argc, char **argv)
{
    int first = cli_parse(&program, argc, argv);
    if (dump == DUMP_NONE)
        cli_die(EXIT_USAGE, "scoring needs a model; only --dump works yet");
    incite_config cfg;
    incite_config_default(&cfg);
    incite_featurizer *f = incite_featurizer_new(&cfg);
    if (!f)
        cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    incite_featurizer_keep_names(f, dump == DUMP_FEATURES);
    if (dump == DUMP_FEATURES)
        printf("line\tngram\tweight\n");
    int nfiles = argc - first;
    for (int k = 0; k < (nfiles ? nfiles : 1); k++) {
        const char *name = nfiles ? argv[first + k] : "-";
        FILE *fp = strcmp(name, "-") ? fopen(name, "rb") : stdin;
        if (!fp)
            cli_die(EXIT_FAILURE_RUN, "%s: cannot open: %s", name, strerror(errno));
        line_reader lr;
        line_reader_init(&lr, fp, (size_t)max_bytes);
        const char *line;
        size_t len;
        int trunc, rc;
        while ((rc = line_next(&lr, &line, &len, &trunc)) == 1) {
            if (incite_featurize(f, line, len, NULL, NULL))
                cli_die(EXIT_FAILURE_RUN, "%s:%llu: %s", name, (unsigned long long)lr.lineno,
                        incite_last_error());
            dump_line(f, lr.lineno);
        }
        if (rc < 0)
            cli_die(EXIT_FAILURE_RUN, "%s: %s", name, incite_last_error());
        line_reader_release(&lr);
        if (fp != stdin)
            fclose(fp);
    }
    incite_featurizer_free(f);
    return fflush(stdout) ? EXIT_FAILURE_RUN : EXIT_OK;
}
