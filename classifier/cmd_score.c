/*
 * incite-score - score posts: one result per input row, in order, in
 * constant memory; or, with --by-handle, one row per handle, ranked.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"
#include "handles.h"
#include "incite.h"
#include "strbuf.h"

static const char *model_path, *flag_name, *fixed_target;
static int format = -1, input_format, dump, by_handle, strict_utf8, unbuffered, quiet, rank = -1;
/* -1: not given (options that only some modes read are refused in others) */
static long max_bytes = 64 * 1024, explain_k = -1, top_n, threads, max_handles = -1;
static double threshold = -1, precision = -1;
static const char *col[INCITE_FIELD_COUNT];

static const char *const formats[] = {"tsv", "jsonl", NULL};
static const char *const input_formats[] = {"auto", "plain", "tsv", "jsonl", NULL};
static const char *const dump_kinds[] = {"none", "normalized", "tokens", "features", NULL};
static const char *const rankings[] = {"top3_mean", "max", "mean", "share_flagged", NULL};
enum { DUMP_NONE, DUMP_NORMALIZED, DUMP_TOKENS, DUMP_FEATURES };

static const cli_option options[] = {
    {"model", 'm', OPT_STRING, "MODEL", "model file (default: $INCITE_MODEL, else the shipped model)",
     &model_path, 0, 0, NULL, NULL},
    {"format", 'f', OPT_CHOICE, "FMT", "output format (default tsv)", &format, 0, 0, formats, NULL},
    {"input-format", 0, OPT_CHOICE, "FMT", "input format (default: from the first line)",
     &input_format, 0, 0, input_formats, NULL},
    {"text-col", 0, OPT_STRING, "NAME", "column/field of the post (default text)",
     &col[INCITE_FIELD_TEXT], 0, 0, NULL, NULL},
    {"id-col", 0, OPT_STRING, "NAME", "column/field of the id (default id)", &col[INCITE_FIELD_ID], 0, 0,
     NULL, NULL},
    {"handle-col", 0, OPT_STRING, "NAME", "column/field of the handle (default handle)",
     &col[INCITE_FIELD_HANDLE], 0, 0, NULL, NULL},
    {"target-col", 0, OPT_STRING, "NAME", "column/field of the stance target (default target)",
     &col[INCITE_FIELD_TARGET], 0, 0, NULL, NULL},
    {"target", 0, OPT_STRING, "TARGET", "stance target of posts that name none", &fixed_target, 0, 0,
     NULL, NULL},
    {"max-bytes", 0, OPT_LONG, "N", "score a longer post on its first N bytes (default 65536)",
     &max_bytes, 1, 1 << 30, NULL, NULL},
    {"strict-utf8", 0, OPT_FLAG, NULL, "a post with invalid UTF-8 is an error row", &strict_utf8, 0, 0,
     NULL, NULL},
    {"flag", 0, OPT_STRING, "LABEL", "label whose probability is flag_prob (default: the model's)",
     &flag_name, 0, 0, NULL, NULL},
    {"threshold", 0, OPT_DOUBLE, "P", "flag a post when flag_prob >= P (default 0.5)", &threshold, 0, 1,
     NULL, NULL},
    {"precision", 0, OPT_DOUBLE, "P",
     "use the lowest threshold that reached precision P in the model's cross-validation", &precision,
     0, 1, NULL, NULL},
    {"explain", 0, OPT_LONG, "K", "show the K n-grams pushing hardest toward and against the label (linear models)",
     &explain_k, 0, 1000, NULL, NULL},
    {"by-handle", 0, OPT_FLAG, NULL, "one row per handle, ranked by risk", &by_handle, 0, 0, NULL, NULL},
    {"rank-by", 0, OPT_CHOICE, "WHAT", "risk score of --by-handle (default top3_mean)", &rank, 0, 0,
     rankings, NULL},
    {"top", 0, OPT_LONG, "N", "--by-handle: only the N riskiest handles", &top_n, 1, 1e15, NULL,
     NULL},
    {"max-handles", 0, OPT_LONG, "N", "--by-handle: stop past N distinct handles (default 2000000)",
     &max_handles, 1, 1L << 32, NULL, NULL},
    {"threads", 'j', OPT_LONG, "N", "scoring threads (default: all cores)", &threads, 1, 256, NULL, NULL},
    {"unbuffered", 'u', OPT_FLAG, NULL, "write each result at once (default when stdout is a terminal)",
     &unbuffered, 0, 0, NULL, NULL},
    {"dump", 0, OPT_CHOICE, "WHAT", "show the core's work for each post instead of scoring", &dump, 0, 0,
     dump_kinds, NULL},
    {"quiet", 'q', OPT_FLAG, NULL, "no summary on stderr (row errors are still reported)", &quiet, 0, 0,
     NULL, NULL},
    {0},
};

/* ---- shared state --------------------------------------------------- */

typedef struct run {
    incite_model *model;
    incite_config cfg;       /* the model's, or the default for --dump */
    int flag;                /* label index of flag_prob, -1 if none */
    double threshold;
    int uses_target;
    incite_scorer **scorers; /* per worker */
    incite_featurizer **featurizers; /* per worker, for --dump */
    batch_input *inputs;
    int line_buffered;
    int header_done;
    handle_table *handles;
    uint64_t rows, scored, truncated, flagged, errors;
} run;

static run R;

/* ---- formatting one post (workers) ------------------------------------ */

/* A post's id: the row's, or its line number when it has none (or an
 * empty one), written into buf. */
static const char *post_id(const batch *b, const post *p, char buf[32], size_t *len)
{
    const char *id = post_field(b, p, INCITE_FIELD_ID, len);
    if (id && *len)
        return id;
    *len = (size_t)snprintf(buf, 32, "%llu", (unsigned long long)p->line);
    return buf;
}

static void put_id(strbuf *o, const batch *b, const post *p, int json)
{
    char tmp[32];
    size_t n;
    const char *id = post_id(b, p, tmp, &n);
    json ? sb_json(o, id, n) : sb_field(o, id, n);
}

static void put_handle(strbuf *o, const batch *b, const post *p, int json)
{
    size_t n;
    const char *h = post_field(b, p, INCITE_FIELD_HANDLE, &n);
    if (json)
        h ? sb_json(o, h, n) : sb_puts(o, "null");
    else if (h)
        sb_field(o, h, n);
}

static void put_explanation(strbuf *o, const incite_explanation *ex)
{
    sb_puts(o, "{\"margin\":");
    sb_num(o, ex->margin);
    sb_puts(o, ",\"bias\":");
    sb_num(o, ex->bias);
    sb_puts(o, ",\"rest\":");
    sb_num(o, ex->rest);
    sb_puts(o, ",\"top\":[");
    for (size_t i = 0; i < ex->ntop; i++) {
        sb_puts(o, i ? ",{\"ngram\":" : "{\"ngram\":");
        sb_json(o, ex->top[i].ngram, strlen(ex->top[i].ngram));
        sb_puts(o, ",\"weight\":");
        sb_num(o, ex->top[i].weight);
        sb_putc(o, '}');
    }
    sb_puts(o, "]}");
}

static const char *const status_name[] = {"ok", "truncated", "error"};

static void format_error(strbuf *o, const batch *b, const post *p)
{
    size_t k = R.model ? incite_model_nlabels(R.model) : 0;
    if (format == 1) {
        sb_puts(o, "{\"id\":");
        put_id(o, b, p, 1);
        sb_puts(o, ",\"handle\":");
        put_handle(o, b, p, 1);
        sb_puts(o, ",\"status\":\"error\",\"reason\":");
        sb_json(o, p->reason, strlen(p->reason));
        sb_puts(o, "}\n");
        return;
    }
    put_id(o, b, p, 0);
    sb_putc(o, '\t');
    put_handle(o, b, p, 0);
    sb_puts(o, "\terror\t\t\t\t");
    for (size_t c = 0; c < k; c++)
        sb_putc(o, '\t');
    if (explain_k)
        sb_putc(o, '\t');
    sb_putc(o, '\t');
    sb_field(o, p->reason, strlen(p->reason));
    sb_putc(o, '\n');
}

static void format_score(strbuf *o, const batch *b, const post *p, const incite_score *sc,
                         const incite_explanation *ex)
{
    const incite_model *m = R.model;
    size_t k = incite_model_nlabels(m);
    const char *label = incite_model_label(m, (size_t)sc->label);
    if (format == 1) {
        sb_puts(o, "{\"id\":");
        put_id(o, b, p, 1);
        sb_puts(o, ",\"handle\":");
        put_handle(o, b, p, 1);
        sb_puts(o, ",\"status\":\"");
        sb_puts(o, status_name[p->status]);
        sb_puts(o, "\",\"label\":");
        sb_json(o, label, strlen(label));
        sb_puts(o, ",\"flag_prob\":");
        R.flag >= 0 ? sb_num(o, p->flag_prob) : sb_puts(o, "null");
        sb_puts(o, p->flagged ? ",\"flagged\":true" : ",\"flagged\":false");
        sb_puts(o, ",\"margin\":");
        sb_num(o, sc->margin);
        sb_puts(o, ",\"prob\":{");
        for (size_t c = 0; c < k; c++) {
            if (c)
                sb_putc(o, ',');
            sb_json(o, incite_model_label(m, c), strlen(incite_model_label(m, c)));
            sb_putc(o, ':');
            sb_num(o, sc->prob[c]);
        }
        sb_puts(o, "},\"margins\":{");
        for (size_t c = 0; c < k; c++) {
            if (c)
                sb_putc(o, ',');
            sb_json(o, incite_model_label(m, c), strlen(incite_model_label(m, c)));
            sb_putc(o, ':');
            sb_num(o, sc->margins[c]);
        }
        sb_putc(o, '}');
        if (ex) {
            sb_puts(o, ",\"explain\":");
            put_explanation(o, ex);
        }
        sb_puts(o, "}\n");
        return;
    }
    put_id(o, b, p, 0);
    sb_putc(o, '\t');
    put_handle(o, b, p, 0);
    sb_putc(o, '\t');
    sb_puts(o, status_name[p->status]);
    sb_putc(o, '\t');
    sb_field(o, label, strlen(label));
    sb_putc(o, '\t');
    if (R.flag >= 0)
        sb_num(o, p->flag_prob);
    sb_puts(o, p->flagged ? "\ttrue\t" : "\tfalse\t");
    sb_num(o, sc->margin);
    for (size_t c = 0; c < k; c++) {
        sb_putc(o, '\t');
        sb_num(o, sc->prob[c]);
    }
    if (ex) {
        sb_putc(o, '\t');
        put_explanation(o, ex);
    }
    sb_puts(o, "\t\n");
}

static void header(FILE *out)
{
    if (by_handle) {
        fputs("handle\tposts\tflagged\tshare_flagged\tmax\tmean\ttop3_mean\ttop_posts", out);
        fputs(explain_k ? "\tevidence\n" : "\n", out);
        return;
    }
    strbuf h = {0};   /* a label may hold a tab: cleaned as in the rows */
    sb_puts(&h, "id\thandle\tstatus\tlabel\tflag_prob\tflagged\tmargin");
    for (size_t c = 0; c < incite_model_nlabels(R.model); c++) {
        const char *label = incite_model_label(R.model, c);
        sb_puts(&h, "\tprob_");
        sb_field(&h, label, strlen(label));
    }
    sb_puts(&h, explain_k ? "\texplain\treason\n" : "\treason\n");
    fwrite(h.s, 1, h.len, out);
    sb_free(&h);
}

/* ---- --dump ------------------------------------------------------------ */

/* Largest first, by size: a weight's sign is the hash's (signed hashing
 * keeps colliding n-grams from adding up), not the n-gram's. */
static int by_weight(const void *a, const void *b)
{
    const incite_feature *x = a, *y = b;
    double ax = fabs(x->value), ay = fabs(y->value);
    if (ax != ay)
        return ax < ay ? 1 : -1;
    return (x->index > y->index) - (x->index < y->index);
}

static void dump_post(incite_featurizer *f, strbuf *o, const batch *b, const post *p)
{
    if (dump == DUMP_NORMALIZED) {
        size_t n;
        const char *s = incite_featurizer_normalized(f, &n);
        sb_field(o, s, n);
        sb_putc(o, '\n');
    } else if (dump == DUMP_TOKENS) {
        /* the word sequence; folded variants show in --dump features */
        size_t n;
        const incite_token *t = incite_featurizer_tokens(f, &n);
        for (size_t i = 0, shown = 0; i < n; i++) {
            if (t[i].flags & INCITE_TOKEN_VARIANT)
                continue;
            if (shown++)
                sb_putc(o, ' ');
            sb_field(o, t[i].text, t[i].len);
        }
        sb_putc(o, '\n');
    } else {
        const incite_feature *feat;
        size_t stride = 1;
        const float *idf = R.model ? incite_model_idf(R.model, &stride) : NULL;
        long n = incite_featurizer_features(f, idf, stride, &feat);
        if (n < 0)
            cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
        qsort((void *)feat, (size_t)n, sizeof *feat, by_weight);
        for (long i = 0; i < n; i++) {
            put_id(o, b, p, 0);
            sb_putc(o, '\t');
            sb_field(o, feat[i].ngram, strlen(feat[i].ngram));
            sb_putc(o, '\t');
            sb_num(o, feat[i].value);
            sb_putc(o, '\n');
        }
    }
}

/* ---- the worker's job ------------------------------------------------ */

/* The stance target of a post: its own, else --target's; NULL if none. */
static const char *post_target(const batch *b, const post *p)
{
    size_t n;
    const char *t = post_field(b, p, INCITE_FIELD_TARGET, &n);
    return t && n ? t : fixed_target;
}

static void fail_post(post *p, const char *why)
{
    p->status = POST_ERROR;
    p->reason = why;
}

static void work(void *ctx, batch *b, int worker)
{
    (void)ctx;
    for (size_t i = 0; i < b->n; i++) {
        post *p = &b->posts[i];
        p->out = b->out.len;
        size_t len;
        const char *text = post_field(b, p, INCITE_FIELD_TEXT, &len);
        if (dump != DUMP_NONE) {
            if (p->status != POST_ERROR) {
                incite_featurizer *f = R.featurizers[worker];
                if (incite_featurize(f, text, len, post_target(b, p), NULL))
                    fail_post(p, "cannot featurize (out of memory)");
                else
                    dump_post(f, &b->out, b, p);
            }
            if (p->status == POST_ERROR && dump != DUMP_FEATURES)
                sb_putc(&b->out, '\n');   /* one line out per line in, even so */
            p->out_len = b->out.len - p->out;
            continue;
        }
        size_t hlen = 0;
        if (p->status != POST_ERROR) {
            if (R.uses_target && !post_target(b, p))
                fail_post(p, "no stance target (the model needs one: a target column or --target)");
            else if (by_handle && (!post_field(b, p, INCITE_FIELD_HANDLE, &hlen) || !hlen))
                fail_post(p, "no handle");
        }
        if (p->status == POST_ERROR) {
            if (!by_handle)
                format_error(&b->out, b, p);
            p->out_len = b->out.len - p->out;
            continue;
        }
        incite_scorer *s = R.scorers[worker];
        incite_score sc;
        int rc = incite_score_post(s, text, len, post_target(b, p), &sc);
        if (rc) {
            fail_post(p, rc == INCITE_ENOMEM    ? "cannot score (out of memory)"
                         : rc == INCITE_ESOLVER ? "cannot score: the model's kernel gave a "
                                                  "non-finite decision value"
                                                : "cannot score this text");
            if (!by_handle)
                format_error(&b->out, b, p);
            p->out_len = b->out.len - p->out;
            continue;
        }
        p->flag_prob = R.flag >= 0 ? sc.prob[R.flag] : NAN;
        p->flagged = R.flag >= 0 && p->flag_prob >= R.threshold;
        incite_explanation ex, *exp = NULL;
        if (explain_k) {   /* setup_model() made sure the model can explain */
            if (incite_scorer_explain(s, (size_t)explain_k, &ex)) {
                fail_post(p, "cannot explain (out of memory)");
                if (!by_handle)
                    format_error(&b->out, b, p);
                p->out_len = b->out.len - p->out;
                continue;
            }
            exp = &ex;
        }
        if (by_handle) {
            if (exp) {
                p->ev = b->out.len;
                put_explanation(&b->out, exp);
                p->ev_len = b->out.len - p->ev;
            }
        } else
            format_score(&b->out, b, p, &sc, exp);
        p->out_len = b->out.len - p->out;
    }
}

/* ---- one batch at a time, in input order (batch.h) ------------------------ */

/* The output's header, once: before the first row, or at the end when no
 * row came (a TSV input that had only its header still gets one). */
static void start_output(const batch_input *in)
{
    if (R.header_done)
        return;
    R.header_done = 1;
    if (!dump && format == 0 && (by_handle || incite_reader_has_header(in->reader)))
        header(stdout);
    if (dump == DUMP_FEATURES)
        fputs("id\tngram\tweight\n", stdout);
}

/* A column the options name must be in a TSV header, as training and
 * evaluation require: the default ones are optional (line numbers stand
 * in for ids), and a misspelt one would silently be too.  Known once the
 * header is read: at an input's first batch, or after the run for an
 * input that had no rows. */
static void check_columns(const batch_input *in)
{
    for (int k = 0; incite_reader_format(in->reader) == INCITE_INPUT_TSV && k < INCITE_FIELD_COUNT;
         k++)
        if (col[k] && !incite_reader_has_field(in->reader, (incite_field_kind)k))
            cli_die(EXIT_FAILURE_RUN, "%s:1: the header has no '%s' column", in->name, col[k]);
}

static void emit(void *ctx, const batch *b)
{
    (void)ctx;
    const batch_input *in = &R.inputs[b->file];
    /* a header without a handle column: say so once, not on every row */
    incite_input_format f = incite_reader_format(in->reader);
    if (by_handle && (f == INCITE_INPUT_PLAIN ||
                      (f == INCITE_INPUT_TSV &&
                       !incite_reader_has_field(in->reader, INCITE_FIELD_HANDLE))))
        cli_die(EXIT_FAILURE_RUN, "%s: --by-handle needs each post's handle, and the input has no "
                                  "'%s' column",
                in->name, col[INCITE_FIELD_HANDLE] ? col[INCITE_FIELD_HANDLE] : "handle");
    check_columns(in);
    if (!by_handle)   /* the ranking's header comes with the ranking, or not at all */
        start_output(in);
    for (size_t i = 0; i < b->n; i++) {
        const post *p = &b->posts[i];
        R.rows++;
        if (p->status == POST_ERROR) {
            R.errors++;
            fprintf(stderr, "%s: %s:%llu: %s\n", cli_name, in->name, (unsigned long long)p->line,
                    p->reason);
        } else {
            R.scored++;
            R.truncated += p->status == POST_TRUNCATED;
            R.flagged += p->flagged != 0;
        }
        if (R.uses_target && p->status != POST_ERROR)
            cli_check_target(R.model, in->name, (unsigned long long)p->line, post_target(b, p));
        if (by_handle && p->status != POST_ERROR) {
            size_t hl, il;
            const char *h = post_field(b, p, INCITE_FIELD_HANDLE, &hl);
            char idbuf[32];
            const char *id = post_id(b, p, idbuf, &il);
            if (handles_add(R.handles, h, hl, id, il, p->flag_prob, p->flagged, p->seq,
                            p->ev_len ? b->out.s + p->ev : NULL, p->ev_len))
                cli_die(EXIT_FAILURE_RUN, "%s:%llu: more than %ld distinct handles (raise "
                                          "--max-handles)",
                        in->name, (unsigned long long)p->line, max_handles);
        }
    }
    if (!by_handle && b->out.len)
        fwrite(b->out.s, 1, b->out.len, stdout);
    if (R.line_buffered)
        fflush(stdout);
    /* the output is gone (a pipe closed while SIGPIPE is ignored, a full
     * disk): stop now rather than read and score the rest for nobody */
    if (ferror(stdout))
        cli_die(EXIT_FAILURE_RUN, "writing the output: %s", strerror(errno));
}

static void print_handles(void)
{
    size_t n;
    handle_stats **h = handles_ranked(R.handles, (rank_by)rank, &n);
    if (!h)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    if (top_n && (size_t)top_n < n)
        n = (size_t)top_n;
    strbuf o = {0};
    for (size_t i = 0; i < n; i++) {
        const handle_stats *s = h[i];
        o.len = 0;
        if (format == 1) {
            sb_puts(&o, "{\"handle\":");
            sb_json(&o, s->name, s->name_len);
            sb_printf(&o, ",\"posts\":%llu,\"flagged\":%llu,\"share_flagged\":",
                      (unsigned long long)s->posts, (unsigned long long)s->flagged);
            sb_num(&o, handle_share_flagged(s));
            sb_puts(&o, ",\"max\":");
            sb_num(&o, s->max);
            sb_puts(&o, ",\"mean\":");
            sb_num(&o, handle_mean(s));
            sb_puts(&o, ",\"top3_mean\":");
            sb_num(&o, handle_top3_mean(s));
            sb_puts(&o, ",\"top_posts\":[");
            for (size_t t = 0; t < s->ntop; t++) {
                if (t)
                    sb_putc(&o, ',');
                sb_json(&o, s->top[t].id, strlen(s->top[t].id));
            }
            sb_putc(&o, ']');
        } else {
            sb_field(&o, s->name, s->name_len);
            sb_printf(&o, "\t%llu\t%llu\t", (unsigned long long)s->posts, (unsigned long long)s->flagged);
            sb_num(&o, handle_share_flagged(s));
            sb_putc(&o, '\t');
            sb_num(&o, s->max);
            sb_putc(&o, '\t');
            sb_num(&o, handle_mean(s));
            sb_putc(&o, '\t');
            sb_num(&o, handle_top3_mean(s));
            sb_putc(&o, '\t');
            for (size_t t = 0; t < s->ntop; t++) {
                if (t)
                    sb_putc(&o, ',');
                sb_field(&o, s->top[t].id, strlen(s->top[t].id));
            }
        }
        if (explain_k) {
            /* the evidence of the handle's top posts */
            sb_puts(&o, format == 1 ? ",\"evidence\":[" : "\t[");
            for (size_t t = 0; t < s->ntop; t++) {
                if (t)
                    sb_putc(&o, ',');
                sb_puts(&o, "{\"id\":");
                sb_json(&o, s->top[t].id, strlen(s->top[t].id));
                sb_puts(&o, ",\"flag_prob\":");
                sb_num(&o, s->top[t].prob);
                sb_puts(&o, ",\"explain\":");
                sb_puts(&o, s->top[t].evidence ? s->top[t].evidence : "null");
                sb_putc(&o, '}');
            }
            sb_putc(&o, ']');
        }
        sb_puts(&o, format == 1 ? "}\n" : "\n");
        fwrite(o.s, 1, o.len, stdout);
    }
    sb_free(&o);
}

/* The shipped model: $INCITE_MODEL, else next to the installed or built
 * binary. */
static const char *default_model(void)
{
    const char *env = getenv("INCITE_MODEL");
    if (env && *env)
        return env;
    static char path[PATH_MAX + 64];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    static const char *const rel[] = {"/../share/incite/default.model", "/../../models/default.model",
                                      "/../models/default.model"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        snprintf(path, sizeof path, "%s%s", exe, rel[i]);
        if (access(path, R_OK) == 0)
            return path;
    }
    return NULL;
}

static void setup_model(void)
{
    const char *path = model_path ? model_path : default_model();
    if (!path) {
        if (dump != DUMP_NONE) {
            incite_config_default(&R.cfg);   /* the core's view needs no model */
            return;
        }
        cli_die(EXIT_FAILURE_RUN, "no model: give -m MODEL or set INCITE_MODEL "
                                  "(the shipped models/default.model was not found)");
    }
    if (incite_model_load(path, &R.model))
        cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    if (explain_k && !incite_model_is_linear(R.model))
        cli_die(EXIT_USAGE, "--explain needs a linear model: %s uses a kernel", path);
    R.cfg = *incite_model_config(R.model);
    R.uses_target = R.cfg.target_cross;
    R.flag = incite_model_flag_label(R.model);
    if (flag_name && (R.flag = incite_model_find_label(R.model, flag_name)) < 0)
        cli_die(EXIT_USAGE, "--flag %s: not a label of the model", flag_name);
    if (by_handle && R.flag < 0)
        cli_die(EXIT_USAGE, "--by-handle ranks by the flag probability: the model has no flag label, "
                            "give --flag LABEL");
    R.threshold = threshold >= 0 ? threshold : 0.5;
    if (precision >= 0) {
        if (threshold >= 0)
            cli_die(EXIT_USAGE, "give --threshold or --precision, not both");
        if (R.flag < 0)
            cli_die(EXIT_USAGE, "--precision needs a flag label (the model has none: give --flag)");
        if (flag_name && incite_model_flag_label(R.model) != R.flag)
            cli_die(EXIT_USAGE, "--precision uses the curve of the model's own flag label '%s'",
                    incite_model_label(R.model, (size_t)incite_model_flag_label(R.model)));
        if (!incite_model_meta(R.model, "cv_folds"))
            cli_die(EXIT_FAILURE_RUN, "--precision: the model has no cross-validated precision "
                                      "curve (trained with --cv 0 or 1): give --threshold");
        double recall;
        R.threshold = incite_model_threshold_for_precision(R.model, precision, &recall);
        if (isnan(R.threshold))
            cli_die(EXIT_FAILURE_RUN, "the model never reached precision %g in cross-validation",
                    precision);
        if (!quiet)
            fprintf(stderr, "%s: --precision %g: threshold %g (cross-validated recall %.3f)\n", cli_name,
                    precision, R.threshold, recall);
    }
}

int main(int argc, char **argv)
{
    cli_program prog = {
        "incite-score", "[OPTIONS] [-m MODEL] [FILE...]",
        "Scores posts from FILEs (\"-\" or none: standard input): plain text (one post per\n"
        "line), TSV with a header (columns text, id, handle, target), or JSON Lines\n"
        "(fields by the same names).  Writes one result per input row, in order, or\n"
        "with --by-handle one row per handle ranked by risk.  Exit status: 0 every\n"
        "row scored, 3 some rows had errors (each reported on stderr), 1 the run\n"
        "could not proceed, 2 a usage error.",
        options,
    };
    int first = cli_parse(&prog, argc, argv);
    if (by_handle && dump)
        cli_die(EXIT_USAGE, "--by-handle and --dump do not go together");
    if (!by_handle && (rank >= 0 || top_n || max_handles >= 0))
        cli_die(EXIT_USAGE, "--rank-by, --top and --max-handles rank handles: give --by-handle");
    if (dump && (format >= 0 || explain_k >= 0))
        cli_die(EXIT_USAGE, "--dump writes its own lines: --format and --explain do not apply");
    rank = rank < 0 ? 0 : rank;
    format = format < 0 ? 0 : format;
    explain_k = explain_k < 0 ? 0 : explain_k;
    max_handles = max_handles < 0 ? 2000000 : max_handles;
    if (fixed_target && !*fixed_target)
        cli_die(EXIT_USAGE, "--target: empty (a stance target names what the post is about)");
    setup_model();
    if (fixed_target && !incite_model_config(R.model)->target_cross)
        cli_warn("warning: --target: this model was trained without stance targets, so a "
                 "target changes nothing");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = threads > 0 ? (int)threads : cores > 0 ? (int)cores : 1;
    R.line_buffered = unbuffered || isatty(STDOUT_FILENO);
    static char obuf[1 << 16];
    if (!R.line_buffered)
        setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    int workers = nthreads > 1 ? nthreads : 1;
    R.scorers = calloc((size_t)workers, sizeof *R.scorers);
    R.featurizers = calloc((size_t)workers, sizeof *R.featurizers);
    for (int w = 0; w < workers; w++) {
        if (dump) {
            R.featurizers[w] = incite_featurizer_new(&R.cfg);
            if (!R.featurizers[w])
                cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
            incite_featurizer_keep_names(R.featurizers[w], dump == DUMP_FEATURES);
        } else {
            R.scorers[w] = incite_scorer_new(R.model);
            if (!R.scorers[w])
                cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
            incite_scorer_keep_names(R.scorers[w], explain_k > 0);
        }
    }
    if (by_handle && !(R.handles = handles_new((size_t)max_handles)))
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    int nfiles = argc - first > 0 ? argc - first : 1;
    R.inputs = calloc((size_t)nfiles, sizeof *R.inputs);
    incite_reader_options ro = {.format = (incite_input_format)input_format,
                                .max_bytes = (size_t)max_bytes, .strict_utf8 = strict_utf8};
    memcpy(ro.column, col, sizeof col);
    FILE **files = calloc((size_t)nfiles, sizeof *files);
    for (int i = 0; i < nfiles; i++) {
        const char *name = argc - first > 0 ? argv[first + i] : "-";
        files[i] = cli_open(name);
        R.inputs[i] = (batch_input){incite_reader_new(files[i], strcmp(name, "-") ? name : "stdin", &ro),
                                    strcmp(name, "-") ? name : "stdin", i};
        if (!R.inputs[i].reader)
            cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    }
    batch_run(R.inputs, (size_t)nfiles, nthreads > 1 ? nthreads : 0, work, emit, NULL);
    for (int i = 0; i < nfiles; i++)
        check_columns(&R.inputs[i]);
    start_output(&R.inputs[0]);
    if (by_handle)
        print_handles();
    cli_finish_output();
    if (!quiet && !dump)
        fprintf(stderr, "%s: %llu rows read, %llu scored (%llu truncated), %llu flagged, %llu errors\n",
                cli_name, (unsigned long long)R.rows, (unsigned long long)R.scored,
                (unsigned long long)R.truncated, (unsigned long long)R.flagged,
                (unsigned long long)R.errors);
    for (int i = 0; i < nfiles; i++) {
        incite_reader_free(R.inputs[i].reader);
        if (files[i] != stdin)
            fclose(files[i]);
    }
    for (int w = 0; w < workers; w++) {
        incite_scorer_free(R.scorers[w]);
        incite_featurizer_free(R.featurizers[w]);
    }
    free(R.scorers);
    free(R.featurizers);
    free(R.inputs);
    free(files);
    handles_free(R.handles);
    incite_model_free(R.model);
    return R.errors ? EXIT_ROW_ERRORS : EXIT_OK;
}
