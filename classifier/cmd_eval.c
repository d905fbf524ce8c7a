/*
 * incite-eval - how good is a model, honestly: on held-out data (-m), or
 * by cross-validating a training configuration (--cv).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_data.h"
#include "cli_train.h"
#include "incite.h"
#include "strbuf.h"

static const char *model_path, *perturb_list, *label_map;
static int json, by_script, info;
static double perturb_rate = 0.5;
static long errors_n;

static const cli_option own[] = {
    {"model", 'm', OPT_STRING, "MODEL", "evaluate this model on TEST.tsv", &model_path, 0, 0, NULL, NULL},
    {"json", 0, OPT_FLAG, NULL, "print one JSON object instead of tables", &json, 0, 0, NULL, NULL},
    {"info", 0, OPT_FLAG, NULL, "print what the model (-m) records about itself and exit", &info, 0,
     0, NULL, NULL},
    {"errors", 0, OPT_LONG, "N", "also list the N most confident mistakes, with their text", &errors_n,
     0, 1000000, NULL, NULL},
    {"map-label", 0, OPT_STRING, "FROM:TO,...",
     "count predictions of FROM as TO (a model's finer labels on coarser test labels)", &label_map,
     0, 0, NULL, NULL},
    {"by-script", 0, OPT_FLAG, NULL, "also report per script: latin, devanagari, gurmukhi, mixed...",
     &by_script, 0, 0, NULL, NULL},
    {"perturb", 0, OPT_STRING, "KIND,...",
     "also score rewritten texts: zerowidth, fullwidth, homoglyph, elongate, leet, spacing, mixed, all",
     &perturb_list, 0, 0, NULL, NULL},
    {"perturb-rate", 0, OPT_DOUBLE, "R", "share of words (3+ letters) rewritten (default 0.5)",
     &perturb_rate, 0, 1, NULL, NULL},
    {0},
};

/* Labels of the evaluation: the model's (or the training data's), then
 * any the test data adds (never predicted, so their recall is 0). */
typedef struct eval {
    size_t n, k;
    const char *label[1024];  /* at most 256 from each side */
    unsigned char scored[1024]; /* the model gives it a probability (its own, or mapped) */
    int *truth, *pred;
    double *prob;            /* n x k */
    double *weight;
    size_t skipped;          /* bad rows --skip-bad left out */
    int cv_folds;            /* --cv: the folds used (0: a model's test) */
    double cv_C, cv_gamma;   /* --cv: the options', or the grid's choice */
    int cv_kernel, cv_grid;  /* --cv: gamma applies; a grid chose */
} eval;

static int label_index(eval *e, const char *name)
{
    for (size_t i = 0; i < e->k; i++)
        if (strcmp(e->label[i], name) == 0)
            return (int)i;
    e->label[e->k] = name;
    return (int)e->k++;
}

/* --map-label: predictions (and probability) of FROM go to TO. */
static size_t nmaps;
static int map_from[64], map_to[64];

static void parse_label_map(eval *e)
{
    if (!label_map)
        return;
    char *list = strdup(label_map), *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(t, ':');
        if (!colon || nmaps == 64)
            cli_die(EXIT_USAGE, "--map-label: want FROM:TO[,FROM:TO...]");
        *colon = '\0';
        size_t k0 = e->k;
        int from = label_index(e, t), to = label_index(e, colon + 1);
        if (e->k != k0)
            cli_die(EXIT_USAGE, "--map-label %s:%s: both must be labels of the model or the data", t,
                    colon + 1);
        /* one step from each label: mapping a label onto itself, twice,
         * or onto one that is mapped too would move its probability
         * twice (X:X zeroed X's; a:b,b:a merged both into a) */
        if (from == to)
            cli_die(EXIT_USAGE, "--map-label %s:%s maps a label onto itself", t, colon + 1);
        for (size_t m = 0; m < nmaps; m++)
            if (map_from[m] == from || map_to[m] == from || map_from[m] == to)
                cli_die(EXIT_USAGE, "--map-label: '%s' is mapped twice, or both mapped and mapped to",
                        map_from[m] == to ? colon + 1 : t);
        map_from[nmaps] = from;
        map_to[nmaps++] = to;
        e->scored[to] = 1;
        e->scored[from] = 0;   /* its probability is moved, zero on every row */
    }
    /* the names stay alive in e->label: keep the copy */
}

static void apply_label_map(eval *e, size_t r)
{
    for (size_t m = 0; m < nmaps; m++) {
        if (e->pred[r] == map_from[m])
            e->pred[r] = map_to[m];
        e->prob[r * e->k + (size_t)map_to[m]] += e->prob[r * e->k + (size_t)map_from[m]];
        e->prob[r * e->k + (size_t)map_from[m]] = 0;
    }
}

/* A model crossed with stance targets needs each row's, as incite-score
 * does (rows without one were scored uncrossed, and counted); a target it
 * never saw is worth a warning. */
static void check_targets(const incite_dataset *d, const incite_model *m, const char *path)
{
    if (!incite_model_config(m)->target_cross)
        return;
    if (!incite_dataset_has_target(d))
        cli_die(EXIT_FAILURE_RUN, "the model was trained with stance targets; the test data has no target column");
    size_t missing = 0, first = 0;
    for (size_t r = 0; r < incite_dataset_size(d); r++) {
        const char *t = incite_dataset_target(d, r);
        if (!t && !missing++)
            first = r;
        cli_check_target(m, path, (unsigned long long)incite_dataset_line(d, r), t);
    }
    if (missing)
        cli_die(EXIT_FAILURE_RUN, "%s: %zu rows have no stance target (the first at line %llu): "
                                  "the model was trained with targets and needs each row's",
                path, missing, (unsigned long long)incite_dataset_line(d, first));
}

/* Test labels the model does not have (and no --map-label gives it) are
 * never predicted: every row of one is a mistake, which is right when the
 * label is new and a typo's symptom when it is not. */
static void warn_unknown_labels(const eval *e, size_t modelled, const incite_dataset *d,
                                const char *path)
{
    size_t *count = calloc(incite_dataset_nlabels(d), sizeof *count);   /* by the data's label */
    if (!count)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    for (size_t r = 0; r < incite_dataset_size(d); r++)
        count[incite_dataset_label(d, r)]++;
    for (size_t c = modelled; c < e->k; c++) {
        if (e->scored[c])
            continue;
        size_t rows = 0;
        for (size_t x = 0; x < incite_dataset_nlabels(d); x++)
            if (strcmp(incite_dataset_label_name(d, x), e->label[c]) == 0)
                rows = count[x];
        const char *alike = NULL;
        for (size_t m = 0; m < modelled && !alike; m++)
            if (labels_alike(e->label[m], e->label[c]))
                alike = e->label[m];
        char hint[320] = "";
        if (alike)
            snprintf(hint, sizeof hint, " (the model has '%s')", alike);
        cli_warn("warning: %s: label '%s' (%zu rows) is not one of the model's%s: it is never "
                 "predicted, so each of its rows counts as a mistake",
                 path, e->label[c], rows, hint);
    }
    free(count);
}

/* Scores every row, its text rewritten by `kind` first when kind >= 0. */
static void score_rows(eval *e, const incite_dataset *d, const incite_model *m, int kind,
                       uint64_t seed)
{
    size_t mk = incite_model_nlabels(m);
    incite_scorer *s = incite_scorer_new(m);
    if (!s)
        cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    for (size_t r = 0; r < e->n; r++) {
        size_t len;
        const char *text = incite_dataset_text(d, r, &len);
        char *rewritten = NULL;
        if (kind >= 0) {
            if (incite_perturb(text, len, (incite_perturb_kind)kind, perturb_rate, seed + r,
                               &rewritten, &len))
                cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
            text = rewritten;
        }
        incite_score sc;
        if (incite_score_post(s, text, len, incite_dataset_target(d, r), &sc))
            cli_die(EXIT_FAILURE_RUN, "line %llu: %s", (unsigned long long)incite_dataset_line(d, r),
                    incite_last_error());
        free(rewritten);
        e->pred[r] = sc.label;
        for (size_t c = 0; c < mk; c++)
            e->prob[r * e->k + c] = sc.prob[c];
        apply_label_map(e, r);
    }
    incite_scorer_free(s);
}

/* Metrics over the rows where keep[] is set (all when NULL). */
static void metrics_of(const eval *e, const unsigned char *keep, incite_metrics *m, size_t *rows)
{
    int *t = malloc((e->n + 1) * sizeof *t), *p = malloc((e->n + 1) * sizeof *p);
    double *pr = malloc((e->n + 1) * e->k * sizeof *pr), *w = malloc((e->n + 1) * sizeof *w);
    if (!t || !p || !pr || !w)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    size_t n = 0;
    for (size_t r = 0; r < e->n; r++) {
        if (keep && !keep[r])
            continue;
        t[n] = e->truth[r];
        p[n] = e->pred[r];
        w[n] = e->weight[r];
        memcpy(pr + n * e->k, e->prob + r * e->k, e->k * sizeof *pr);
        n++;
    }
    if (incite_metrics_compute(n, e->k, t, p, pr, w, m))
        cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    /* a label the model cannot give (a probability of 0 on every row)
     * ranks nothing: its AUCs would read 0.5 and its prevalence */
    for (size_t c = 0; c < e->k; c++)
        if (!e->scored[c])
            m->roc_auc[c] = m->pr_auc[c] = NAN;
    *rows = n;
    free(t);
    free(p);
    free(pr);
    free(w);
}

/* The TweetEval stance metric: mean F1 of favor and against, or NAN. */
static double stance_f1(const eval *e, const incite_metrics *m)
{
    int fav = -1, ag = -1;
    for (size_t c = 0; c < e->k; c++) {
        if (strcasecmp(e->label[c], "favor") == 0)   /* SemEval-2016 wrote FAVOR */
            fav = (int)c;
        if (strcasecmp(e->label[c], "against") == 0)
            ag = (int)c;
    }
    return fav >= 0 && ag >= 0 ? (m->f1[fav] + m->f1[ag]) / 2 : NAN;
}

/* What --cv measured: the folds and the C (and gamma) of the figures. */
static void print_cv_line(const eval *e)
{
    printf("cv            %d folds, C %g", e->cv_folds, e->cv_C);
    if (e->cv_kernel)
        printf(", gamma %g", e->cv_gamma);
    printf("%s\n", e->cv_grid ? " (the grid's choice: optimistic)" : "");
}

static void print_table(const eval *e, const incite_metrics *m, double stance)
{
    if (e->cv_folds)
        print_cv_line(e);
    printf("rows          %zu\n", e->n);
    if (e->skipped)
        printf("skipped       %zu   (bad rows, --skip-bad)\n", e->skipped);
    printf("accuracy      %.4f\n", m->accuracy);
    printf("macro F1      %.4f\n", m->macro_f1);
    printf("micro F1      %.4f\n", m->micro_f1);
    printf("weighted F1   %.4f\n", m->weighted_f1);
    if (!isnan(stance))
        printf("stance F1     %.4f   (mean F1 of favor and against)\n", stance);
    printf("Brier         %.4f\n", m->brier);
    printf("ECE           %.4f   (15 bins)\n\n", m->ece);
    int w = 12;
    for (size_t c = 0; c < e->k; c++)
        w = (int)strlen(e->label[c]) > w ? (int)strlen(e->label[c]) : w;
    printf("%-*s  precision  recall      F1  support  ROC-AUC   PR-AUC\n", w, "label");
    for (size_t c = 0; c < e->k; c++)
        printf("%-*s     %.4f  %.4f  %.4f  %7.0f   %6.4f   %6.4f\n", w, e->label[c], m->precision[c],
               m->recall[c], m->f1[c], m->support[c], m->roc_auc[c], m->pr_auc[c]);
    printf("\nconfusion (rows: true label, columns: predicted)\n%-*s", w, "");
    for (size_t c = 0; c < e->k; c++)
        printf("  %*s", (int)strlen(e->label[c]) > 6 ? (int)strlen(e->label[c]) : 6, e->label[c]);
    putchar('\n');
    for (size_t t = 0; t < e->k; t++) {
        printf("%-*s", w, e->label[t]);
        for (size_t c = 0; c < e->k; c++)
            printf("  %*.0f", (int)strlen(e->label[c]) > 6 ? (int)strlen(e->label[c]) : 6,
                   m->confusion[t * e->k + c]);
        putchar('\n');
    }
    if (isnan(m->ece))
        return;
    printf("\ncalibration (ECE's 15 bins of the top probability: support, mean top probability, "
           "accuracy)\n");
    for (int b = 0; b < INCITE_ECE_BINS; b++)
        if (m->bin_weight[b] > 0)
            printf("%.3f-%.3f  %7.0f   %.4f   %.4f\n", (double)b / INCITE_ECE_BINS,
                   (double)(b + 1) / INCITE_ECE_BINS, m->bin_weight[b], m->bin_confidence[b],
                   m->bin_accuracy[b]);
}

static void print_json(const eval *e, const incite_metrics *m, double stance)
{
    printf("{\"rows\":%zu,", e->n);
    if (e->skipped)
        printf("\"skipped\":%zu,", e->skipped);
    if (e->cv_folds) {
        printf("\"cv\":{\"folds\":%d,\"C\":", e->cv_folds);
        cli_json_number(stdout, e->cv_C);
        if (e->cv_kernel) {
            printf(",\"gamma\":");
            cli_json_number(stdout, e->cv_gamma);
        }
        printf(",\"grid\":%s},", e->cv_grid ? "true" : "false");
    }
    printf("\"accuracy\":");
    cli_json_number(stdout, m->accuracy);
    printf(",\"macro_f1\":");
    cli_json_number(stdout, m->macro_f1);
    printf(",\"micro_f1\":");
    cli_json_number(stdout, m->micro_f1);
    printf(",\"weighted_f1\":");
    cli_json_number(stdout, m->weighted_f1);
    printf(",\"brier\":");
    cli_json_number(stdout, m->brier);
    printf(",\"ece\":");
    cli_json_number(stdout, m->ece);
    if (!isnan(stance)) {
        printf(",\"stance_f1\":");
        cli_json_number(stdout, stance);
    }
    printf(",\"per_class\":{");
    for (size_t c = 0; c < e->k; c++) {
        if (c)
            putchar(',');
        cli_json_string(stdout, e->label[c], strlen(e->label[c]));
        printf(":{\"precision\":");
        cli_json_number(stdout, m->precision[c]);
        printf(",\"recall\":");
        cli_json_number(stdout, m->recall[c]);
        printf(",\"f1\":");
        cli_json_number(stdout, m->f1[c]);
        printf(",\"support\":%.0f,\"roc_auc\":", m->support[c]);
        cli_json_number(stdout, m->roc_auc[c]);
        printf(",\"pr_auc\":");
        cli_json_number(stdout, m->pr_auc[c]);
        putchar('}');
    }
    printf("},\"confusion\":{\"labels\":[");
    for (size_t c = 0; c < e->k; c++) {
        if (c)
            putchar(',');
        cli_json_string(stdout, e->label[c], strlen(e->label[c]));
    }
    printf("],\"matrix\":[");
    for (size_t t = 0; t < e->k; t++) {
        printf("%s[", t ? "," : "");
        for (size_t c = 0; c < e->k; c++)
            printf("%s%.0f", c ? "," : "", m->confusion[t * e->k + c]);
        putchar(']');
    }
    printf("]},\"calibration\":[");   /* the bins of ECE that hold posts */
    for (int b = 0, first = 1; b < INCITE_ECE_BINS; b++) {
        if (!(m->bin_weight[b] > 0))
            continue;
        printf("%s{\"from\":", first ? "" : ",");
        cli_json_number(stdout, (double)b / INCITE_ECE_BINS);
        printf(",\"to\":");
        cli_json_number(stdout, (double)(b + 1) / INCITE_ECE_BINS);
        printf(",\"support\":%.0f,\"confidence\":", m->bin_weight[b]);
        cli_json_number(stdout, m->bin_confidence[b]);
        printf(",\"accuracy\":");
        cli_json_number(stdout, m->bin_accuracy[b]);
        putchar('}');
        first = 0;
    }
    putchar(']');   /* the caller closes the object, after any further sections */
}

typedef struct mistake {
    double prob;   /* of the wrong label */
    size_t row;
} mistake;

static int by_confidence(const void *a, const void *b)
{
    const mistake *x = a, *y = b;
    if (x->prob != y->prob)
        return x->prob < y->prob ? 1 : -1;
    return (x->row > y->row) - (x->row < y->row);
}

/* The N mistakes made with the highest probability for the wrong label,
 * then in row order: a table, or with --json a member "errors" of the
 * report's object (it went to stderr, out of the JSON). */
static void print_errors(const eval *e, const incite_dataset *d, size_t n)
{
    mistake *w = malloc((e->n ? e->n : 1) * sizeof *w);
    size_t m = 0;
    if (!w)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    for (size_t r = 0; r < e->n; r++)
        if (e->truth[r] != e->pred[r])
            w[m++] = (mistake){e->prob[r * e->k + (size_t)e->pred[r]], r};
    qsort(w, m, sizeof *w, by_confidence);   /* was an insertion sort: hours on 10^6 rows */
    const int targets = incite_dataset_has_target(d);   /* stance: which target was wrong */
    if (json)
        printf(",\"errors\":[");
    else
        printf("\nmost confident mistakes (line, true, predicted, probability, %stext)\n",
               targets ? "target, " : "");
    for (size_t i = 0; i < m && i < n; i++) {
        size_t r = w[i].row, len;
        const char *text = incite_dataset_text(d, r, &len), *t = incite_dataset_target(d, r);
        const char *truth = e->label[e->truth[r]], *pred = e->label[e->pred[r]];
        if (!json) {
            printf("%llu\t%s\t%s\t%.4f\t%s%s%.*s\n", (unsigned long long)incite_dataset_line(d, r),
                   truth, pred, w[i].prob, targets && t ? t : "", targets ? "\t" : "", (int)len,
                   text);
            continue;
        }
        printf("%s{\"line\":%llu,\"label\":", i ? "," : "",
               (unsigned long long)incite_dataset_line(d, r));
        cli_json_string(stdout, truth, strlen(truth));
        printf(",\"predicted\":");
        cli_json_string(stdout, pred, strlen(pred));
        printf(",\"probability\":");
        cli_json_number(stdout, w[i].prob);
        if (targets && t) {
            printf(",\"target\":");
            cli_json_string(stdout, t, strlen(t));
        }
        printf(",\"text\":");
        cli_json_string(stdout, text, len);
        putchar('}');
    }
    if (json)
        putchar(']');
    free(w);
}

/* Metrics per script of the (clean) text. */
static void report_by_script(const eval *e, const incite_dataset *d)
{
    unsigned char *keep = malloc(e->n + 1);
    incite_script *sc = malloc((e->n + 1) * sizeof *sc);
    if (!keep || !sc)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    for (size_t r = 0; r < e->n; r++) {
        size_t len;
        const char *text = incite_dataset_text(d, r, &len);
        sc[r] = incite_script_of(text, len);
    }
    if (json)
        printf(",\"by_script\":{");
    else
        printf("\nscript        rows  accuracy  macro F1\n");
    int first = 1;
    for (int s = INCITE_SCRIPT_NONE; s <= INCITE_SCRIPT_MIXED; s++) {
        size_t any = 0;
        for (size_t r = 0; r < e->n; r++)
            any += (keep[r] = sc[r] == (incite_script)s);
        if (!any)
            continue;
        incite_metrics m;
        size_t rows;
        metrics_of(e, keep, &m, &rows);
        if (json) {
            printf("%s\"%s\":{\"rows\":%zu,\"accuracy\":", first ? "" : ",",
                   incite_script_name((incite_script)s), rows);
            cli_json_number(stdout, m.accuracy);
            printf(",\"macro_f1\":");
            cli_json_number(stdout, m.macro_f1);
            putchar('}');
        } else
            printf("%-12s %5zu    %.4f    %.4f\n", incite_script_name((incite_script)s), rows,
                   m.accuracy, m.macro_f1);
        first = 0;
        incite_metrics_free(&m);
    }
    if (json)
        putchar('}');
    free(keep);
    free(sc);
}

/* --perturb's kinds, parsed before any work: a usage error must not come
 * after the evaluation (or in the middle of its JSON). */
static int perturb_kinds[INCITE_PERTURB_COUNT], nperturb;

static void parse_perturb(void)
{
    char *list = strdup(perturb_list), *save = NULL;
    if (!list)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "all") == 0) {
            for (int k = 0; k < INCITE_PERTURB_COUNT; k++)
                perturb_kinds[k] = k;
            nperturb = INCITE_PERTURB_COUNT;
            break;
        }
        int k = incite_perturb_parse(t);
        if (k < 0)
            cli_die(EXIT_USAGE, "--perturb: unknown kind '%s' (see --help)", t);
        if (nperturb < INCITE_PERTURB_COUNT)
            perturb_kinds[nperturb++] = k;
    }
    free(list);
}

/* Each perturbation's metrics next to the clean ones, with the drop; the
 * clean predictions are back in e afterwards (--errors lists them). */
static void report_perturbed(eval *e, const incite_dataset *d, const incite_model *model,
                             const incite_metrics *clean, double clean_stance, uint64_t seed)
{
    const int *kinds = perturb_kinds, nk = nperturb;
    int *pred = malloc((e->n + 1) * sizeof *pred);
    double *prob = malloc((e->n + 1) * e->k * sizeof *prob);
    if (!pred || !prob)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    memcpy(pred, e->pred, e->n * sizeof *pred);
    memcpy(prob, e->prob, e->n * e->k * sizeof *prob);
    if (json)
        printf(",\"perturb_rate\":%g,\"perturb\":{", perturb_rate);
    else {
        printf("\nperturbation  accuracy  macro F1    drop%s   (rate %g, seed %llu)\n"
               "none            %.4f    %.4f        ",
               isnan(clean_stance) ? "" : "  stance F1", perturb_rate, (unsigned long long)seed,
               clean->accuracy, clean->macro_f1);
        if (!isnan(clean_stance))   /* the column the rows below are read against */
            printf("  %.4f", clean_stance);
        putchar('\n');
    }
    for (int i = 0; i < nk; i++) {
        score_rows(e, d, model, kinds[i], seed * 7919u + (uint64_t)kinds[i]);
        incite_metrics m;
        size_t rows;
        metrics_of(e, NULL, &m, &rows);
        double st = stance_f1(e, &m);
        const char *name = incite_perturb_name((incite_perturb_kind)kinds[i]);
        if (json) {
            printf("%s\"%s\":{\"accuracy\":", i ? "," : "", name);
            cli_json_number(stdout, m.accuracy);
            printf(",\"macro_f1\":");
            cli_json_number(stdout, m.macro_f1);
            printf(",\"macro_f1_drop\":");
            cli_json_number(stdout, clean->macro_f1 - m.macro_f1);
            if (!isnan(st)) {
                printf(",\"stance_f1\":");
                cli_json_number(stdout, st);
            }
            putchar('}');
        } else {
            printf("%-12s    %.4f    %.4f  %6.4f", name, m.accuracy, m.macro_f1,
                   clean->macro_f1 - m.macro_f1);
            if (!isnan(st))
                printf("  %.4f", st);
            putchar('\n');
        }
        incite_metrics_free(&m);
    }
    if (json)
        putchar('}');
    memcpy(e->pred, pred, e->n * sizeof *pred);
    memcpy(e->prob, prob, e->n * e->k * sizeof *prob);
    free(pred);
    free(prob);
}

/* A string of the model as a TSV field: labels and metadata may hold any
 * byte but NUL, and a tab or a newline would break the line. */
static void put_field(strbuf *o, const char *s)
{
    sb_field(o, s, strlen(s));
}

/* A model's labels, configuration and training metadata, one per line. */
static void print_info(const char *path)
{
    incite_model *m;
    if (incite_model_load(path, &m))
        cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
    const incite_config *c = incite_model_config(m);
    strbuf o = {0};
    sb_puts(&o, "labels\t");
    for (size_t i = 0; i < incite_model_nlabels(m); i++) {
        sb_puts(&o, i ? "," : "");
        put_field(&o, incite_model_label(m, i));
    }
    int flag = incite_model_flag_label(m);
    sb_puts(&o, "\nflag_label\t");
    put_field(&o, flag >= 0 ? incite_model_label(m, (size_t)flag) : "");
    sb_printf(&o, "\nfeatures\tformat %u, word %u-%u, char %u-%u, 2^%u buckets per group%s, "
                  "min_df %u, fold 0x%x, target_cross %u, seed 0x%x\n",
              c->format, c->word_min, c->word_max, c->char_min, c->char_max, c->hash_bits,
              c->signed_hash ? " signed" : "", c->min_df, c->fold, c->target_cross, c->hash_seed);
    for (size_t i = 0; i < incite_model_meta_count(m); i++) {
        const char *k = incite_model_meta_key(m, i);
        put_field(&o, k);
        sb_putc(&o, '\t');
        put_field(&o, incite_model_meta(m, k));
        sb_putc(&o, '\n');
    }
    fwrite(o.s, 1, o.len, stdout);
    sb_free(&o);
    incite_model_free(m);
}

int main(int argc, char **argv)
{
    cli_program prog = {
        "incite-eval", "[OPTIONS] -m MODEL TEST.tsv  |  --cv K [TRAINING OPTIONS] TRAIN.tsv",
        "Evaluates MODEL on labelled TEST.tsv (columns label and text, optionally target),\n"
        "or, without -m, cross-validates the training options on TRAIN.tsv without\n"
        "writing a model.  Prints accuracy, per-label precision/recall/F1/support,\n"
        "macro/micro/weighted F1, the confusion matrix, ROC-AUC and PR-AUC per label,\n"
        "Brier score and ECE, and the TweetEval stance metric where labels favor and\n"
        "against exist.",
        cli_join(cli_join(own, data_option_table()), train_option_table()),
    };
    int first = cli_parse(&prog, argc, argv);
    if (info) {
        if (!model_path)
            cli_die(EXIT_USAGE, "--info needs -m MODEL");
        if (argc > first)
            cli_die(EXIT_USAGE, "--info shows the model: give no data file");
        for (const cli_option *t = prog.options; t->name; t++)
            if (strcmp(t->name, "info") != 0 && strcmp(t->name, "model") != 0 && cli_given(t->name))
                cli_die(EXIT_USAGE, "--info shows the model, in TSV: --%s does not apply",
                        t->name);
        print_info(model_path);
        cli_finish_output();
        return EXIT_OK;
    }
    if (argc - first != 1)
        cli_die(EXIT_USAGE, "give exactly one data file (see --help)");
    if (!model_path && !train_options_cv_given())
        cli_die(EXIT_USAGE, "give -m MODEL, or --cv K to cross-validate (see --help)");
    if (model_path && train_options_cv_given())
        cli_die(EXIT_USAGE, "give -m MODEL to evaluate a model, or --cv K to cross-validate "
                            "training options, not both");
    /* a model is evaluated as it was trained: a training option would be
     * ignored, so say so (--seed seeds --perturb) */
    for (const cli_option *t = train_option_table(); model_path && t->name; t++)
        if (strcmp(t->name, "seed") != 0 && cli_given(t->name))
            cli_die(EXIT_USAGE, "--%s is a training option, for --cv; -m MODEL is evaluated as it "
                                "was trained",
                    t->name);
    if (perturb_list && !model_path)
        cli_die(EXIT_USAGE, "--perturb needs a model (-m)");
    if (cli_given("perturb-rate") && !perturb_list)
        cli_die(EXIT_USAGE, "--perturb-rate is the share --perturb rewrites: give --perturb");
    if (perturb_list)
        parse_perturb();
    incite_train_options o;   /* --seed (of --perturb), and any usage error now */
    train_options_finish(&o);
    const char *path = argv[first];
    incite_dataset *d = data_read(path);
    if (incite_dataset_skipped(d))
        cli_warn("%s: skipped %zu bad rows", path, incite_dataset_skipped(d));
    if (incite_dataset_size(d) == 0)
        cli_die(EXIT_FAILURE_RUN, "%s: no rows to evaluate", path);
    eval e = {.n = incite_dataset_size(d), .skipped = incite_dataset_skipped(d)};
    incite_model *model = NULL;
    if (model_path) {
        if (incite_model_load(model_path, &model))
            cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
        for (size_t i = 0; i < incite_model_nlabels(model); i++)
            label_index(&e, incite_model_label(model, i));
    }
    size_t modelled = e.k;   /* the model's labels (all of them with --cv) */
    for (size_t c = 0; c < incite_dataset_nlabels(d); c++)
        label_index(&e, incite_dataset_label_name(d, c));
    if (!model)
        modelled = e.k;
    memset(e.scored, 1, modelled);
    parse_label_map(&e);
    if (model)
        warn_unknown_labels(&e, modelled, d, path);
    e.truth = malloc((e.n + 1) * sizeof *e.truth);
    e.pred = malloc((e.n + 1) * sizeof *e.pred);
    e.prob = calloc((e.n + 1) * e.k, sizeof *e.prob);
    e.weight = malloc((e.n + 1) * sizeof *e.weight);
    if (!e.truth || !e.pred || !e.prob || !e.weight)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    if (model) {
        check_targets(d, model, path);
        score_rows(&e, d, model, -1, 0);   /* e.label points into the model: freed at the end */
    } else {
        train_options_targets(&o, incite_dataset_has_target(d));
        if (!train_options_cv_given() || o.folds < 2)
            cli_die(EXIT_USAGE, "give -m MODEL, or --cv K with K >= 2 (see --help)");
        incite_cv_result cv;
        if (incite_cross_validate(d, &o, &cv))
            cli_die(EXIT_FAILURE_RUN, "%s: %s", path, incite_last_error());
        train_report_cv(&o, d, &cv);
        train_report_solver("cross-validation", &cv.solver_cv, 0);
        e.cv_folds = cv.folds;
        e.cv_C = cv.best_C;
        e.cv_gamma = cv.best_gamma;
        e.cv_kernel = o.solver == INCITE_SOLVER_LIBSVM && o.kernel != INCITE_KERNEL_LINEAR;
        e.cv_grid = o.ngrid_C > 1 || o.ngrid_gamma > 1;
        /* the dataset's labels are e.label[0..k) in the same order */
        for (size_t r = 0; r < e.n; r++) {
            e.pred[r] = cv.pred[r];
            memcpy(e.prob + r * e.k, cv.prob + r * cv.nlabels, cv.nlabels * sizeof *e.prob);
            apply_label_map(&e, r);
        }
        incite_cv_result_free(&cv);
    }
    for (size_t r = 0; r < e.n; r++) {
        e.truth[r] = label_index(&e, incite_dataset_label_name(d, (size_t)incite_dataset_label(d, r)));
        e.weight[r] = incite_dataset_weight(d, r);
    }
    incite_metrics m;
    size_t rows;
    metrics_of(&e, NULL, &m, &rows);
    double stance = stance_f1(&e, &m);
    if (json)
        print_json(&e, &m, stance);
    else
        print_table(&e, &m, stance);
    if (by_script)
        report_by_script(&e, d);
    if (perturb_list)
        report_perturbed(&e, d, model, &m, stance, o.seed);
    if (errors_n > 0)
        print_errors(&e, d, (size_t)errors_n);
    if (json)
        printf("}\n");
    incite_metrics_free(&m);
    incite_model_free(model);
    incite_dataset_free(d);
    free(e.truth);
    free(e.pred);
    free(e.prob);
    free(e.weight);
    cli_finish_output();
    return EXIT_OK;
}
