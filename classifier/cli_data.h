/*
 * cli_data.h - labelled TSV for incite-train and incite-eval: the options
 * that choose its columns and limits, and the one way both read it.
 */
#ifndef INCITE_CLI_DATA_H
#define INCITE_CLI_DATA_H

#include "cli.h"
#include "incite.h"

/* --weight-col, --skip-bad, --max-bytes, --text-col, --label-col,
 * --target-col; terminated by an entry with name NULL. */
const cli_option *data_option_table(void);

/* Reads path ("-": standard input) as those options say, each skipped row
 * reported on stderr; ends the program with the reason when it cannot. */
incite_dataset *data_read(const char *path);

/* Whether two labels differ only in ASCII case or in white space at either
 * end; data_read() warns of such pairs. */
int labels_alike(const char *a, const char *b);

#endif
