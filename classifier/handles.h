/*
 * handles.h - incite-score --by-handle: per-handle aggregates of the flag
 * probability, kept in memory proportional to the number of handles (never
 * to the number of posts), and the ranking moderators review.
 */
#ifndef INCITE_HANDLES_H
#define INCITE_HANDLES_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

#define TOP_POSTS 3

typedef enum { RANK_TOP3_MEAN = 0, RANK_MAX, RANK_MEAN, RANK_SHARE_FLAGGED } rank_by;

typedef struct top_post {
    double prob;
    uint64_t seq;        /* input order, for ties */
    char *id;
    char *evidence;      /* JSON of its explanation, or NULL */
} top_post;

typedef struct handle_stats {
    char *name;
    size_t name_len;
    uint64_t posts, flagged;
    double sum, max;
    top_post top[TOP_POSTS]; /* highest flag probability first */
    size_t ntop;
} handle_stats;

typedef struct handle_table handle_table;

handle_table *handles_new(size_t max_handles);
void handles_free(handle_table *t);

/* Adds one scored post.  Returns 0, or -1 when the table would exceed its
 * cap of distinct handles (or memory runs out). */
int handles_add(handle_table *t, const char *handle, size_t len, const char *id, size_t id_len,
                double prob, int flagged, uint64_t seq, const char *evidence, size_t ev_len);

/* The handles sorted by risk (see rank_score()), highest first; ties by
 * max, then posts, then name.  Valid until handles_free(). */
handle_stats **handles_ranked(handle_table *t, rank_by by, size_t *n);

double handle_mean(const handle_stats *h);
double handle_top3_mean(const handle_stats *h);
double handle_share_flagged(const handle_stats *h);

#endif
