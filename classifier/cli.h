/*
 * cli.h - what the three programs share: one option table per program,
 * from which both parsing (with bounds) and --help are generated, and the
 * exit statuses every program uses.
 */
#ifndef INCITE_CLI_H
#define INCITE_CLI_H

#include <stddef.h>
#include <stdio.h>

enum {
    EXIT_OK = 0,
    EXIT_FAILURE_RUN = 1,  /* data or runtime error: the run could not proceed */
    EXIT_USAGE = 2,        /* bad options */
    EXIT_ROW_ERRORS = 3    /* incite-score: some rows could not be scored */
};

typedef enum { OPT_FLAG, OPT_STRING, OPT_LONG, OPT_DOUBLE, OPT_CHOICE, OPT_CALL } cli_kind;

typedef struct cli_option {
    const char *name;       /* long name without -- */
    int short_name;         /* 0: none */
    cli_kind kind;
    const char *arg;        /* argument name shown in --help */
    const char *help;       /* one line; "%s" is not interpreted */
    void *dest;             /* int* (FLAG, CHOICE), const char** (STRING),
                               long* (LONG), double* (DOUBLE) */
    double min, max;        /* bounds of LONG and DOUBLE values */
    const char *const *choices; /* CHOICE: NULL-terminated names; *dest = index */
    /* CALL: handler; returns NULL or a reason for a usage error */
    const char *(*call)(const char *arg, void *dest);
} cli_option;

typedef struct cli_program {
    const char *name;       /* "incite-score" */
    const char *usage;      /* "[OPTIONS] [-m MODEL] [FILE...]" */
    const char *summary;    /* a paragraph after the usage line */
    const cli_option *options; /* terminated by an entry with name NULL */
} cli_program;

/* Parses argv; returns the index of the first operand.  Prints --help or
 * --version and exits 0; on a usage error prints the reason and exits 2. */
int cli_parse(const cli_program *p, int argc, char **argv);

/* Whether the command line gave --name (after cli_parse()). */
int cli_given(const char *name);

/* A table of a's options followed by b's, valid until the next call. */
const cli_option *cli_join(const cli_option *a, const cli_option *b);

/* Reads a file argument: "-" is stdin.  Exits 1 with a message when it
 * cannot be opened. */
FILE *cli_open(const char *path);

/* Writes s[0..len) as a JSON string (quoted, escaped; invalid UTF-8
 * bytes become U+FFFD so the output is always valid JSON). */
void cli_json_string(FILE *out, const char *s, size_t len);

/* Writes a number as JSON: NaN and infinities become null. */
void cli_json_number(FILE *out, double v);

/* Prints "prog: message" to stderr and exits with status. */
void cli_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Flushes standard output and exits with EXIT_FAILURE_RUN, saying why,
 * if anything written to it was lost (a full disk, a closed descriptor):
 * the last thing a program does before it reports success. */
void cli_finish_output(void);

/* Prints "prog: message" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Warns, once per distinct target (the first 32), when a model crossed
 * with stance targets never saw this post's: its target features are then
 * noise, and the score rests on the post's words alone. */
struct incite_model;
void cli_check_target(const struct incite_model *m, const char *file, unsigned long long line,
                      const char *target);

/* The program name used in messages. */
extern const char *cli_name;

#endif
