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
 *    a _new given NULL returns NULL (INCITE_EINVAL); other arguments are
 *    not NULL unless a comment says so;
 *  - strings and arrays a function returns belong to the object they came
 *    from, valid until it is freed (or, where a comment says, until the
 *    next call on it);
 *  - threads: a loaded model is read-only and may be shared by any number
 *    of scorers in as many threads, and must outlive them; a featurizer,
 *    scorer, reader or dataset is used by one thread at a time;
 *  - the library never prints and never exits;
 *  - structs the caller allocates (options, results, metrics) may grow:
 *    a program built against one header runs with libraries of the same
 *    soname only (libincite.so.2).
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
 * refuses the model.
 *   1  the first
 *   2  spacing and elongation folding also undo spaced and stretched
 *      Devanagari and Gurmukhi (fold.c)
 *   3  elongation folding skips URLs, mentions and e-mail addresses; only
 *      combining marks count as repeated Indic signs; romanization covers
 *      candra vowels (fold.c, translit.c) */
#define INCITE_FEATURE_FORMAT 3

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

/* Evasion folding (incite_config.fold), fold.c. */
enum {
    INCITE_FOLD_HOMOGLYPH = 1u << 0, /* look-alike letters in Latin words -> Latin */
    INCITE_FOLD_LEET = 1u << 1,      /* "k1ll", "b!tch" also give kill, bitch */
    INCITE_FOLD_SPACING = 1u << 2,   /* "k i l l", "k.i.l.l" also give kill */
    INCITE_FOLD_TRANSLIT = 1u << 3,  /* Devanagari/Gurmukhi words also give a romanization */
    INCITE_FOLD_ELONGATION = 1u << 4, /* "kiiiill" also gives kill */
    INCITE_FOLD_ALL = INCITE_FOLD_HOMOGLYPH | INCITE_FOLD_LEET | INCITE_FOLD_SPACING |
                      INCITE_FOLD_TRANSLIT | INCITE_FOLD_ELONGATION
};

typedef struct incite_config {
    uint32_t format;     /* INCITE_FEATURE_FORMAT the model was built with */
    uint32_t normalize;  /* INCITE_NORM_* */
    uint32_t tokenize;   /* INCITE_TOK_* */
    uint32_t fold;       /* INCITE_FOLD_* */
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
    uint8_t flags;     /* INCITE_TOKEN_VARIANT: a folded second view of some
                          word ("k1ll" -> kill), after the post's own tokens */
} incite_token;

enum { INCITE_TOKEN_VARIANT = 1 };

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
 * (sorted by index), weighted as incite_featurizer_vector() weights them
 * (the idf of feature j at idf[j * idf_stride]).  Returns the count; *out
 * stays valid until the next call. */
long incite_featurizer_features(incite_featurizer *f, const float *idf, size_t idf_stride,
                                const incite_feature **out);

/* ------------------------------------------------------------------ */
/* Reading posts: plain text, TSV with a header, JSON Lines            */
/* ------------------------------------------------------------------ */

typedef enum incite_input_format {
    INCITE_INPUT_AUTO = 0,  /* decided by the first line */
    INCITE_INPUT_PLAIN,     /* one post per line */
    INCITE_INPUT_TSV,       /* a header line naming the columns */
    INCITE_INPUT_JSONL      /* one JSON object per line */
} incite_input_format;

/* The fields a record may carry; default column names in parentheses. */
typedef enum incite_field_kind {
    INCITE_FIELD_TEXT = 0,  /* ("text") the post */
    INCITE_FIELD_ID,        /* ("id") */
    INCITE_FIELD_HANDLE,    /* ("handle") who posted it */
    INCITE_FIELD_TARGET,    /* ("target") stance target */
    INCITE_FIELD_LABEL,     /* ("label") for training and evaluation */
    INCITE_FIELD_WEIGHT,    /* ("weight") instance weight */
    INCITE_FIELD_COUNT
} incite_field_kind;

typedef struct incite_reader_options {
    incite_input_format format;
    const char *column[INCITE_FIELD_COUNT]; /* names; NULL: the default */
    size_t max_bytes;      /* longer texts are cut (on a character boundary)
                              and marked truncated; 0: no limit */
    int strict_utf8;       /* invalid UTF-8 in a text makes the row an error */
} incite_reader_options;

typedef struct incite_field_value {
    const char *s;         /* NULL when absent; else NUL-terminated */
    size_t len;
} incite_field_value;

/* One input row.  Every row of the input yields one record, in order:
 * rows that cannot be used carry a reason in `error`. */
typedef struct incite_record {
    uint64_t line;         /* 1-based line number in the input */
    incite_field_value field[INCITE_FIELD_COUNT];
    int truncated;         /* the text was cut at max_bytes */
    const char *error;     /* NULL, or why the row cannot be used */
} incite_record;

typedef struct incite_reader incite_reader;

/* Reads records from fp (not closed by the reader); name is used in
 * messages.  NULL on failure. */
incite_reader *incite_reader_new(FILE *fp, const char *name, const incite_reader_options *o);
void incite_reader_free(incite_reader *r);

/* 1 and the next record (valid until the next call), 0 at the end, or a
 * negative error when the input cannot be read at all (I/O error, a TSV
 * header without the text column). */
int incite_reader_next(incite_reader *r, incite_record *rec);

/* Whether the next record may come without waiting for input: a
 * batching caller hands its batch on when this is 0, so an interactive
 * pipeline is answered line by line.  The reader reads fp's descriptor
 * directly (when it has one): do not also read fp. */
int incite_reader_buffered(const incite_reader *r);

/* Known after the first incite_reader_next(): the format, whether the
 * input had a header (TSV), and whether it has a column for a field. */
incite_input_format incite_reader_format(const incite_reader *r);
int incite_reader_has_header(const incite_reader *r);
int incite_reader_has_field(const incite_reader *r, incite_field_kind k);

/* The default column name of a field ("text", "id", ...). */
const char *incite_field_name(incite_field_kind k);

/* ------------------------------------------------------------------ */
/* Labelled data                                                      */
/* ------------------------------------------------------------------ */

typedef struct incite_dataset incite_dataset;

/* Called for each row skipped under skip_bad. */
typedef void (*incite_skip_fn)(void *ctx, const char *name, uint64_t line, const char *why);

/* Reads labelled rows (label and text columns required; target, id,
 * handle, weight optional).  A bad row - unusable (see incite_record), an
 * empty label, a weight that is not a whole number from 1 to 1000 (how
 * many times the row counts), a weight column named in o but absent from
 * the header - stops the read
 * with INCITE_EFORMAT and "name:line: reason", unless skip_bad, which
 * reports it through on_skip and goes on.  Labels are sorted by their
 * bytes and numbered from 0. */
int incite_dataset_read(FILE *fp, const char *name, const incite_reader_options *o,
                        int skip_bad, incite_skip_fn on_skip, void *ctx,
                        incite_dataset **out);
void incite_dataset_free(incite_dataset *d);
size_t incite_dataset_size(const incite_dataset *d);
size_t incite_dataset_nlabels(const incite_dataset *d);
const char *incite_dataset_label_name(const incite_dataset *d, size_t i);
int incite_dataset_label(const incite_dataset *d, size_t row);
const char *incite_dataset_text(const incite_dataset *d, size_t row, size_t *len);
const char *incite_dataset_target(const incite_dataset *d, size_t row); /* NULL if none */
double incite_dataset_weight(const incite_dataset *d, size_t row);
uint64_t incite_dataset_line(const incite_dataset *d, size_t row);
int incite_dataset_has_target(const incite_dataset *d);
size_t incite_dataset_skipped(const incite_dataset *d);
/* A 64-bit hash of every row's label, target, weight and text, in order. */
uint64_t incite_dataset_checksum(const incite_dataset *d);

/* ------------------------------------------------------------------ */
/* Models                                                             */
/* ------------------------------------------------------------------ */

typedef struct incite_model incite_model;

/* Loads and validates a model file; rejects truncated, corrupted, hostile
 * or other-version files with INCITE_EFORMAT / INCITE_EVERSION and a
 * message naming the file.  Never trusts a size before checking it. */
int incite_model_load(const char *path, incite_model **out);

/* Writes to a temporary file beside path, syncs, renames into place: a
 * crash leaves either the old file or the new one, never half a model.
 * A symbolic link is followed (the file it points to is replaced, the
 * link kept); path must then be a regular file or not exist (INCITE_EIO
 * otherwise: the rename would replace a device or a FIFO). */
int incite_model_save(const incite_model *m, const char *path);
void incite_model_free(incite_model *m);

const incite_config *incite_model_config(const incite_model *m);
size_t incite_model_nlabels(const incite_model *m);
const char *incite_model_label(const incite_model *m, size_t i);
int incite_model_find_label(const incite_model *m, const char *label); /* -1: none */
int incite_model_flag_label(const incite_model *m);                    /* -1: none */
/* 1 if the model is linear (one weight per feature and decision, whichever
 * solver trained it), which incite_scorer_explain() needs; 0: a kernel. */
int incite_model_is_linear(const incite_model *m);
/* Whether a model crossed with stance targets was trained with this one
 * (ASCII case aside): 1, or 0 (its target features then carry nothing:
 * they were never weighted), or -1 when the model records no targets (not
 * crossed, or trained before incite recorded them). */
int incite_model_knows_target(const incite_model *m, const char *target);
/* Training metadata: key/value strings ("train_rows", "cv_macro_f1"...). */
size_t incite_model_meta_count(const incite_model *m);
const char *incite_model_meta_key(const incite_model *m, size_t i);
const char *incite_model_meta(const incite_model *m, const char *key);
/* The model's IDF: of feature j at idf[j * *stride] (0: not supported). */
const float *incite_model_idf(const incite_model *m, size_t *stride);
/* The lowest flag-probability threshold whose cross-validated precision
 * (at training time) reached `precision`, and its recall; NAN if none. */
double incite_model_threshold_for_precision(const incite_model *m, double precision,
                                            double *recall);

/* ------------------------------------------------------------------ */
/* Training                                                           */
/* ------------------------------------------------------------------ */

typedef enum { INCITE_SOLVER_LIBLINEAR = 0, INCITE_SOLVER_LIBSVM } incite_solver;
typedef enum { INCITE_KERNEL_LINEAR = 0, INCITE_KERNEL_RBF, INCITE_KERNEL_POLY,
               INCITE_KERNEL_SIGMOID } incite_kernel;
/* AUTO: one-vs-one up to INCITE_AUTO_OVO_MAX_LABELS labels, one-vs-rest
 * beyond (train.c says why) */
typedef enum { INCITE_MULTI_OVR = 0, INCITE_MULTI_OVO, INCITE_MULTI_CS,
               INCITE_MULTI_AUTO } incite_multiclass;
#define INCITE_AUTO_OVO_MAX_LABELS 4
typedef enum { INCITE_LOSS_SQUARED_HINGE = 0, INCITE_LOSS_HINGE, INCITE_LOSS_LOGISTIC } incite_loss;

/* The bounds incite_train() holds C and gamma (grids included) to:
 * beyond them, weights underflow or overflow when stored as floats. */
#define INCITE_C_MIN 1e-6
#define INCITE_C_MAX 1e6
#define INCITE_GAMMA_MIN 1e-9
#define INCITE_GAMMA_MAX 1e6

typedef struct incite_train_options {
    incite_config features;
    incite_solver solver;
    incite_kernel kernel;      /* LIBSVM only */
    incite_multiclass multiclass; /* LIBLINEAR: AUTO, OVR, OVO or CS; LIBSVM: OVO */
    incite_loss loss;          /* LIBLINEAR */
    double C;                  /* INCITE_C_MIN..INCITE_C_MAX */
    double gamma, coef0;       /* rbf, poly, sigmoid; gamma within the
                                  INCITE_GAMMA_ bounds, |coef0| <= 1e6 */
    int degree;                /* poly: 1..10 */
    int balanced;              /* class weights n / (k * n_label) */
    const char *class_weights; /* "label:w,label:w", multiplies the above */
    int folds;                 /* cross-validation for calibration and
                                  metrics; every label needs >= 2 rows */
    const double *grid_C;      /* if set: choose C (and gamma) by */
    size_t ngrid_C;            /* cross-validated macro-F1 */
    const double *grid_gamma;
    size_t ngrid_gamma;
    uint64_t seed;
    int threads;               /* worker processes for folds */
    const char *flag_label;    /* recorded in the model */
    double eps;                /* solver tolerance; 0: the solver's default */
    /* progress: stage ("featurizing", "fold", "final"), done, total */
    void (*progress)(void *ctx, const char *stage, int done, int total);
    void *progress_ctx;
} incite_train_options;

void incite_train_options_default(incite_train_options *o);
/* What incite_train() checks of the options before it reads any data
 * (ranges, grids, the form of class_weights): INCITE_OK or INCITE_EINVAL,
 * for a caller to refuse bad options before any work. */
int incite_train_options_check(const incite_train_options *o);

/* What the solvers reported about their runs (LIBLINEAR's dual solvers
 * and LIBSVM report each run; a fit makes one per binary problem, one in
 * all for Crammer-Singer): how many iterations they took and how many
 * stopped at their iteration cap instead of reaching the tolerance, i.e.
 * did not converge. */
typedef struct incite_solver_stats {
    long runs;
    long iterations_max;       /* of one run */
    long iterations_total;
    long capped;               /* runs stopped by the cap */
} incite_solver_stats;

/* Out-of-fold results of cross-validation, one row per dataset row. */
typedef struct incite_cv_result {
    size_t n, nlabels;
    int folds;                 /* folds actually used */
    int *pred;                 /* predicted label */
    double *prob;              /* n x nlabels, calibrated on the other folds */
    double best_C, best_gamma; /* chosen by the grid, or the options' */
    incite_solver_stats solver_cv;    /* every cross-validation fit */
    incite_solver_stats solver_final; /* the final fit */
    /* Rows whose features repeat an earlier row's (the same post, or
     * posts that differ only in what the features ignore): folds keep a
     * post's copies together, so none is tested on what it trained on. */
    size_t repeated;           /* rows that repeat an earlier row */
    size_t conflicting;        /* repeated posts with more than one label */
    size_t conflict_row[2];    /* the first such: a row and the earlier one it repeats */
    /* Features in at least min_df of the rows: 0 leaves nothing to learn
     * from, and every model scores every post alike. */
    size_t supported;
} incite_cv_result;
void incite_cv_result_free(incite_cv_result *r);

/* Trains a model (the final fit on every row, calibrated on
 * cross-validated decisions); fills cv when not NULL, which is freeable
 * with incite_cv_result_free() whether training succeeded or not.
 *
 * Process-wide effects: LIBLINEAR and LIBSVM draw from the C library's
 * rand(), which each solver call reseeds from the options' seed (the
 * host's own rand() sequence is not kept), and print through hooks this
 * library silences.  Trainings in several threads take turns at each
 * solver call, so each model still depends on its data, options and seed
 * alone, unless the host calls rand() itself meanwhile.  With threads > 1
 * the folds run in forked worker processes, which report through pipes
 * and are reaped by pid: a host's own children and its SIGCHLD handling
 * are left alone; stdio streams are flushed before forking.  A worker
 * allocates, so forking while other host threads run needs an allocator
 * that stays usable in the child (glibc's does; GCC 12's AddressSanitizer
 * can deadlock there: use threads = 1 in such builds).  The model
 * records SOURCE_DATE_EPOCH, when set, as its training date. */
int incite_train(const incite_dataset *d, const incite_train_options *o, incite_model **out,
                 incite_cv_result *cv);

/* Cross-validates the options without fitting a final model (the same
 * process-wide effects; out is freeable whatever happens). */
int incite_cross_validate(const incite_dataset *d, const incite_train_options *o,
                          incite_cv_result *out);

/* ------------------------------------------------------------------ */
/* Scoring                                                            */
/* ------------------------------------------------------------------ */

typedef struct incite_scorer incite_scorer;

/* A scorer owns a featurizer and scratch: one per thread. */
incite_scorer *incite_scorer_new(const incite_model *m);
void incite_scorer_free(incite_scorer *s);

/* Keep readable n-grams, which incite_scorer_explain() needs. */
void incite_scorer_keep_names(incite_scorer *s, int on);

typedef struct incite_score {
    int label;              /* predicted label */
    double margin;          /* the decision value that chose it */
    const double *prob;     /* calibrated probability per label */
    const double *margins;  /* raw margin per label */
    incite_text_stats stats;
} incite_score;

/* Scores one post; the arrays stay valid until the next call.  target is
 * the stance target, for models trained with one. */
int incite_score_post(incite_scorer *s, const char *text, size_t len, const char *target,
                      incite_score *out);

typedef struct incite_contribution {
    const char *ngram;      /* readable, as --dump features shows it */
    double weight;          /* its part of the margin */
} incite_contribution;

typedef struct incite_explanation {
    double margin;          /* = bias + sum of top[].weight + rest */
    double bias;
    double rest;            /* every feature not shown */
    size_t ntop;
    const incite_contribution *top; /* strongest toward the label first,
                                       then strongest against it */
} incite_explanation;

/* Explains the last scored post: the k n-grams that pushed hardest toward
 * its label and the k that pushed hardest against.  Linear models only
 * (INCITE_EINVAL for kernels).  Valid until the next call. */
int incite_scorer_explain(incite_scorer *s, size_t k, incite_explanation *out);

/* ------------------------------------------------------------------ */
/* Evaluation                                                         */
/* ------------------------------------------------------------------ */

#define INCITE_ECE_BINS 15
typedef struct incite_metrics {
    size_t n, k;
    double accuracy, macro_f1, micro_f1, weighted_f1;
    double *precision, *recall, *f1, *support; /* per label */
    double *roc_auc, *pr_auc;  /* per label, one vs rest; NAN if undefined */
    double *confusion;         /* k x k, [true * k + predicted] */
    double brier;              /* mean over posts of sum_k (p_k - y_k)^2 */
    double ece;                /* 15 equal bins of the top probability */
    /* The reliability diagram behind ece: bin b holds the posts whose top
     * probability is in [b/15, (b+1)/15) (the last bin includes 1); its
     * support (the posts' weights, as support[] counts), their mean top
     * probability, and the share of them whose top label is the true one
     * (both NAN for an empty bin). */
    double bin_weight[INCITE_ECE_BINS], bin_confidence[INCITE_ECE_BINS],
        bin_accuracy[INCITE_ECE_BINS];
} incite_metrics;

/* truth, pred: n label indexes < k; prob: n x k in [0, 1], or NULL;
 * weight: NULL or per-row weights, finite and >= 0 (INCITE_EINVAL
 * otherwise).  Ratios with a zero denominator count as 0, as
 * scikit-learn's zero_division=0. */
int incite_metrics_compute(size_t n, size_t k, const int *truth, const int *pred,
                           const double *prob, const double *weight, incite_metrics *m);
void incite_metrics_free(incite_metrics *m);

/* ------------------------------------------------------------------ */
/* Robustness measurements                                            */
/* ------------------------------------------------------------------ */

/* What evaders do to text; see perturb.c for each rewrite. */
typedef enum incite_perturb_kind {
    INCITE_PERTURB_ZEROWIDTH = 0, INCITE_PERTURB_FULLWIDTH, INCITE_PERTURB_HOMOGLYPH,
    INCITE_PERTURB_ELONGATE, INCITE_PERTURB_LEET, INCITE_PERTURB_SPACING,
    INCITE_PERTURB_MIXED, INCITE_PERTURB_COUNT
} incite_perturb_kind;

const char *incite_perturb_name(incite_perturb_kind k);
int incite_perturb_parse(const char *name);   /* -1: unknown */

/* Rewrites each word of 3+ ASCII letters, or of 3+ Devanagari or Gurmukhi
 * letters (by akshara, with the kinds those scripts have: zerowidth,
 * elongate, spacing), with probability rate, from a generator seeded by
 * seed (give each row its own): the same arguments always give the same
 * text.  *out is allocated (free() it). */
int incite_perturb(const char *text, size_t len, incite_perturb_kind kind, double rate,
                   uint64_t seed, char **out, size_t *out_len);

typedef enum incite_script {
    INCITE_SCRIPT_NONE = 0, INCITE_SCRIPT_LATIN, INCITE_SCRIPT_DEVANAGARI,
    INCITE_SCRIPT_GURMUKHI, INCITE_SCRIPT_OTHER, INCITE_SCRIPT_MIXED
} incite_script;

/* The script of at least 80% of a post's letters, else MIXED (NONE: no
 * letters). */
incite_script incite_script_of(const char *text, size_t len);
const char *incite_script_name(incite_script s);

#ifdef __cplusplus
}
#endif

#endif /* INCITE_H */
