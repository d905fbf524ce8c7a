/*
 * batch.c - see batch.h.  Every thread is a worker: it reads a batch (one
 * worker at a time), scores it, and, if it is the next batch to go out,
 * emits it and whatever done batches follow.  Batches move FREE -> FILLED
 * -> DONE -> FREE in a fixed ring.  No thread only reads or only writes:
 * on a machine with as many cores as workers, such a thread took CPU from
 * the workers and woke them at every hand-off.  Batch-sized hand-offs keep
 * the locking cost far below the scoring cost.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "internal.h"

#define BATCH_POSTS 256
#define BATCH_BYTES (1 << 20)

enum { SLOT_FREE = 0, SLOT_FILLED, SLOT_DONE };

typedef struct pipeline {
    batch *ring;
    size_t nring;
    pthread_mutex_t mu;      /* the ring's counters and states */
    pthread_mutex_t read_mu; /* the inputs: one worker reads at a time */
    pthread_cond_t cv;
    uint64_t filled, emitted; /* batches */
    int eof, error;
    char why[512];           /* the reader's error message: it is per thread */
    batch_input *inputs;
    size_t ninputs, cur;
    uint64_t seq;            /* posts read so far */
    batch_work_fn work;
    batch_emit_fn emit;
    void *ctx;
} pipeline;

typedef struct worker_arg {
    pipeline *p;
    int id;
} worker_arg;

const char *post_field(const batch *b, const post *p, int k, size_t *len)
{
    if (!(p->present & (1u << k))) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = p->field_len[k];
    return b->arena.s + p->field[k];
}

static void add_post(pipeline *p, batch *b, const incite_record *rec)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        post *np = realloc(b->posts, cap * sizeof *np);
        if (!np)
            cli_die(EXIT_FAILURE_RUN, "out of memory for a batch");
        b->posts = np;
        b->cap = cap;
    }
    post *q = &b->posts[b->n++];
    memset(q, 0, sizeof *q);
    q->line = rec->line;
    q->seq = p->seq++;
    for (int k = 0; k < INCITE_FIELD_COUNT; k++) {
        if (!rec->field[k].s)
            continue;
        q->present |= 1u << k;
        q->field[k] = b->arena.len;
        q->field_len[k] = rec->field[k].len;
        sb_put(&b->arena, rec->field[k].s, rec->field[k].len);
        sb_putc(&b->arena, '\0');
    }
    if (rec->error) {
        q->status = POST_ERROR;
        q->reason = (const char *)(uintptr_t)b->arena.len;   /* an offset until the batch is full */
        sb_puts(&b->arena, rec->error);
        sb_putc(&b->arena, '\0');
    } else
        q->status = rec->truncated ? POST_TRUNCATED : POST_OK;
}

/* Fills b from the inputs: up to a batch's worth, one file per batch, and
 * no further than what is already buffered once it holds a post.  Sets
 * *end when every input is exhausted. */
static int fill(pipeline *p, batch *b, int *end)
{
    *end = 0;
    b->n = 0;
    b->arena.len = 0;
    b->out.len = 0;
    while (b->n < BATCH_POSTS && b->arena.len < BATCH_BYTES) {
        if (p->cur >= p->ninputs) {
            *end = 1;
            break;
        }
        batch_input *in = &p->inputs[p->cur];
        if (b->n > 0 && !incite_reader_buffered(in->reader))
            break;
        incite_record rec;
        int rc = incite_reader_next(in->reader, &rec);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            p->cur++;
            if (b->n > 0)
                break;
            continue;
        }
        b->file = in->file;
        add_post(p, b, &rec);
    }
    for (size_t i = 0; i < b->n; i++)   /* the arena is final: offsets -> pointers */
        if (b->posts[i].status == POST_ERROR)
            b->posts[i].reason = b->arena.s + (uintptr_t)b->posts[i].reason;
    if (p->cur >= p->ninputs)
        *end = 1;
    return 0;
}

/* Takes the next batch from the input into a free slot of the ring, under
 * read_mu, which keeps batches in input order.  Returns the batch, or NULL
 * at the end of the input or after an error (p->error). */
static batch *take(pipeline *p)
{
    pthread_mutex_lock(&p->read_mu);
    pthread_mutex_lock(&p->mu);
    while (!p->eof && p->filled - p->emitted >= p->nring)
        pthread_cond_wait(&p->cv, &p->mu);
    batch *b = p->eof ? NULL : &p->ring[p->filled % p->nring];
    pthread_mutex_unlock(&p->mu);
    if (!b) {
        pthread_mutex_unlock(&p->read_mu);
        return NULL;
    }
    int end;
    int rc = fill(p, b, &end);
    pthread_mutex_lock(&p->mu);
    if (rc < 0) {
        p->error = rc;
        snprintf(p->why, sizeof p->why, "%s", incite_last_error());
    }
    if (rc < 0 || b->n == 0)
        b = NULL;
    else {
        b->seq = p->filled++;
        b->state = SLOT_FILLED;
    }
    if (rc < 0 || end) {
        p->eof = 1;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    pthread_mutex_unlock(&p->read_mu);
    return b;
}

/* Marks b done.  Whoever finishes the batch next in input order emits it
 * and every done batch after it; the others leave theirs to that one.
 * Deciding under mu leaves no batch behind and lets no two emit at once. */
static void finish(pipeline *p, batch *b)
{
    pthread_mutex_lock(&p->mu);
    b->state = SLOT_DONE;
    if (b->seq == p->emitted) {
        while (p->emitted < p->filled && (b = &p->ring[p->emitted % p->nring])->state == SLOT_DONE) {
            pthread_mutex_unlock(&p->mu);
            p->emit(p->ctx, b);
            pthread_mutex_lock(&p->mu);
            b->state = SLOT_FREE;
            p->emitted++;
            pthread_cond_broadcast(&p->cv);   /* a slot for take() */
        }
    }
    pthread_mutex_unlock(&p->mu);
}

static void *worker_main(void *arg)
{
    worker_arg *w = arg;
    pipeline *p = w->p;
    batch *b;
    while ((b = take(p)) != NULL) {
        p->work(p->ctx, b, w->id);
        finish(p, b);
    }
    return NULL;
}

static void free_ring(pipeline *p)
{
    for (size_t i = 0; i < p->nring; i++) {
        free(p->ring[i].posts);
        sb_free(&p->ring[i].arena);
        sb_free(&p->ring[i].out);
    }
    free(p->ring);
}

void batch_run(batch_input *inputs, size_t ninputs, int threads, batch_work_fn work,
              batch_emit_fn emit, void *ctx)
{
    pipeline p = {.inputs = inputs, .ninputs = ninputs, .work = work, .emit = emit, .ctx = ctx};
    p.nring = threads > 0 ? 2 * (size_t)threads + 2 : 1;
    p.ring = calloc(p.nring, sizeof *p.ring);
    if (!p.ring)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    if (threads <= 0) {   /* all here: read, score, emit */
        int end = 0, rc = 0;
        while (!end && !rc) {
            batch *b = &p.ring[0];
            if ((rc = fill(&p, b, &end)) == 0 && b->n > 0) {
                work(ctx, b, 0);
                emit(ctx, b);
            }
        }
        free_ring(&p);
        if (rc)
            cli_die(EXIT_FAILURE_RUN, "%s", incite_last_error());
        return;
    }
    pthread_mutex_init(&p.mu, NULL);
    pthread_mutex_init(&p.read_mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    pthread_t *workers = calloc((size_t)threads, sizeof *workers);
    worker_arg *args = calloc((size_t)threads, sizeof *args);
    if (!workers || !args)
        cli_die(EXIT_FAILURE_RUN, "out of memory");
    for (int i = 0; i < threads; i++)
        args[i] = (worker_arg){&p, i};
    for (int i = 1; i < threads; i++)
        if (pthread_create(&workers[i], NULL, worker_main, &args[i]) != 0)
            cli_die(EXIT_FAILURE_RUN, "cannot start a thread");
    worker_main(&args[0]);   /* this thread is worker 0 */
    for (int i = 1; i < threads; i++)
        pthread_join(workers[i], NULL);
    int rc = p.error;
    pthread_mutex_destroy(&p.mu);
    pthread_mutex_destroy(&p.read_mu);
    pthread_cond_destroy(&p.cv);
    free(workers);
    free(args);
    free_ring(&p);
    if (rc)
        cli_die(EXIT_FAILURE_RUN, "%s", p.why);
}
