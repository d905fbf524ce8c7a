/*
 * cli.c - option parsing and help for the programs, from one table each
 * (Wapiti's opt_switch[], CRFsuite's params): defaults live in the
 * variables, bounds in the table, and every value is checked before any
 * work starts.  Program-side code: it prints and exits; the library never
 * does.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "incite.h"
#include "utf8.h"

const char *cli_name = "incite";

void cli_finish_output(void)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        cli_die(EXIT_FAILURE_RUN, "writing the output: %s",
                errno ? strerror(errno) : "an earlier write failed");
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cli_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_check_target(const incite_model *m, const char *file, unsigned long long line,
                      const char *target)
{
    /* incite-score calls this for every post, on its one emitting thread:
     * the targets seen so far answer without the model's lookup (posts
     * come with few targets); ASCII case aside, as the model matches */
    enum { KEEP = 64 };
    static char *seen[KEEP];
    static size_t nseen;
    static int full;
    if (!target)
        return;
    for (size_t i = 0; i < nseen; i++)
        if (strcasecmp(seen[i], target) == 0)
            return;
    int known = incite_model_knows_target(m, target);
    int kept = nseen < KEEP && (seen[nseen] = strdup(target)) != NULL;
    nseen += (size_t)kept;
    if (known != 0)
        return;
    if (!kept) {
        if (!full++)
            cli_warn("warning: more stance targets than this program keeps track of: unknown "
                     "ones from here on are not reported");
        return;
    }
    const char *names = incite_model_meta(m, "targets");
    if (!names || strlen(names) > 200)
        names = "incite-eval --info lists them";
    cli_warn("warning: %s:%llu: stance target '%s' is not one the model was trained with (%s): "
             "its target features carry nothing",
             file, line, target, names);
}

void cli_die(int status, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", cli_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

/* Kept reachable for the program's life (leak checkers agree). */
static cli_option *joined;

const cli_option *cli_join(const cli_option *a, const cli_option *b)
{
    size_t na = 0, nb = 0;
    while (a[na].name)
        na++;
    while (b[nb].name)
        nb++;
    cli_option *t = calloc(na + nb + 1, sizeof *t);
    if (!t)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    memcpy(t, a, na * sizeof *t);
    memcpy(t + na, b, nb * sizeof *t);
    free(joined);
    joined = t;
    return t;
}

FILE *cli_open(const char *path)
{
    if (strcmp(path, "-") == 0)
        return stdin;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        cli_die(EXIT_FAILURE_RUN, "%s: cannot open: %s", path, strerror(errno));
    return fp;
}

void cli_json_string(FILE *out, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    putc('"', out);
    for (size_t i = 0; i < len;) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            putc('\\', out);
            putc(c, out);
            i++;
        } else if (c < 0x20) {
            fprintf(out, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            putc(c, out);
            i++;
        } else {
            int32_t cp;
            int bad;
            size_t w = utf8_decode(u + i, len - i, &cp, &bad);
            if (bad)
                fputs("\xef\xbf\xbd", out);
            else
                fwrite(u + i, 1, w, out);
            i += w;
        }
    }
    putc('"', out);
}

void cli_json_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.6g", v);
    else
        fputs("null", out);
}

static void help(const cli_program *p)
{
    printf("Usage: %s %s\n\n%s\n\nOptions:\n", p->name, p->usage, p->summary);
    for (const cli_option *o = p->options; o->name; o++) {
        char left[64];
        int n = snprintf(left, sizeof left, "  %c%c%s--%s%s%s",
                         o->short_name ? '-' : ' ', o->short_name ? o->short_name : ' ',
                         o->short_name ? ", " : "  ", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        printf("%s%*s %s", left, n < 30 ? 30 - n : 0, "", o->help);
        if (o->kind == OPT_CHOICE) {
            printf(" (");
            for (const char *const *c = o->choices; *c; c++)
                printf("%s%s", c == o->choices ? "" : ", ", *c);
            printf(")");
        }
        putchar('\n');
    }
    printf("%-30s show this help and exit\n%-30s show the version and exit\n", "  -h, --help",
           "      --version");
}

static const char *set_value(const cli_option *o, const char *arg)
{
    static char why[256];
    char *end;
    switch (o->kind) {
    case OPT_FLAG:
        *(int *)o->dest = 1;
        return NULL;
    case OPT_STRING:
        *(const char **)o->dest = arg;
        return NULL;
    case OPT_LONG: {
        errno = 0;
        long v = strtol(arg, &end, 10);
        if (errno || end == arg || *end || v < (long)o->min || v > (long)o->max) {
            snprintf(why, sizeof why, "--%s: '%s' is not an integer from %.0f to %.0f",
                     o->name, arg, o->min, o->max);
            return why;
        }
        *(long *)o->dest = v;
        return NULL;
    }
    case OPT_DOUBLE: {
        errno = 0;
        double v = strtod(arg, &end);
        if (errno || end == arg || *end || !(v >= o->min && v <= o->max)) {
            snprintf(why, sizeof why, "--%s: '%s' is not a number from %g to %g",
                     o->name, arg, o->min, o->max);
            return why;
        }
        *(double *)o->dest = v;
        return NULL;
    }
    case OPT_CHOICE:
        for (int i = 0; o->choices[i]; i++)
            if (strcmp(arg, o->choices[i]) == 0) {
                *(int *)o->dest = i;
                return NULL;
            }
        snprintf(why, sizeof why, "--%s: '%s' is not one of the choices (see --help)", o->name, arg);
        return why;
    case OPT_CALL: {
        const char *r = o->call(arg, o->dest);
        if (r) {
            snprintf(why, sizeof why, "--%s: %s", o->name, r);
            return why;
        }
        return NULL;
    }
    }
    return "internal error: unknown option kind";
}

/* The options the command line gave, by name, for cli_given(). */
static const char *given[128];
static size_t ngiven;

int cli_given(const char *name)
{
    for (size_t i = 0; i < ngiven; i++)
        if (strcmp(given[i], name) == 0)
            return 1;
    return 0;
}

/* getopt_long takes any unambiguous prefix of a long option: "--target"
 * would set incite-train's --target-col, a flag of another program read
 * as a column name.  Options are spelled out in full here; a prefix is
 * refused with the option it would have been. */
static void refuse_prefixes(const cli_program *p, size_t n, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return;
        if (a[0] != '-' || a[1] == '\0')
            continue;
        if (a[1] != '-') {   /* -qm FILE: the first option with a value takes the rest */
            for (const char *c = a + 1; *c; c++) {
                const cli_option *o = NULL;
                for (size_t k = 0; k < n; k++)
                    if (p->options[k].short_name == *c)
                        o = &p->options[k];
                if (o && o->kind != OPT_FLAG) {
                    i += c[1] == '\0';   /* the value is the next argument */
                    break;
                }
            }
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const char *longer = NULL;
        int exact = 0, takes_value = 0;
        for (size_t k = 0; k <= n + 1; k++) {   /* the table, then help and version */
            const char *o = k < n ? p->options[k].name : k == n ? "help" : "version";
            if (strncmp(o, name, len) != 0)
                continue;
            if (o[len] == '\0') {
                exact = 1;
                takes_value = k < n && p->options[k].kind != OPT_FLAG;
            } else {
                longer = o;
            }
        }
        if (exact)
            i += takes_value && !eq;
        else if (longer)
            cli_die(EXIT_USAGE, "unknown option '--%.*s' (options are not abbreviated: --%s?)",
                    (int)len, name, longer);
    }
}

int cli_parse(const cli_program *p, int argc, char **argv)
{
    cli_name = p->name;
    size_t n = 0;
    while (p->options[n].name)
        n++;
    refuse_prefixes(p, n, argc, argv);
    /* static: reachable when a usage error exits (LeakSanitizer) */
    static struct option *lo;
    static char *so;
    lo = calloc(n + 3, sizeof *lo);
    so = calloc(2 * n + 3, 1);
    if (!lo || !so)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    size_t k = 0;
    so[k++] = ':';
    for (size_t i = 0; i < n; i++) {
        const cli_option *o = &p->options[i];
        int has_arg = o->kind == OPT_FLAG ? no_argument : required_argument;
        lo[i] = (struct option){o->name, has_arg, NULL, 256 + (int)i};
        if (o->short_name) {
            so[k++] = (char)o->short_name;
            if (has_arg == required_argument)
                so[k++] = ':';
        }
    }
    so[k++] = 'h';
    lo[n] = (struct option){"help", no_argument, NULL, 'h'};
    lo[n + 1] = (struct option){"version", no_argument, NULL, 'V'};
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        const cli_option *o = NULL;
        if (c == 'h') {
            help(p);
            cli_finish_output();
            exit(EXIT_OK);
        }
        if (c == 'V') {
            printf("%s %s\n", p->name, INCITE_VERSION);
            cli_finish_output();
            exit(EXIT_OK);
        }
        if (c == ':') {
            if (optopt >= 256 && (size_t)(optopt - 256) < n)
                cli_die(EXIT_USAGE, "option --%s needs an argument (see --help)",
                        p->options[optopt - 256].name);
            cli_die(EXIT_USAGE, "option -%c needs an argument (see --help)", optopt);
        }
        if (c == '?') {
            /* getopt_long's '?' with a long option's value: "--quiet=1"
             * (--help and --version have the values 'h' and 'V') */
            if (optopt >= 256 && (size_t)(optopt - 256) < n)
                cli_die(EXIT_USAGE, "option --%s takes no argument (see --help)",
                        p->options[optopt - 256].name);
            if ((optopt == 'h' || optopt == 'V') && strncmp(argv[optind - 1], "--", 2) == 0)
                cli_die(EXIT_USAGE, "option --%s takes no argument (see --help)",
                        optopt == 'h' ? "help" : "version");
            if (optopt && optopt < 256)
                cli_die(EXIT_USAGE, "unknown option '-%c' (see --help)", optopt);
            cli_die(EXIT_USAGE, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
        if (c >= 256)
            o = &p->options[c - 256];
        else
            for (size_t i = 0; i < n; i++)
                if (p->options[i].short_name == c)
                    o = &p->options[i];
        if (!o)
            cli_die(EXIT_USAGE, "unknown option (see --help)");
        const char *why = set_value(o, optarg);
        if (why)
            cli_die(EXIT_USAGE, "%s", why);
        if (!cli_given(o->name) && ngiven < sizeof given / sizeof given[0])
            given[ngiven++] = o->name;
    }
    free(lo);
    free(so);
    return optind;
}
