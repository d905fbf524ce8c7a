/*
 * model.h - the in-memory model, shared by training (which fills it),
 * model_io.c (which saves and loads it) and score.c (which reads it).
 *
 * A model is the feature configuration, the labels, the IDF of every
 * feature the training data supported, and either linear weights (any
 * solver: LIBSVM's linear kernel is collapsed to weights too) or a LIBSVM
 * kernel model, plus calibration, the flag label's precision curve and
 * training metadata.
 */
#ifndef INCITE_MODEL_H
#define INCITE_MODEL_H

#include <libsvm/svm.h>

#include "internal.h"

#define MODEL_MAX_LABELS 256
#define MODEL_MAX_LABEL_LEN 256

typedef enum { MODEL_LINEAR = 1, MODEL_KERNEL = 2 } model_kind;

/* How class decisions combine.  BINARY: one decision, positive for label
 * 0.  OVR and CS: one per label.  OVO: one per pair (i < j, in LIBSVM's
 * order: (0,1), (0,2) ... (1,2) ...), positive for i. */
typedef enum { SCHEME_BINARY = 1, SCHEME_OVR = 2, SCHEME_CS = 3, SCHEME_OVO = 4 } model_scheme;

/* Calibration maps decisions to probabilities: a Platt sigmoid
 * p = 1 / (1 + exp(a * d + b)) per decision; OVR and CS renormalize the
 * per-label sigmoids, OVO couples the pairwise ones (Wu, Lin and Weng). */
typedef struct platt {
    double a, b;
} platt;

typedef struct curve_point {
    double threshold;    /* flag probability */
    double precision, recall;  /* of "flag_prob >= threshold", in cross-validation */
} curve_point;

typedef struct meta_entry {
    char *key, *value;
} meta_entry;

struct incite_model {
    incite_config cfg;
    size_t nlabels;
    char **labels;
    int flag;                /* index of the flag label, or -1 */
    model_kind kind;
    model_scheme scheme;
    size_t ndec;             /* decision functions: 1, nlabels, or pairs */

    /* The IDF of each supported feature, and for linear models its
     * weights: rows[key * stride + 0] = idf, rows[key * stride + 1 + d] =
     * weight of decision d.  Dense, so scoring touches one cache line per
     * feature. */
    size_t stride;           /* 1 + ndec (linear), 1 (kernel) */
    float *rows;             /* dimension * stride */
    size_t rows_mapped;      /* rows is a mapping of this many bytes; 0: malloc'd */
    double *bias;            /* ndec (linear) */
    size_t nsupported;       /* features with idf > 0 */

    /* Kernel models: LIBSVM's structure, built by us from checked arrays
     * (never by svm_load_model, which trusts its input). */
    struct svm_model svm;
    struct svm_node *sv_nodes;   /* all support vectors, -1 terminated each */

    platt *calib;            /* ndec */
    curve_point *curve;      /* sorted by threshold */
    size_t ncurve;
    meta_entry *meta;
    size_t nmeta;
};

/* The longest metadata string a model file may hold (model_io.c). */
#define MODEL_META_MAX (1u << 20)

/* A model with cfg, labels and kind set and nothing else. */
incite_model *model_new(const incite_config *cfg, size_t nlabels, char *const *labels);

/* Decisions per scheme, given the number of labels. */
size_t scheme_decisions(model_scheme s, size_t nlabels);

/* Zeroed rows of nfloats floats, untouched until written; *mapped is
 * what model_advise_rows() and model_free_rows() need back. */
float *model_alloc_rows(size_t nfloats, size_t *mapped);
/* Asks for huge pages, before the rows are written: for rows that will be
 * mostly filled. */
void model_advise_rows(float *rows, size_t mapped);
void model_free_rows(float *rows, size_t mapped);

/* Allocates rows (zeroed) and bias for a linear model. */
int model_alloc_linear(incite_model *m, model_scheme s);

int model_set_meta(incite_model *m, const char *key, const char *value);

#endif
