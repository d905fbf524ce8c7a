/*
 * metrics.c - honest evaluation: accuracy; per-label precision, recall,
 * F1, support; macro, micro and weighted F1; the confusion matrix; ROC-AUC
 * and PR-AUC (average precision) per label, one against the rest; Brier
 * score and expected calibration error.  Definitions follow scikit-learn
 * where it has one (so figures compare), and are spelled out in
 * include/incite.h where it does not.  Rows may carry weights.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct scored {
    double score, weight;
    int positive;
} scored;

static int by_score_desc(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    return (x->score < y->score) - (x->score > y->score);
}

/* ROC-AUC by the trapezoid over tied groups, and average precision
 * (sum over thresholds of recall gained times precision), for one label. */
static void ranking_metrics(scored *s, size_t n, double *roc, double *ap)
{
    double pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++)
        s[i].positive ? (pos += s[i].weight) : (neg += s[i].weight);
    if (pos == 0 || neg == 0) {
        *roc = *ap = NAN;   /* undefined with one class present */
        return;
    }
    qsort(s, n, sizeof *s, by_score_desc);
    double tp = 0, fp = 0, area = 0, avg = 0, prev_tp = 0, prev_fp = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        for (; j < n && s[j].score == s[i].score; j++)
            s[j].positive ? (tp += s[j].weight) : (fp += s[j].weight);
        area += (fp - prev_fp) * (tp + prev_tp) / 2;
        if (tp > prev_tp)   /* not 0 * (0 / 0) after rows of weight 0 only */
            avg += (tp - prev_tp) / pos * (tp / (tp + fp));
        prev_tp = tp;
        prev_fp = fp;
        i = j;
    }
    *roc = area / (pos * neg);
    *ap = avg;
}

int incite_metrics_compute(size_t n, size_t k, const int *truth, const int *pred,
                           const double *prob, const double *weight, incite_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->k = k;
    m->precision = calloc(k, sizeof(double));
    m->recall = calloc(k, sizeof(double));
    m->f1 = calloc(k, sizeof(double));
    m->support = calloc(k, sizeof(double));
    m->roc_auc = calloc(k, sizeof(double));
    m->pr_auc = calloc(k, sizeof(double));
    m->confusion = calloc(k * k, sizeof(double));
    scored *s = prob ? malloc((n ? n : 1) * sizeof *s) : NULL;
    if (!m->precision || !m->recall || !m->f1 || !m->support || !m->roc_auc || !m->pr_auc ||
        !m->confusion || (prob && !s)) {
        free(s);
        incite_metrics_free(m);
        return set_error(INCITE_ENOMEM, "out of memory for metrics");
    }
    double total = 0, correct = 0;
    for (size_t i = 0; i < n; i++) {
        double w = weight ? weight[i] : 1.0;
        if (truth[i] < 0 || (size_t)truth[i] >= k || pred[i] < 0 || (size_t)pred[i] >= k) {
            free(s);
            incite_metrics_free(m);
            return set_error(INCITE_EINVAL, "label index out of range in row %zu", i);
        }
        /* a NaN would tie with nothing and stall ranking_metrics(), an
         * infinite or huge value overflow the calibration bin's index;
         * sums of probabilities (incite-eval --map-label) may pass 1 by a
         * rounding step */
        for (size_t c = 0; prob && c < k; c++)
            if (!(prob[i * k + c] >= 0 && prob[i * k + c] <= 1 + 1e-9)) {
                free(s);
                incite_metrics_free(m);
                return set_error(INCITE_EINVAL, "probability %.17g outside [0, 1] in row %zu",
                                 prob[i * k + c], i);
            }
        if (weight && !(w >= 0 && isfinite(w))) {
            free(s);
            incite_metrics_free(m);
            return set_error(INCITE_EINVAL, "weight %g is not a finite number >= 0 in row %zu",
                             w, i);
        }
        m->confusion[(size_t)truth[i] * k + (size_t)pred[i]] += w;
        total += w;
        correct += truth[i] == pred[i] ? w : 0;
    }
    m->accuracy = total > 0 ? correct / total : NAN;
    double tp_all = 0, fp_all = 0, fn_all = 0, macro = 0, weighted = 0;
    size_t present = 0;
    for (size_t c = 0; c < k; c++) {
        double tp = m->confusion[c * k + c], fp = 0, fn = 0;
        for (size_t o = 0; o < k; o++) {
            if (o == c)
                continue;
            fp += m->confusion[o * k + c];
            fn += m->confusion[c * k + o];
        }
        m->support[c] = tp + fn;
        /* scikit-learn's zero_division=0: an undefined ratio counts as 0 */
        m->precision[c] = tp + fp > 0 ? tp / (tp + fp) : 0;
        m->recall[c] = tp + fn > 0 ? tp / (tp + fn) : 0;
        double pr = m->precision[c] + m->recall[c];
        m->f1[c] = pr > 0 ? 2 * m->precision[c] * m->recall[c] / pr : 0;
        /* labels neither true nor predicted do not enter the averages */
        if (tp + fp + fn > 0) {
            macro += m->f1[c];
            present++;
        }
        weighted += m->f1[c] * m->support[c];
        tp_all += tp;
        fp_all += fp;
        fn_all += fn;
    }
    m->macro_f1 = present ? macro / (double)present : NAN;
    m->weighted_f1 = total > 0 ? weighted / total : NAN;
    m->micro_f1 = tp_all > 0 ? 2 * tp_all / (2 * tp_all + fp_all + fn_all) : 0;
    m->brier = m->ece = NAN;
    for (size_t c = 0; c < k; c++)
        m->roc_auc[c] = m->pr_auc[c] = NAN;
    for (int b = 0; b < INCITE_ECE_BINS; b++) {
        m->bin_weight[b] = 0;
        m->bin_confidence[b] = m->bin_accuracy[b] = NAN;
    }
    if (prob && n > 0) {
        double brier = 0;
        double bin_w[INCITE_ECE_BINS] = {0}, bin_conf[INCITE_ECE_BINS] = {0}, bin_acc[INCITE_ECE_BINS] = {0};
        for (size_t i = 0; i < n; i++) {
            double w = weight ? weight[i] : 1.0, sq = 0, conf = 0;
            size_t top = 0;
            for (size_t c = 0; c < k; c++) {
                double p = prob[i * k + c], y = (size_t)truth[i] == c ? 1.0 : 0.0;
                sq += (p - y) * (p - y);
                if (p > conf) {
                    conf = p;
                    top = c;
                }
            }
            brier += w * sq;
            size_t b = (size_t)(conf * INCITE_ECE_BINS);
            b = b >= INCITE_ECE_BINS ? INCITE_ECE_BINS - 1 : b;
            bin_w[b] += w;
            bin_conf[b] += w * conf;
            bin_acc[b] += (size_t)truth[i] == top ? w : 0;
        }
        m->brier = brier / total;
        m->ece = total > 0 ? 0 : NAN;   /* every weight 0: no posts, as the Brier score */
        for (int b = 0; b < INCITE_ECE_BINS; b++) {
            m->bin_weight[b] = bin_w[b];
            if (bin_w[b] > 0) {
                m->ece += fabs(bin_acc[b] - bin_conf[b]) / total;
                m->bin_confidence[b] = bin_conf[b] / bin_w[b];
                m->bin_accuracy[b] = bin_acc[b] / bin_w[b];
            }
        }
        for (size_t c = 0; c < k; c++) {
            for (size_t i = 0; i < n; i++)
                s[i] = (scored){prob[i * k + c], weight ? weight[i] : 1.0, (size_t)truth[i] == c};
            ranking_metrics(s, n, &m->roc_auc[c], &m->pr_auc[c]);
        }
    }
    free(s);
    return INCITE_OK;
}

void incite_metrics_free(incite_metrics *m)
{
    if (!m)
        return;
    free(m->precision);
    free(m->recall);
    free(m->f1);
    free(m->support);
    free(m->roc_auc);
    free(m->pr_auc);
    free(m->confusion);
    memset(m, 0, sizeof *m);
}
