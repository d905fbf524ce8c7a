/*
 * handles.c - see handles.h.  An open-addressing table of handles, keyed
 * by a hash of the handle's bytes; each entry keeps counts, sums, the max
 * and its TOP_POSTS highest-scoring posts.
 */
#include <stdlib.h>
#include <string.h>

#include "handles.h"
#include "hash.h"

struct handle_table {
    handle_stats *e;      /* entries */
    size_t n, cap;
    uint32_t *slot;       /* 0 empty, else entry index + 1 */
    size_t nslots;
    size_t max;
    handle_stats **ranked;
};

handle_table *handles_new(size_t max_handles)
{
    handle_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->max = max_handles;
    t->nslots = 1024;
    t->slot = calloc(t->nslots, sizeof *t->slot);
    if (!t->slot) {
        free(t);
        return NULL;
    }
    return t;
}

void handles_free(handle_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->e[i].name);
        for (size_t k = 0; k < t->e[i].ntop; k++) {
            free(t->e[i].top[k].id);
            free(t->e[i].top[k].evidence);
        }
    }
    free(t->e);
    free(t->slot);
    free(t->ranked);
    free(t);
}

static uint64_t handle_hash(const char *s, size_t n)
{
    return hash_bytes(hash_seed(0x4a4d, 5), s, n);
}

static int regrow(handle_table *t)
{
    size_t nslots = t->nslots * 2;
    uint32_t *slot = calloc(nslots, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t h = handle_hash(t->e[i].name, t->e[i].name_len) & (nslots - 1);
        while (slot[h])
            h = (h + 1) & (nslots - 1);
        slot[h] = (uint32_t)i + 1;
    }
    free(t->slot);
    t->slot = slot;
    t->nslots = nslots;
    return 0;
}

static char *copy(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = '\0';
    }
    return c;
}

/* Keeps the post among the handle's top ones: higher probability first,
 * earlier post first on a tie. */
static int keep_top(handle_stats *h, const char *id, size_t id_len, double prob, uint64_t seq,
                    const char *ev, size_t ev_len)
{
    size_t pos = h->ntop;
    while (pos > 0 && h->top[pos - 1].prob < prob)
        pos--;
    if (pos >= TOP_POSTS)
        return 0;
    top_post p = {prob, seq, copy(id, id_len), ev ? copy(ev, ev_len) : NULL};
    if (!p.id || (ev && !p.evidence)) {
        free(p.id);
        free(p.evidence);
        return -1;
    }
    if (h->ntop == TOP_POSTS) {
        free(h->top[TOP_POSTS - 1].id);
        free(h->top[TOP_POSTS - 1].evidence);
    } else
        h->ntop++;
    memmove(&h->top[pos + 1], &h->top[pos], (h->ntop - 1 - pos) * sizeof h->top[0]);
    h->top[pos] = p;
    return 0;
}

/* The entry of a handle, created if new; NULL past the cap or memory. */
static handle_stats *find(handle_table *t, const char *handle, size_t len)
{
    size_t h = handle_hash(handle, len) & (t->nslots - 1);
    while (t->slot[h]) {
        handle_stats *e = &t->e[t->slot[h] - 1];
        if (e->name_len == len && memcmp(e->name, handle, len) == 0)
            return e;
        h = (h + 1) & (t->nslots - 1);
    }
    if (t->n >= t->max || t->n >= UINT32_MAX - 1)
        return NULL;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        handle_stats *e = realloc(t->e, cap * sizeof *e);
        if (!e)
            return NULL;
        t->e = e;
        t->cap = cap;
    }
    handle_stats *e = &t->e[t->n];
    *e = (handle_stats){.name = copy(handle, len), .name_len = len};
    if (!e->name)
        return NULL;
    t->slot[h] = (uint32_t)++t->n;
    if (t->n * 2 > t->nslots && regrow(t))
        return NULL;
    return e;
}

int handles_add(handle_table *t, const char *handle, size_t len, const char *id, size_t id_len,
                double prob, int flagged, uint64_t seq, const char *evidence, size_t ev_len)
{
    handle_stats *e = find(t, handle, len);
    if (!e)
        return -1;
    e->max = (e->posts == 0 || prob > e->max) ? prob : e->max;
    e->posts++;
    e->flagged += flagged != 0;
    e->sum += prob;
    return keep_top(e, id, id_len, prob, seq, evidence, ev_len);
}

double handle_mean(const handle_stats *h)
{
    return h->posts ? h->sum / (double)h->posts : 0;
}

double handle_top3_mean(const handle_stats *h)
{
    double s = 0;
    for (size_t i = 0; i < h->ntop; i++)
        s += h->top[i].prob;
    return h->ntop ? s / (double)h->ntop : 0;
}

double handle_share_flagged(const handle_stats *h)
{
    return h->posts ? (double)h->flagged / (double)h->posts : 0;
}

static double risk(const handle_stats *h, rank_by by)
{
    switch (by) {
    case RANK_MAX: return h->max;
    case RANK_MEAN: return handle_mean(h);
    case RANK_SHARE_FLAGGED: return handle_share_flagged(h);
    default: return handle_top3_mean(h);
    }
}

static rank_by sort_by;

static int by_risk(const void *a, const void *b)
{
    const handle_stats *x = *(handle_stats *const *)a, *y = *(handle_stats *const *)b;
    double rx = risk(x, sort_by), ry = risk(y, sort_by);
    if (rx != ry)
        return rx < ry ? 1 : -1;
    if (x->max != y->max)
        return x->max < y->max ? 1 : -1;
    if (x->posts != y->posts)
        return x->posts < y->posts ? 1 : -1;
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

handle_stats **handles_ranked(handle_table *t, rank_by by, size_t *n)
{
    free(t->ranked);
    t->ranked = malloc((t->n ? t->n : 1) * sizeof *t->ranked);
    if (!t->ranked)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        t->ranked[i] = &t->e[i];
    sort_by = by;   /* the program ranks once, from one thread */
    qsort(t->ranked, t->n, sizeof *t->ranked, by_risk);
    *n = t->n;
    return t->ranked;
}
