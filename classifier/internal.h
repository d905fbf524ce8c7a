/*
 * internal.h - private structures shared by the library's stages.
 *
 * Each pipeline stage owns its reusable buffers; nothing here is part of
 * the public ABI.  Test programs include it to exercise one stage alone.
 */
#ifndef INCITE_INTERNAL_H
#define INCITE_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

#include "incite.h"

/* error.c: record a detail for incite_last_error(); returns code. */
int set_error(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void clear_error(void);

/* For a hot function inlined with constant arguments into several
 * specialized callers: GCC otherwise makes one out-of-line copy of a big
 * one, in which the constants do not reach the loops. */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* Grows *buf (of *cap elements of size elem) to hold at least need
 * elements, at least doubling.  INCITE_OK or INCITE_ENOMEM. */
int grow_array(void *buf, size_t *cap, size_t need, size_t elem);

/* ---- normalize.c: bytes -> normalized UTF-8 ------------------------ */

typedef struct normalizer {
    char *out;           /* NUL-terminated normalized text */
    size_t len, cap;
    int32_t *run;        /* one non-ASCII run, as decomposed code points */
    size_t run_cap;
    int32_t *fold;       /* the run again, case-folded */
    size_t fold_cap;
} normalizer;

/* The normalized text is followed by NORM_SLACK zero bytes, its NUL
 * among them: the tokenizer reads it 8 bytes at a time. */
enum { NORM_SLACK = 8 };

int normalize(normalizer *nz, uint32_t flags, const char *in, size_t len,
              incite_text_stats *stats);
void normalizer_release(normalizer *nz);

/* ---- tokenize.c: normalized text -> tokens -------------------------- */

/* Token texts are laid out for features.c, which reads them in whole
 * 8-byte words and a word's char n-grams in place: every token's text is
 * followed by at least TOKEN_SLACK readable bytes, and a copied token (any
 * but a placeholder; every word) is preceded and followed by a space, with
 * TOKEN_SLACK readable bytes before that space. */
enum { TOKEN_SLACK = 8 };

typedef struct tokenizer {
    incite_token *tok;
    size_t n, cap;
    size_t nmain;        /* tok[0..nmain): the post's own; the rest: folded variants */
    char *text;          /* TOKEN_SLACK spaces, then each token's bytes and a space */
    size_t text_cap;
    char *fold;          /* folded texts (fold.c) */
    size_t fold_cap;
} tokenizer;

/* text[0..len) is followed by NORM_SLACK readable bytes (normalize()'s
 * output). */
int tokenize(tokenizer *tz, uint32_t flags, const char *text, size_t len);
void tokenizer_release(tokenizer *tz);

/* ---- fold.c: evasions undone, after tokenize ------------------------- */

int fold_tokens(tokenizer *tz, uint32_t fold_flags, uint32_t format, const char *text, size_t len);

/* ---- features.c: tokens -> hashed feature counts -------------------- */

enum { GROUP_WORD = 0, GROUP_CHAR = 1, GROUP_WORD_TARGET = 2, GROUP_CHAR_TARGET = 3 };

/* A feature's 0-based dimension interleaves its group below its bucket,
 * so that keys of every group spread evenly over the whole space. */
static inline unsigned group_shift(const incite_config *c)
{
    return c->target_cross ? 2u : 1u;
}

static inline unsigned key_group(const incite_config *c, uint32_t key)
{
    return key & ((1u << group_shift(c)) - 1);
}

/* Where a feature came from, kept only when names are wanted. */
typedef struct feature_origin {
    uint8_t kind;        /* ORIGIN_WORD or ORIGIN_CHAR */
    uint8_t bound;       /* char n-gram: 1 = starts at the word's start, 2 = ends at its end */
    uint32_t tok;        /* first token */
    uint32_t a, b;       /* word: order; char: byte offset and length in the token */
} feature_origin;

enum { ORIGIN_WORD = 1, ORIGIN_CHAR = 2 };

typedef struct feature_entry {
    uint32_t key;        /* 0-based dimension: bucket << group_shift | group */
    int32_t count;       /* occurrences, signed when hashing is signed */
} feature_entry;

/* One post's features.  Every n-gram is first appended to emit[] as
 * key << (64 - key bits) | negative << 31 | emission index when names are
 * wanted or a target is crossed, else (the fast path) as key << (64 - key
 * bits) | negative << (61 - hash_bits); one sort then groups equal keys,
 * and counting the runs yields e[]: distinct, sorted by key, which is the
 * order the solvers want and the order in which scoring walks the model's
 * weights. */
typedef struct feature_table {
    uint64_t *emit, *tmp; /* emissions, and the sort's output (n_emit + 3) */
    size_t n_emit, emit_cap, tmp_cap;
    feature_entry *e;    /* distinct features, sorted by key */
    size_t n, cap;
    feature_origin *origin; /* per emission, when want_origin */
    size_t origin_cap;
    uint32_t *first;     /* per feature: its first emission's origin[] index */
    size_t first_cap;
    int want_origin;     /* keep origin[] and first[] for the next posts */
    int have_origin;     /* ...and they describe the last post */
    uint32_t *scratch;   /* one token's code points and byte offsets */
    size_t scratch_cap;
    uint64_t *tok_hash;  /* per-token hashes */
    size_t tok_hash_cap;
    const unsigned char **starts; /* ASCII words' char n-gram starts */
    size_t starts_cap;
} feature_table;

/* tok[0..nmain) is the post's word sequence; tok[nmain..ntok) are folded
 * variants (unigrams and char n-grams only). */
int features_extract(feature_table *ft, const incite_config *c,
                     const incite_token *tok, size_t ntok, size_t nmain, const char *target);
void feature_table_release(feature_table *ft);
/* The hash a stance target crosses features with (never 0): two targets
 * are one when they differ only in ASCII case. */
uint64_t target_hash(uint32_t seed, const char *t);

/* ---- vector.c: hashed counts -> tf-idf, L2-normalized, sorted ------ */

/* tf of a signed count under the configuration's tf rule. */
double vector_tf(const incite_config *c, int32_t count);

/* Writes each feature's tf * idf (idf of a key at idf[key * stride], NULL
 * for all ones) to out with its 1-based index, dropping zero weights, and
 * sets inv[g] to 1 / the L2 norm of group g (0 if empty); src (if set)
 * gets each node's entry in the table.  Returns the count.  The one
 * weighting rule: vectors and the scorer both use it. */
size_t vector_weigh(const feature_table *ft, const incite_config *c, const float *idf,
                    size_t stride, incite_node *out, uint32_t *src, double inv[4]);

/* Weights the table's features and writes them, 1-based, as described
 * for incite_featurizer_vector(). */
long vector_build(const feature_table *ft, const incite_config *c,
                  const float *idf, size_t idf_stride, double bias, incite_node *out,
                  size_t cap);

/* ---- linereader.c: lines from a stream, constant memory ------------ */

typedef struct line_reader {
    FILE *fp;
    int fd;              /* fp's descriptor, read directly; -1: use fp */
    char *buf;           /* one block of the stream */
    size_t pos, end;
    char *line;          /* the current line, NUL-terminated */
    size_t line_cap;
    size_t max_bytes;    /* 0: no limit */
    uint64_t lineno;     /* of the line last returned, 1-based */
    int eof;
} line_reader;

void line_reader_init(line_reader *lr, FILE *fp, size_t max_bytes);
void line_reader_release(line_reader *lr);
/* 1 and the line, 0 at end of stream, or a negative error. */
int line_next(line_reader *lr, const char **line, size_t *len, int *truncated);
/* Whether input is already buffered (the next line may need no read). */
int line_reader_buffered(const line_reader *lr);

/* ---- json.c: the fields of one JSON Lines record ------------------- */

typedef struct json_value {
    const char *s;       /* unescaped, NUL-terminated; NULL if absent or null */
    size_t len;
    int present;
    int cut;             /* the line ended inside this value */
} json_value;

/* Parses the object in s[0..n) and fills out[k] for each top-level member
 * named names[k].  buf must hold n + nnames + 1 bytes.  0, or -1 with a
 * reason in *why. */
int json_fields(const char *s, size_t n, int truncated, const char *const *names,
                size_t nnames, json_value *out, char *buf, const char **why);

/* ---- translit.c: Devanagari/Gurmukhi words romanized ------------------ */

/* Writes the romanized form of s[0..n) (an Indic-only word) to out, which
 * holds 2 * n + 1 bytes; returns its length, or 0 if s is not Indic-only. */
size_t translit_indic(const char *s, size_t n, char *out, uint32_t format);

/* ---- pipeline.c: what training and scoring read of a featurizer ----- */

/* The last post's features, sorted by key. */
const feature_table *featurizer_table(const incite_featurizer *f);

/* Readable names of some of the last post's features (entries of its
 * table), valid until the next call; needs keep_names. */
int featurizer_names(incite_featurizer *f, const uint32_t *entries, size_t n,
                     const char **names);

/* ---- hash.h provides the hashing; pipeline.c composes the stages ---- */

#endif
