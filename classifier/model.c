/*
 * model.c - construction, accessors and freeing of incite_model.
 */
#include <math.h>
#include <stdio.h>
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
 * and advised (model_advise_rows()), Linux backs them with huge pages
 * where it can: the default model's whole-process load went from 22.9 to
 * 16.6 ms.  Mapped, not allocated and cleared: the model file stores only
 * the rows it uses, and pages no row is written to stay untouched, so that
 * a small file cannot make the loader clear the whole space its
 * configuration names (which huge pages, 2 MiB a row written, would undo:
 * the loader advises them only for rows it will mostly fill). */
float *model_alloc_rows(size_t nfloats, size_t *mapped)
{
    enum { HUGE_PAGE = 2u << 20 };
    *mapped = 0;
    size_t bytes = nfloats * sizeof(float);
    if (nfloats == 0 || bytes / sizeof(float) != nfloats || bytes < HUGE_PAGE ||
        bytes > SIZE_MAX / 2)
        return calloc(nfloats ? nfloats : 1, sizeof(float));   /* an overflow fails there */
    bytes = (bytes + HUGE_PAGE - 1) & ~((size_t)HUGE_PAGE - 1);
    size_t len = bytes + HUGE_PAGE;   /* room to align the start */
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *start = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~((uintptr_t)HUGE_PAGE - 1));
    size_t head = (size_t)(start - p);
    if (head)
        munmap(p, head);
    if (len - head > bytes)
        munmap(start + bytes, len - head - bytes);
    *mapped = bytes;
    return (float *)(void *)start;
}

void model_advise_rows(float *rows, size_t mapped)
{
#ifdef MADV_HUGEPAGE
    if (mapped)
        (void)madvise(rows, mapped, MADV_HUGEPAGE);   /* advice: failure is harmless */
#else
    (void)rows;
    (void)mapped;
#endif
}

void model_free_rows(float *rows, size_t mapped)
{
    if (mapped)
        munmap(rows, mapped);
    else
        free(rows);
}

int model_alloc_linear(incite_model *m, model_scheme s)
{
    m->kind = MODEL_LINEAR;
    m->scheme = s;
    m->ndec = scheme_decisions(s, m->nlabels);
    m->stride = 1 + m->ndec;
    size_t dim = incite_config_dimension(&m->cfg);
    m->rows = model_alloc_rows(dim * m->stride, &m->rows_mapped);
    model_advise_rows(m->rows, m->rows_mapped);   /* training fills every row */
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
    model_free_rows(m->rows, m->rows_mapped);
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

/* "target_hashes" (train.c): each training target's target_hash() in 16
 * lower-case hex digits, sorted, one space apart, so that a target is
 * found by bisection in the string itself. */
int incite_model_knows_target(const incite_model *m, const char *target)
{
    const char *list = incite_model_meta(m, "target_hashes");
    size_t len = list ? strlen(list) : 0;
    if (!m->cfg.target_cross || !list || (len + 1) % 17 != 0)
        return -1;
    if (!target || !*target)
        return 0;
    char want[17];
    snprintf(want, sizeof want, "%016llx",
             (unsigned long long)target_hash(m->cfg.hash_seed, target));
    size_t lo = 0, hi = (len + 1) / 17;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(list + 17 * mid, want, 16);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
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
