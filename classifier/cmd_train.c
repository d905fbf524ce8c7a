/*
 * incite-train - labelled TSV in, a calibrated model file out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_train.h"
#include "incite.h"

static const char *output, *flag;
static int skip_bad, verbose;
static long max_bytes = 64 * 1024;
static const char *col[INCITE_FIELD_COUNT];

static const cli_option own[] = {
    {"output", 'o', OPT_STRING, "MODEL", "write the model here (required)", &output, 0, 0, NULL, NULL},
    {"flag", 0, OPT_STRING, "LABEL", "record LABEL as the label moderators flag", &flag, 0, 0, NULL, NULL},
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
    {"weight-col", 0, OPT_STRING, "NAME", "column of the row weight (default weight)",
     &col[INCITE_FIELD_WEIGHT], 0, 0, NULL, NULL},
    {"verbose", 'v', OPT_FLAG, NULL, "report progress and a summary on stderr", &verbose, 0, 0, NULL,
     NULL},
    {0},
};

static void on_skip(void *ctx, const char *name, uint64_t line, const char *why)
{
    (void)ctx;
    cli_warn("%s:%llu: skipped: %s", name, (unsigned long long)line, why);
}

static int tty;

static void progress(void *ctx, const char *stage, int done, int total)
{
    (void)ctx;
    if (tty) {
        fprintf(stderr, "\r%s: %s %d/%d\033[K", cli_name, stage, done, total);
        if (done == total)
            fputc('\n', stderr);
    } else if (verbose && (done == total || strcmp(stage, "fitting") == 0))
        fprintf(stderr, "%s: %s %d/%d\n", cli_name, stage, done, total);
}

int main(int argc, char **argv)
{
    cli_program prog = {
        "incite-train", "[OPTIONS] -o MODEL TRAIN.tsv",
        "Trains a model on TRAIN.tsv (\"-\": standard input): a header naming the columns\n"
        "label and text, optionally target (stance), id, handle, weight.  The model is\n"
        "calibrated on cross-validated decisions and records their metrics.",
        cli_join(own, train_option_table()),
    };
    int first = cli_parse(&prog, argc, argv);
    if (!output)
        cli_die(EXIT_USAGE, "no output model: give -o MODEL (see --help)");
    if (argc - first != 1)
        cli_die(EXIT_USAGE, "give exactly one training file (see --help)");
    const char *path = argv[first];
    tty = isatty(STDERR_FILENO);
    FILE *fp = cli_open(path);
    incite_reader_options ro = {.format = INCITE_INPUT_TSV, .max_bytes = (size_t)max_bytes};
    memcpy(ro.column, col, sizeof col);
    incite_dataset *d;
    if (incite_dataset_read(fp, path, &ro, skip_bad, on_skip, NULL, &d))
        cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    if (fp != stdin)
        fclose(fp);
    if (incite_dataset_skipped(d))
        cli_warn("%s: skipped %zu bad rows", path, incite_dataset_skipped(d));
    incite_train_options o;
    train_options_finish(&o, incite_dataset_has_target(d));
    o.flag_label = flag;
    o.progress = (tty || verbose) ? progress : NULL;
    incite_model *m;
    incite_cv_result cv;
    if (incite_train(d, &o, &m, &cv))
        cli_die(EXIT_FAILURE_RUN, "%s: %s", path, incite_last_error());
    if (incite_model_save(m, output))
        cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    if (verbose) {
        fprintf(stderr, "%s: %zu rows, %zu labels; wrote %s\n", cli_name, incite_dataset_size(d),
                incite_dataset_nlabels(d), output);
        const char *f1 = incite_model_meta(m, "cv_macro_f1");
        if (f1)
            fprintf(stderr, "%s: cross-validated macro-F1 %s (%d folds, C %g)\n", cli_name, f1,
                    cv.folds, cv.best_C);
    }
    incite_cv_result_free(&cv);
    incite_model_free(m);
    incite_dataset_free(d);
    return EXIT_OK;
}
