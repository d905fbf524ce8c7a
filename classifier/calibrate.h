/*
 * calibrate.h - Platt sigmoids and pairwise coupling (calibrate.c), and
 * the one function that turns a model's decision values into a label,
 * per-label margins and probabilities (decide.c), used by scoring and by
 * cross-validation alike.
 */
#ifndef INCITE_CALIBRATE_H
#define INCITE_CALIBRATE_H

#include <stddef.h>

#include "model.h"

/* Fits a sigmoid to decision values f[0..n) with 0/1 targets. */
platt platt_fit(const double *f, const unsigned char *positive, size_t n);

/* p(positive | f) under s. */
double platt_prob(platt s, double f);

/* Couples pairwise probabilities r (k x k, r[i*k+j] = p(i | i or j)) into
 * p[0..k).  scratch holds k*k + k doubles. */
void couple_pairwise(size_t k, const double *r, double *p, double *scratch);

/* What a model decided about one post. */
typedef struct decision {
    int label;           /* predicted label */
    double margin;       /* its margin: the value that chose it, and what
                            --explain decomposes */
} decision;

/* Combines decision values dec[0..ndec) under the model's scheme into a
 * decision, per-label margins and (when calib is set) probabilities.
 * A label's margin is a linear combination of the decision values; when
 * coef is set, it receives the chosen label's coefficients (ndec values),
 * so that margin = sum coef[d] * dec[d].  scratch: 2 * nlabels^2 +
 * 2 * nlabels doubles. */
decision decide(model_scheme scheme, size_t nlabels, const double *dec, const platt *calib,
                double *margins, double *probs, double *coef, double *scratch);

#endif
