/*
 * pipeline.c - the featurizer: the one place the arrow
 * normalize -> tokenize -> features is written out.  Training, evaluation,
 * scoring and the --dump views all call incite_featurize(), so they can
 * never disagree about a feature.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct incite_featurizer {
    incite_config cfg;
    normalizer nz;
    tokenizer tz;
    feature_table ft;
    incite_node *nodes;            /* for incite_featurizer_features() */
    size_t nodes_cap;
    incite_feature *named;
    size_t named_cap;
    char *names;                   /* the n-gram strings of named[] */
    size_t names_cap;
    char *target;                  /* the last post's target, for names */
    size_t target_cap;
};

incite_featurizer *incite_featurizer_new(const incite_config *c)
{
    clear_error();
    if (incite_config_check(c))
        return NULL;
    incite_featurizer *f = calloc(1, sizeof *f);
    if (!f) {
        set_error(INCITE_ENOMEM, "out of memory for a featurizer");
        return NULL;
    }
    f->cfg = *c;
    return f;
}

void incite_featurizer_free(incite_featurizer *f)
{
    if (!f)
        return;
    normalizer_release(&f->nz);
    tokenizer_release(&f->tz);
    feature_table_release(&f->ft);
    free(f->nodes);
    free(f->named);
    free(f->names);
    free(f->target);
    free(f);
}

const incite_config *incite_featurizer_config(const incite_featurizer *f)
{
    return &f->cfg;
}

void incite_featurizer_keep_names(incite_featurizer *f, int on)
{
    f->ft.want_origin = on != 0;
}

int incite_featurize(incite_featurizer *f, const char *text, size_t len, const char *target,
                     incite_text_stats *stats)
{
    incite_text_stats local;
    if (!stats)
        stats = &local;
    int rc = normalize(&f->nz, f->cfg.normalize, text, len, stats);
    if (!rc)
        rc = tokenize(&f->tz, f->cfg.tokenize, f->nz.out, f->nz.len);
    if (!rc)
        rc = fold_tokens(&f->tz, f->cfg.fold, f->cfg.format, f->nz.out, f->nz.len);
    if (!rc)
        rc = features_extract(&f->ft, &f->cfg, f->tz.tok, f->tz.n, f->tz.nmain, target);
    if (!rc && f->ft.want_origin) {
        size_t tl = target ? strlen(target) : 0;
        rc = grow_array(&f->target, &f->target_cap, tl + 1, 1);
        if (!rc)
            memcpy(f->target, target ? target : "", tl + 1);
    }
    if (rc) {   /* leave nothing half-made for the accessors */
        f->nz.len = 0;
        f->tz.n = 0;
        f->ft.n = 0;
        f->ft.have_origin = 0;
    }
    return rc;
}

const char *incite_featurizer_normalized(const incite_featurizer *f, size_t *len)
{
    *len = f->nz.len;
    return f->nz.out ? f->nz.out : "";
}

const incite_token *incite_featurizer_tokens(const incite_featurizer *f, size_t *n)
{
    *n = f->tz.n;
    return f->tz.tok;
}

size_t incite_featurizer_vector_size(const incite_featurizer *f)
{
    return f->ft.n + 2;
}

long incite_featurizer_vector(incite_featurizer *f, const float *idf, double bias,
                              incite_node *out, size_t cap)
{
    return vector_build(&f->ft, &f->cfg, idf, 1, bias, out, cap);
}

/* Appends s[0..n) to the names buffer at *pos. */
static int put(incite_featurizer *f, size_t *pos, const char *s, size_t n)
{
    if (grow_array(&f->names, &f->names_cap, *pos + n + 1, 1))
        return INCITE_ENOMEM;
    memcpy(f->names + *pos, s, n);
    *pos += n;
    f->names[*pos] = '\0';
    return INCITE_OK;
}

/* Renders one feature: a word n-gram as its tokens joined by spaces, a
 * char n-gram in brackets with _ for the word boundary ("[_kil]"), a
 * target-crossed feature prefixed with its target ("{abortion} kill"). */
static int render(incite_featurizer *f, const feature_origin *o, uint32_t key, size_t *pos)
{
    int rc = 0;
    if (key_group(&f->cfg, key) >= 2) {
        rc |= put(f, pos, "{", 1);
        rc |= put(f, pos, f->target, strlen(f->target));
        rc |= put(f, pos, "} ", 2);
    }
    const incite_token *t = &f->tz.tok[o->tok];
    if (o->kind == ORIGIN_WORD) {
        for (uint32_t k = 0; k < o->a && !rc; k++) {
            if (k)
                rc |= put(f, pos, " ", 1);
            rc |= put(f, pos, t[k].text, t[k].len);
        }
    } else {
        rc |= put(f, pos, "[", 1);
        if (o->bound & 1)
            rc |= put(f, pos, "_", 1);
        rc |= put(f, pos, t->text + o->a, o->b);
        if (o->bound & 2)
            rc |= put(f, pos, "_", 1);
        rc |= put(f, pos, "]", 1);
    }
    return rc ? INCITE_ENOMEM : INCITE_OK;
}

const feature_table *featurizer_table(const incite_featurizer *f)
{
    return &f->ft;
}

int featurizer_names(incite_featurizer *f, const uint32_t *entries, size_t n, const char **names)
{
    if (!f->ft.have_origin)
        return set_error(INCITE_EINVAL, "names were not kept for the last post");
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        const feature_entry *e = &f->ft.e[entries[i]];
        size_t start = pos;
        if (render(f, &f->ft.origin[f->ft.first[entries[i]]], e->key, &pos) || put(f, &pos, "", 0))
            return INCITE_ENOMEM;
        pos++;
        names[i] = (const char *)(uintptr_t)start;
    }
    for (size_t i = 0; i < n; i++)   /* offsets -> pointers, now that names[] is final */
        names[i] = f->names + (uintptr_t)names[i];
    return INCITE_OK;
}

long incite_featurizer_features(incite_featurizer *f, const float *idf, size_t idf_stride,
                                const incite_feature **out)
{
    *out = NULL;
    if (!f->ft.have_origin)
        return set_error(INCITE_EINVAL, "names were not kept for the last post: call "
                                        "incite_featurizer_keep_names() before featurizing it");
    if (grow_array(&f->nodes, &f->nodes_cap, f->ft.n + 2, sizeof *f->nodes) ||
        grow_array(&f->named, &f->named_cap, f->ft.n + 1, sizeof *f->named))
        return INCITE_ENOMEM;
    long n = vector_build(&f->ft, &f->cfg, idf, idf_stride, -1, f->nodes, f->nodes_cap);
    if (n < 0)
        return n;
    /* vector_build() skipped zero weights: walk the entries alongside */
    size_t pos = 0, k = 0;
    for (size_t i = 0; i < f->ft.n && k < (size_t)n; i++) {
        const feature_entry *e = &f->ft.e[i];
        if ((int)e->key + 1 != f->nodes[k].index)
            continue;
        size_t start = pos;
        if (render(f, &f->ft.origin[f->ft.first[i]], e->key, &pos) || put(f, &pos, "", 0))
            return INCITE_ENOMEM;
        pos++;   /* keep the NUL */
        f->named[k] = (incite_feature){.index = e->key, .value = f->nodes[k].value,
                                       .ngram = (const char *)(uintptr_t)start};
        k++;
    }
    for (size_t j = 0; j < k; j++)   /* offsets -> pointers, now that names[] is final */
        f->named[j].ngram = f->names + (uintptr_t)f->named[j].ngram;
    *out = f->named;
    return (long)k;
}
