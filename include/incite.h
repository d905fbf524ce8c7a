/*
 * incite.h - the public interface of libincite.
 *
 * Text flows one way: raw bytes -> normalize -> tokens -> features -> sparse
 * vector -> linear or kernel SVM -> calibrated score.  Training, evaluation
 * and scoring all go through the same featurizer, configured by one
 * incite_config that every model carries, so a model never sees different
 * features at scoring time than it saw in training.
 *
 * Conventions:
 *  - every function that can fail returns INCITE_OK (0) or a negative
 *    INCITE_E* code; incite_last_error() then holds a one-line detail
 *    ("posts.tsv:1207: invalid UTF-8 at byte 33"), per thread;
 *  - objects come in _new/_free pairs and _free(NULL) does nothing;
 *  - the library never prints and never exits.
 */
#ifndef INCITE_H
#define INCITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define INCITE_VERSION "0.1.0"

/* ------------------------------------------------------------------ */
/* Errors                                                             */
/* ------------------------------------------------------------------ */

enum {
    INCITE_OK = 0,
    INCITE_ENOMEM = -1,   /* out of memory */
    INCITE_EINVAL = -2,   /* invalid argument or option value */
    INCITE_EIO = -3,      /* read or write failed (errno in the detail) */
    INCITE_EFORMAT = -4,  /* malformed input data or model file */
    INCITE_EVERSION = -5, /* model file of a format version we do not read */
    INCITE_ELIMIT = -6,   /* a documented resource limit was reached */
    INCITE_ESOLVER = -7   /* the SVM solver refused the problem */
};

/* A fixed description of an error code; never NULL. */
const char *incite_strerror(int code);

/* The detail of the calling thread's last failure, or "" if none.  Valid
 * until the next libincite call on the same thread. */
const char *incite_last_error(void);

/* ------------------------------------------------------------------ */
/* Feature configuration: the one struct every model carries          */
/* ------------------------------------------------------------------ */

/* Version of the featurizer's output.  Bumped whenever a stage would map
 * some input to different features; a model records the version it was
 * trained with and the featurizer reproduces that version's behaviour or
 * refuses the model. */
#define INCITE_FEATURE_FORMAT 1u

/* Normalization options (incite_config.normalize). */
enum {
    INCITE_NORM_NFKC = 1u << 0,        /* NFKC + case folding */
    INCITE_NORM_IGNORABLES = 1u << 1,  /* drop default-ignorable code points */
    INCITE_NORM_HTML = 1u << 2,        /* decode &amp; &lt; &#128514; ... */
    INCITE_NORM_SKIN_TONE = 1u << 3,   /* drop emoji skin-tone modifiers */
    INCITE_NORM_DEFAULT = INCITE_NORM_NFKC | INCITE_NORM_IGNORABLES |
                          INCITE_NORM_HTML | INCITE_NORM_SKIN_TONE
};

/* Tokenization options (incite_config.tokenize). */
enum {
    INCITE_TOK_PLACEHOLDERS = 1u << 0, /* URLs, @mentions, e-mails -> <url> ... */
    INCITE_TOK_ELONGATION = 1u << 1,   /* 3+ repeats of a character -> 2 */
    INCITE_TOK_DEFAULT = INCITE_TOK_PLACEHOLDERS | INCITE_TOK_ELONGATION
};

typedef struct incite_config {
    uint32_t format;     /* INCITE_FEATURE_FORMAT the model was built with */
    uint32_t normalize;  /* INCITE_NORM_* */
    uint32_t tokenize;   /* INCITE_TOK_* */
    uint32_t fold;       /* reserved for evasion folding; 0 = none */
    uint8_t word_min, word_max; /* word n-gram orders; word_max 0 = none */
    uint8_t char_min, char_max; /* char n-gram orders inside word tokens */
    uint8_t hash_bits;   /* each feature group has 2^hash_bits buckets */
    uint8_t signed_hash; /* 1: a hash bit gives each n-gram a sign */
    uint8_t sublinear_tf;/* 1: tf = 1 + ln(count) */
    uint8_t target_cross;/* 1: with a target, features also crossed with it */
    uint32_t hash_seed;
    uint32_t min_df;     /* buckets seen in fewer training posts are ignored */
} incite_config;

/* Fills *c with the defaults documented in README.md. */
void incite_config_default(incite_config *c);

/* INCITE_OK if *c is usable, else INCITE_EINVAL with the reason in
 * incite_last_error(). */
int incite_config_check(const incite_config *c);

/* Number of feature groups (word, char, and their target-crossed twins);
 * the vector space has incite_config_groups(c) << hash_bits dimensions. */
unsigned incite_config_groups(const incite_config *c);
uint32_t incite_config_dimension(const incite_config *c);

/* ------------------------------------------------------------------ */
/* The featurizer                                                     */
/* ------------------------------------------------------------------ */

typedef enum incite_token_kind {
    INCITE_TOKEN_WORD = 0,   /* letters and marks of any script, digits inside */
    INCITE_TOKEN_NUMBER,     /* digits, with . , : between digits */
    INCITE_TOKEN_EMOJI,      /* one emoji, ZWJ sequence or flag */
    INCITE_TOKEN_PUNCT,      /* a run of ! and ? (tone) */
    INCITE_TOKEN_SYMBOL,     /* any other symbol, U+FFFD among them */
    INCITE_TOKEN_URL,        /* text "<url>" */
    INCITE_TOKEN_USER,       /* text "<user>" */
    INCITE_TOKEN_EMAIL       /* text "<email>" */
} incite_token_kind;

/* A token is a span, valid until the featurizer's next call. */
typedef struct incite_token {
    const char *text;  /* UTF-8, not NUL-terminated */
    uint32_t len;      /* bytes */
    uint8_t kind;      /* incite_token_kind */
} incite_token;

/* What normalization saw in one post. */
typedef struct incite_text_stats {
    size_t bytes_in;       /* input length */
    size_t invalid_utf8;   /* maximal invalid sequences, each now U+FFFD */
    size_t nul_bytes;      /* NUL bytes, each now a space */
} incite_text_stats;

/* One element of a sparse vector, in the layout of LIBLINEAR's
 * feature_node and LIBSVM's svm_node: index is 1-based and strictly
 * increasing; the vector ends with index -1. */
typedef struct incite_node {
    int index;
    double value;
} incite_node;

/* One feature of a post, as --dump features and --explain show it. */
typedef struct incite_feature {
    uint32_t index;      /* 0-based position in the vector space */
    double value;        /* weight in the post's vector (after tf-idf, L2) */
    const char *ngram;   /* readable n-gram, NUL-terminated; valid until the
                            featurizer's next call */
} incite_feature;

typedef struct incite_featurizer incite_featurizer;

/* A featurizer owns reusable buffers: after warm-up, featurizing a post
 * allocates nothing.  Not thread-safe; use one per thread.  Returns NULL
 * on failure (incite_last_error() says why). */
incite_featurizer *incite_featurizer_new(const incite_config *c);
void incite_featurizer_free(incite_featurizer *f);
const incite_config *incite_featurizer_config(const incite_featurizer *f);

/* Keep (on != 0) where each feature came from, which
 * incite_featurizer_features() needs; costs a little on every post. */
void incite_featurizer_keep_names(incite_featurizer *f, int on);

/* Runs normalize -> tokenize -> features on one post.  target (may be NULL
 * or empty) is the stance target when the configuration crosses features
 * with it.  The results below stay valid until the next call. */
int incite_featurize(incite_featurizer *f, const char *text, size_t len,
                     const char *target, incite_text_stats *stats);

/* The normalized text of the last post (NUL-terminated). */
const char *incite_featurizer_normalized(const incite_featurizer *f, size_t *len);

/* The tokens of the last post. */
const incite_token *incite_featurizer_tokens(const incite_featurizer *f, size_t *n);

/* The weighted vector of the last post, given per-dimension IDF weights
 * (NULL: every idf is 1; an idf of 0 drops the feature).  Writes at most
 * cap nodes including the -1 terminator into out, appending a bias node
 * {dimension + 1, bias} first when bias >= 0.  Returns the number of nodes
 * written before the terminator, or a negative error (INCITE_ELIMIT if cap
 * is too small: incite_featurizer_vector_size() tells what is needed). */
long incite_featurizer_vector(incite_featurizer *f, const float *idf,
                              double bias, incite_node *out, size_t cap);
size_t incite_featurizer_vector_size(const incite_featurizer *f);

/* The features of the last post with readable n-grams, in vector order
 * (sorted by index), weighted as incite_featurizer_vector() weights them.
 * Returns the count; *out stays valid until the next call. */
long incite_featurizer_features(incite_featurizer *f, const float *idf,
                                const incite_feature **out);

#ifdef __cplusplus
}
#endif

#endif /* INCITE_H */
