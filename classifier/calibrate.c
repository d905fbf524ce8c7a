/*
 * calibrate.c - decision values -> probabilities.
 *
 * Platt scaling: p(positive | f) = 1 / (1 + exp(a f + b)), a and b fitted
 * by maximum likelihood on cross-validated decision values, with Platt's
 * smoothed targets and the Newton method with backtracking of Lin, Lin
 * and Weng ("A note on Platt's probabilistic outputs for support vector
 * machines", 2007).  Multi-class: one-vs-rest sigmoids renormalized, or
 * pairwise sigmoids coupled by the second method of Wu, Lin and Weng
 * ("Probability estimates for multi-class classification by pairwise
 * coupling", JMLR 2004).
 */
#include <math.h>
#include <stdlib.h>

#include "calibrate.h"

/* The objective: sum of -(t log p + (1-t) log(1-p)), p = 1/(1+exp(z)),
 * z = a f + b, t the smoothed target; that is t log(1 + exp(z)) +
 * (1-t) log(1 + exp(-z)).  Both logs are |z|'s l = log1p(exp(-|z|)), one
 * of them plus |z|: one exp and one log1p a row, where computing each
 * log on its own took two of each, with the same values to the bit.  Most
 * of incite-train's own time after the fits is spent here. */
static double neg_log_likelihood(const double *f, const unsigned char *positive, size_t n,
                                 double hi, double lo, platt s)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double t = positive[i] ? hi : lo;
        double z = f[i] * s.a + s.b;
        double l = log1p(exp(-fabs(z)));
        double up = z >= 0 ? z + l : l;     /* log(1 + exp(z)) */
        double down = z >= 0 ? l : -z + l;  /* log(1 + exp(-z)) */
        sum += t * up + (1 - t) * down;
    }
    return sum;
}

double platt_prob(platt s, double f)
{
    double z = s.a * f + s.b;
    return z >= 0 ? exp(-z) / (1.0 + exp(-z)) : 1.0 / (1.0 + exp(z));
}

platt platt_fit(const double *f, const unsigned char *positive, size_t n)
{
    double prior1 = 0, prior0 = 0;
    for (size_t i = 0; i < n; i++)
        positive[i] ? prior1++ : prior0++;
    const double hi = (prior1 + 1.0) / (prior1 + 2.0), lo = 1.0 / (prior0 + 2.0);
    const double min_step = 1e-10, sigma = 1e-12, eps = 1e-5;
    platt s = {0.0, log((prior0 + 1.0) / (prior1 + 1.0))};
    if (n == 0)
        return s;
    double fval = neg_log_likelihood(f, positive, n, hi, lo, s);
    for (int iter = 0; iter < 100; iter++) {
        double h11 = sigma, h22 = sigma, h21 = 0, g1 = 0, g2 = 0;
        for (size_t i = 0; i < n; i++) {
            double t = positive[i] ? hi : lo;
            double z = f[i] * s.a + s.b;
            double p, q;   /* p = 1/(1+exp(z)), q = 1 - p */
            const double e = exp(-fabs(z));
            if (z >= 0) {
                p = e / (1.0 + e);
                q = 1.0 / (1.0 + e);
            } else {
                p = 1.0 / (1.0 + e);
                q = e / (1.0 + e);
            }
            double d2 = p * q;
            h11 += f[i] * f[i] * d2;
            h22 += d2;
            h21 += f[i] * d2;
            double d1 = t - p;
            g1 += f[i] * d1;
            g2 += d1;
        }
        if (fabs(g1) < eps && fabs(g2) < eps)
            break;
        double det = h11 * h22 - h21 * h21;
        double da = -(h22 * g1 - h21 * g2) / det;
        double db = -(-h21 * g1 + h11 * g2) / det;
        double gd = g1 * da + g2 * db;
        double step = 1;
        while (step >= min_step) {
            platt t2 = {s.a + step * da, s.b + step * db};
            double nf = neg_log_likelihood(f, positive, n, hi, lo, t2);
            if (nf < fval + 1e-4 * step * gd) {
                s = t2;
                fval = nf;
                break;
            }
            step /= 2;
        }
        if (step < min_step)
            break;   /* line search failed: keep the best so far */
    }
    return s;
}

void couple_pairwise(size_t k, const double *r, double *p, double *scratch)
{
    /* r[i*k+j]: probability of i against j.  Minimizes
     * sum_{i<j} (r_ji p_i - r_ij p_j)^2 subject to sum p = 1. */
    double *Q = scratch, *Qp = scratch + k * k;
    const int max_iter = k > 100 ? (int)k : 100;
    const double eps = 0.005 / (double)k;
    for (size_t t = 0; t < k; t++) {
        p[t] = 1.0 / (double)k;
        Q[t * k + t] = 0;
        for (size_t j = 0; j < k; j++) {
            if (j == t)
                continue;
            Q[t * k + t] += r[j * k + t] * r[j * k + t];
            Q[t * k + j] = -r[j * k + t] * r[t * k + j];
        }
    }
    for (int iter = 0; iter < max_iter; iter++) {
        double pQp = 0;
        for (size_t t = 0; t < k; t++) {
            Qp[t] = 0;
            for (size_t j = 0; j < k; j++)
                Qp[t] += Q[t * k + j] * p[j];
            pQp += p[t] * Qp[t];
        }
        double max_err = 0;
        for (size_t t = 0; t < k; t++) {
            double e = fabs(Qp[t] - pQp);
            if (e > max_err)
                max_err = e;
        }
        if (max_err < eps)
            break;
        for (size_t t = 0; t < k; t++) {
            double diff = (-Qp[t] + pQp) / Q[t * k + t];
            p[t] += diff;
            pQp = (pQp + diff * (diff * Q[t * k + t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
            for (size_t j = 0; j < k; j++) {
                Qp[j] = (Qp[j] + diff * Q[t * k + j]) / (1 + diff);
                p[j] /= (1 + diff);
            }
        }
    }
}
