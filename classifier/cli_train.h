/*
 * cli_train.h - the training options' table, shared by incite-train and
 * incite-eval --cv.
 */
#ifndef INCITE_CLI_TRAIN_H
#define INCITE_CLI_TRAIN_H

#include "cli.h"
#include "incite.h"

/* The options, terminated by an entry with name NULL. */
const cli_option *train_option_table(void);

/* Whether --cv was given. */
int train_options_cv_given(void);

/* Fills *o from the defaults and what the table parsed, and ends the
 * program with a usage error if the library would refuse them: call it
 * before reading any data. */
void train_options_finish(incite_train_options *o);

/* The data's target column turns target crossing on, unless
 * --no-target-cross. */
void train_options_targets(incite_train_options *o, int has_target);

/* Warns on stderr when solver runs stopped at their iteration cap (not
 * converged), as scikit-learn's ConvergenceWarning does; with verbose,
 * also reports every fit's iterations.  what: "cross-validation", "final
 * fit". */
void train_report_solver(const char *what, const incite_solver_stats *s, int verbose);

/* Warns when cross-validation used fewer folds than --cv asked (the
 * rarest label has fewer rows) or predicted one label for every row of d
 * that has several (the options learnt nothing), and, with a grid, says
 * which values it chose and that the cross-validated figures chose them,
 * so are optimistic. */
void train_report_cv(const incite_train_options *o, const incite_dataset *d,
                     const incite_cv_result *r);

#endif
