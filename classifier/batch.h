/*
 * batch.h - incite-score's ordered pipeline: workers read batches of posts
 * in turn, score them, and consume them one at a time strictly in input
 * order.  A fixed ring of batches bounds memory whatever the input
 * size; a batch is handed on early when the input has nothing more
 * buffered, so an interactive pipeline gets each answer as its line
 * arrives.
 */
#ifndef INCITE_BATCH_H
#define INCITE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "incite.h"
#include "strbuf.h"

enum { POST_OK = 0, POST_TRUNCATED, POST_ERROR };

/* One input row, copied out of the reader, and what scoring made of it. */
typedef struct post {
    uint64_t line;           /* in its file */
    uint64_t seq;            /* in the whole input, from 0 */
    size_t field[INCITE_FIELD_COUNT];     /* offsets in the batch's arena */
    size_t field_len[INCITE_FIELD_COUNT];
    unsigned present;        /* bit k: field k was given */
    int status;              /* POST_* */
    const char *reason;      /* POST_ERROR: static or in the arena */
    double flag_prob;
    int flagged;
    size_t out, out_len;     /* formatted result in the batch's output */
    size_t ev, ev_len;       /* --by-handle --explain: evidence JSON */
} post;

typedef struct batch {
    post *posts;
    size_t n, cap;
    strbuf arena;            /* the posts' fields */
    strbuf out;              /* what the workers wrote */
    int file;                /* index of the input file */
    uint64_t seq;
    int state;
} batch;

/* A batch's field as a string (NUL-terminated) or NULL when absent. */
const char *post_field(const batch *b, const post *p, int k, size_t *len);

/* Scores one batch; worker is 0 .. threads-1 (for per-thread state). */
typedef void (*batch_work_fn)(void *ctx, batch *b, int worker);
/* Consumes one batch in input order, never two at once, on the thread of
 * whichever worker it falls to (with 0 workers, the calling thread). */
typedef void (*batch_emit_fn)(void *ctx, const batch *b);

typedef struct batch_input {
    incite_reader *reader;
    const char *name;
    int file;
} batch_input;

/* Runs the pipeline over inputs[0..ninputs) with `threads` workers, the
 * calling thread one of them (0: everything on the calling thread).  A
 * reader's error (the input unreadable, not a bad row) ends the program
 * with its message, as running out of memory does. */
void batch_run(batch_input *inputs, size_t ninputs, int threads, batch_work_fn work,
              batch_emit_fn emit, void *ctx);

#endif
