/*
 * model.c - construction, accessors and freeing of incite_model.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model.h"

size_t scheme_decisions(model_scheme s, size_t nlabels)
{
    switch (s) {
    case SCHEME_BINARY: return 1;
    case SCHEME_OVR:
    case SCHEME_CS: return nlabels;
    case SCHEME_OVO: return nlabels * (nlabels - 1) / 2;
    }
    return 0;
}

incite_model *model_new(const incite_config *cfg, size_t nlabels, char *const *labels)
{
    incite_model *m = calloc(1, sizeof *m);
    if (!m)
        goto oom;
    m->cfg = *cfg;
    m->flag = -1;
    m->labels = calloc(nlabels, sizeof *m->labels);
    if (!m->labels)
        goto oom;
    m->nlabels = nlabels;
    for (size_t i = 0; i < nlabels; i++)
        if (!(m->labels[i] = strdup(labels[i])))
            goto oom;
    return m;
oom:
    incite_model_free(m);
    set_error(INCITE_ENOMEM, "out of memory for a model");
    return NULL;
}

/* A model's rows are megabytes: on 4 KiB pages, filling them costs a page
 * fault per 4 KiB (some 2,000 for the default model).  Aligned to 2 MiB
 * and advised, Linux backs them with huge pages where it can: the default
 * model's whole-process load went from 22.9 to 16.6 ms.  Freed with
 * free(). */
float *model_alloc_rows(size_t nfloats)
{
    enum { HUGE_PAGE = 2u << 20 };
    size_t bytes = nfloats * sizeof(float);
    if (nfloats == 0 || bytes / sizeof(float) != nfloats)
        return calloc(nfloats ? nfloats : 1, sizeof(float));
    if (bytes < HUGE_PAGE)
        return calloc(nfloats, sizeof(float));
    void *p;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    size_t whole = bytes & ~((size_t)HUGE_PAGE - 1);
    (void)madvise(p, whole, MADV_HUGEPAGE);   /* advice: failure is harmless */
#endif
    memset(p, 0, bytes);
    return p;
}

int model_alloc_linear(incite_model *m, model_scheme s)
{
    m->kind = MODEL_LINEAR;
    m->scheme = s;
    m->ndec = scheme_decisions(s, m->nlabels);
    m->stride = 1 + m->ndec;
    size_t dim = incite_config_dimension(&m->cfg);
    m->rows = model_alloc_rows(dim * m->stride);
    m->bias = calloc(m->ndec, sizeof *m->bias);
    m->calib = calloc(m->ndec, sizeof *m->calib);
    if (!m->rows || !m->bias || !m->calib)
        return set_error(INCITE_ENOMEM, "out of memory for %zu x %zu weights", (size_t)dim, m->stride);
    return INCITE_OK;
}

int model_set_meta(incite_model *m, const char *key, const char *value)
{
    for (size_t i = 0; i < m->nmeta; i++)
        if (strcmp(m->meta[i].key, key) == 0) {
            char *v = strdup(value);
            if (!v)
                return set_error(INCITE_ENOMEM, "out of memory");
            free(m->meta[i].value);
            m->meta[i].value = v;
            return INCITE_OK;
        }
    meta_entry *e = realloc(m->meta, (m->nmeta + 1) * sizeof *e);
    if (!e)
        return set_error(INCITE_ENOMEM, "out of memory");
    m->meta = e;
    e[m->nmeta].key = strdup(key);
    e[m->nmeta].value = strdup(value);
    if (!e[m->nmeta].key || !e[m->nmeta].value) {
        free(e[m->nmeta].key);
        free(e[m->nmeta].value);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    m->nmeta++;
    return INCITE_OK;
}

void incite_model_free(incite_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->labels && i < m->nlabels; i++)
        free(m->labels[i]);
    free(m->labels);
    free(m->rows);
    free(m->bias);
    free(m->calib);
    free(m->curve);
    for (size_t i = 0; i < m->nmeta; i++) {
        free(m->meta[i].key);
        free(m->meta[i].value);
    }
    free(m->meta);
    if (m->kind == MODEL_KERNEL) {
        free(m->svm.SV);
        if (m->svm.sv_coef)
            free(m->svm.sv_coef[0]);
        free(m->svm.sv_coef);
        free(m->svm.rho);
        free(m->svm.label);
        free(m->svm.nSV);
        free(m->sv_nodes);
    }
    free(m);
}

const incite_config *incite_model_config(const incite_model *m)
{
    return &m->cfg;
}

size_t incite_model_nlabels(const incite_model *m)
{
    return m->nlabels;
}

const char *incite_model_label(const incite_model *m, size_t i)
{
    return i < m->nlabels ? m->labels[i] : NULL;
}

int incite_model_find_label(const incite_model *m, const char *label)
{
    for (size_t i = 0; i < m->nlabels; i++)
        if (strcmp(m->labels[i], label) == 0)
            return (int)i;
    return -1;
}

int incite_model_flag_label(const incite_model *m)
{
    return m->flag;
}

int incite_model_is_linear(const incite_model *m)
{
    return m->kind == MODEL_LINEAR;
}

size_t incite_model_meta_count(const incite_model *m)
{
    return m->nmeta;
}

const char *incite_model_meta_key(const incite_model *m, size_t i)
{
    return i < m->nmeta ? m->meta[i].key : NULL;
}

const char *incite_model_meta(const incite_model *m, const char *key)
{
    for (size_t i = 0; i < m->nmeta; i++)
        if (strcmp(m->meta[i].key, key) == 0)
            return m->meta[i].value;
    return NULL;
}

const float *incite_model_idf(const incite_model *m, size_t *stride)
{
    *stride = m->stride;
    return m->rows;
}

double incite_model_threshold_for_precision(const incite_model *m, double precision,
                                            double *recall)
{
    /* the lowest threshold whose cross-validated precision reached the goal */
    for (size_t i = 0; i < m->ncurve; i++)
        if (m->curve[i].precision >= precision) {
            if (recall)
                *recall = m->curve[i].recall;
            return m->curve[i].threshold;
        }
    return NAN;
}
