/*
 * decide.c - a model's decision values -> label, margins, probabilities.
 *
 * The one rule, for scoring and for cross-validation alike:
 *  - BINARY: one decision d, label 0 when d > 0 (LIBLINEAR's rule);
 *  - OVR, CS: the label with the largest decision (the first on a tie);
 *  - OVO: the label with the most pairwise votes (the first on a tie,
 *    LIBSVM's rule); a label's margin is the mean of its pairwise
 *    decisions oriented toward it, and the margin that "decided" is the
 *    pairwise decision against the most probable other label.
 * Probabilities: Platt sigmoids per decision, renormalized (OVR, CS) or
 * coupled (OVO).
 */
#include <math.h>

#include "calibrate.h"

static size_t pair_index(size_t k, size_t i, size_t j)
{
    return i * k - i * (i + 1) / 2 + (j - i - 1);
}

decision decide(model_scheme scheme, size_t k, const double *dec, const platt *calib,
                double *margins, double *probs, double *scratch)
{
    decision d = {.label = 0, .dec = 0, .sign = 1.0};
    if (scheme == SCHEME_BINARY) {
        margins[0] = dec[0];
        margins[1] = -dec[0];
        d.label = dec[0] > 0 ? 0 : 1;
        d.sign = d.label == 0 ? 1.0 : -1.0;
        d.margin = d.sign * dec[0];
        if (calib) {
            probs[0] = platt_prob(calib[0], dec[0]);
            probs[1] = 1.0 - probs[0];
        }
        return d;
    }
    if (scheme == SCHEME_OVR || scheme == SCHEME_CS) {
        size_t best = 0;
        for (size_t c = 0; c < k; c++) {
            margins[c] = dec[c];
            if (dec[c] > dec[best])
                best = c;
        }
        d.label = (int)best;
        d.dec = best;
        d.margin = dec[best];
        if (calib) {
            double sum = 0;
            for (size_t c = 0; c < k; c++)
                sum += probs[c] = platt_prob(calib[c], dec[c]);
            for (size_t c = 0; c < k; c++)
                probs[c] = sum > 0 ? probs[c] / sum : 1.0 / (double)k;
        }
        return d;
    }
    /* OVO */
    double *votes = scratch, *r = scratch + k;
    for (size_t c = 0; c < k; c++)
        votes[c] = margins[c] = 0;
    for (size_t i = 0, p = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, p++) {
            votes[dec[p] > 0 ? i : j] += 1;
            margins[i] += dec[p];
            margins[j] -= dec[p];
        }
    size_t best = 0;
    for (size_t c = 0; c < k; c++) {
        margins[c] /= (double)(k - 1);
        if (votes[c] > votes[best])
            best = c;
    }
    d.label = (int)best;
    size_t other = best == 0 ? 1 : 0;
    if (calib) {
        for (size_t i = 0, p = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++, p++) {
                double q = platt_prob(calib[p], dec[p]);
                q = q < 1e-7 ? 1e-7 : q > 1 - 1e-7 ? 1 - 1e-7 : q;
                r[i * k + j] = q;
                r[j * k + i] = 1 - q;
            }
        couple_pairwise(k, r, probs, r + k * k);
        for (size_t c = 0; c < k; c++)
            if (c != best && probs[c] > probs[other])
                other = c;
    } else {
        for (size_t c = 0; c < k; c++)
            if (c != best && margins[c] > margins[other])
                other = c;
    }
    size_t lo = best < other ? best : other, hi = best < other ? other : best;
    d.dec = pair_index(k, lo, hi);
    d.sign = best == lo ? 1.0 : -1.0;
    d.margin = d.sign * dec[d.dec];
    return d;
}
