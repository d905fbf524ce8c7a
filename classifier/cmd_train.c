/*
 * incite-train - labelled TSV in, a calibrated model file out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_data.h"
#include "cli_train.h"
#include "incite.h"

static const char *output, *flag;
static int verbose;

static const cli_option own[] = {
    {"output", 'o', OPT_STRING, "MODEL", "write the model here (required)", &output, 0, 0, NULL, NULL},
    {"flag", 0, OPT_STRING, "LABEL", "record LABEL as the label moderators flag", &flag, 0, 0, NULL, NULL},
    {"verbose", 'v', OPT_FLAG, NULL, "report progress and a summary on stderr", &verbose, 0, 0, NULL,
     NULL},
    {0},
};

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

/* Whether a model could be written in the directory that holds path
 * (the rename needs to create a file there); dies saying why not. */
static void check_directory(const char *out, const char *path)
{
    char *dir = strdup(path);
    if (!dir)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    char *slash = strrchr(dir, '/');
    const char *d = dir;
    if (!slash)
        d = ".";
    else if (slash == dir)
        d = "/";
    else
        *slash = '\0';
    struct stat st;
    if (stat(d, &st) != 0)
        cli_die(EXIT_FAILURE_RUN, "-o %s: cannot write in %s: %s", out, d, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        cli_die(EXIT_FAILURE_RUN, "-o %s: %s is not a directory", out, d);
    if (access(d, W_OK | X_OK) != 0)
        cli_die(EXIT_FAILURE_RUN, "-o %s: cannot write in %s: %s", out, d, strerror(errno));
    free(dir);
}

/* Errors about -o, before the data is read and the training spends
 * minutes: "-" reads as standard output, which a model (renamed into
 * place) cannot go to; incite_model_save() would refuse a device, a FIFO
 * or a dangling link, or find no directory to write in, only at the end;
 * and a model saved over its own training file (given by name or on
 * standard input) would destroy the data. */
static void check_output(const char *out, const char *in)
{
    if (strcmp(out, "-") == 0)
        cli_die(EXIT_USAGE, "-o -: a model goes to a file, not to standard output");
    struct stat so, si;
    if (stat(out, &so) != 0) {
        if (errno != ENOENT)
            cli_die(EXIT_FAILURE_RUN, "-o %s: %s", out, strerror(errno));
        if (lstat(out, &so) == 0)
            cli_die(EXIT_USAGE, "-o %s: a symbolic link to nothing", out);
        check_directory(out, out);
        return;
    }
    if (S_ISDIR(so.st_mode))
        cli_die(EXIT_USAGE, "-o %s: is a directory", out);
    if (!S_ISREG(so.st_mode))
        cli_die(EXIT_USAGE, "-o %s: not a regular file: a model goes to a file", out);
    int have_in = strcmp(in, "-") == 0 ? fstat(STDIN_FILENO, &si) == 0 : stat(in, &si) == 0;
    if (have_in && so.st_dev == si.st_dev && so.st_ino == si.st_ino)
        cli_die(EXIT_USAGE, "-o %s: that is the training file", out);
    char *target = realpath(out, NULL);   /* a link is saved through: beside its file */
    if (!target)
        cli_die(EXIT_FAILURE_RUN, "-o %s: %s", out, strerror(errno));
    check_directory(out, target);
    free(target);
}

int main(int argc, char **argv)
{
    cli_program prog = {
        "incite-train", "[OPTIONS] -o MODEL TRAIN.tsv",
        "Trains a model on TRAIN.tsv (\"-\": standard input): a header naming the columns\n"
        "label and text, optionally target (stance), id, handle, weight.  The model is\n"
        "calibrated on cross-validated decisions and records their metrics.",
        cli_join(cli_join(own, data_option_table()), train_option_table()),
    };
    int first = cli_parse(&prog, argc, argv);
    if (!output)
        cli_die(EXIT_USAGE, "no output model: give -o MODEL (see --help)");
    if (argc - first != 1)
        cli_die(EXIT_USAGE, "give exactly one training file (see --help)");
    const char *path = argv[first];
    check_output(output, path);
    tty = isatty(STDERR_FILENO);
    incite_train_options o;
    train_options_finish(&o);   /* usage errors before the data is read */
    incite_dataset *d = data_read(path);
    if (incite_dataset_skipped(d))
        cli_warn("%s: skipped %zu bad rows", path, incite_dataset_skipped(d));
    train_options_targets(&o, incite_dataset_has_target(d));
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
    if (cv.folds < 2)   /* deliberate, but not to be missed: nothing is calibrated */
        cli_warn("warning: --cv %d: no folds, so the probabilities (and flag_prob) are a "
                 "plain sigmoid of the margin, uncalibrated, and the model records no "
                 "cross-validated figures",
                 o.folds);
    train_report_cv(&o, d, &cv);
    train_report_solver("cross-validation", &cv.solver_cv, verbose);
    train_report_solver("final fit", &cv.solver_final, verbose);
    incite_cv_result_free(&cv);
    incite_model_free(m);
    incite_dataset_free(d);
    return EXIT_OK;
}
