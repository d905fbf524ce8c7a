/*
 * model_io.c - the model file: written whole or not at all, read with
 * every size, count, range and checksum checked before use.
 *
 * Layout (little-endian): the magic "INCITEMD", a u32 format version,
 * then sections - a 4-byte tag, a u64 payload length, the payload - and a
 * u64 trailer: the hash.h byte hash (seed MODEL_SEED) of everything
 * before it.  Sections: CONF (feature configuration), LABL (labels, flag
 * label), KIND (linear or kernel, decision scheme), IDF (sparse: varint
 * key gaps and f32 idf), WGHT (linear: biases, f32 weights per IDF row),
 * SVMK (kernel: LIBSVM's parameters and support vectors), CALB (Platt
 * sigmoids), CURV (the flag label's cross-validated precision curve), META
 * (training metadata, key/value strings).  Strings are length-prefixed,
 * so labels and metadata may hold any byte but NUL.
 *
 * Writing goes to a temporary file in the target's directory, is synced
 * and renamed into place: a crash never leaves half a model under the
 * target name.  Reading never trusts a count before checking it against
 * the bytes that remain, and never hands LIBSVM unchecked data.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "model.h"

#define MAGIC "INCITEMD"
#define MODEL_VERSION 1u
#define MODEL_SEED 0x5eed1c17u
#define MAX_SECTION_BYTES ((uint64_t)1 << 34)
#define MAX_ROW_FLOATS ((uint64_t)1 << 28)   /* 1 GiB of rows */

/* ---- writing ------------------------------------------------------ */

typedef struct wbuf {
    unsigned char *p;
    size_t n, cap;
    int oom;
} wbuf;

static void put(wbuf *w, const void *src, size_t n)
{
    if (w->oom)
        return;
    if (grow_array(&w->p, &w->cap, w->n + n, 1)) {
        w->oom = 1;
        return;
    }
    memcpy(w->p + w->n, src, n);
    w->n += n;
}

static void put_u8(wbuf *w, uint8_t v) { put(w, &v, 1); }

static void put_u32(wbuf *w, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    put(w, b, 4);
}

static void put_u64(wbuf *w, uint64_t v)
{
    put_u32(w, (uint32_t)v);
    put_u32(w, (uint32_t)(v >> 32));
}

static void put_f32(wbuf *w, float f)
{
    uint32_t v;
    memcpy(&v, &f, 4);
    put_u32(w, v);
}

static void put_f64(wbuf *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u64(w, v);
}

static void put_varint(wbuf *w, uint32_t v)
{
    while (v >= 0x80) {
        put_u8(w, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    put_u8(w, (uint8_t)v);
}

static void put_str(wbuf *w, const char *s)
{
    size_t n = strlen(s);
    put_u32(w, (uint32_t)n);
    put(w, s, n);
}

static size_t begin(wbuf *w, const char tag[4])
{
    put(w, tag, 4);
    put_u64(w, 0);
    return w->n;
}

static void end(wbuf *w, size_t start)
{
    if (w->oom)
        return;
    uint64_t len = w->n - start;
    for (int k = 0; k < 8; k++)
        w->p[start - 8 + (size_t)k] = (unsigned char)(len >> (8 * k));
}

static void write_config(wbuf *w, const incite_config *c)
{
    size_t s = begin(w, "CONF");
    put_u32(w, c->format);
    put_u32(w, c->normalize);
    put_u32(w, c->tokenize);
    put_u32(w, c->fold);
    put_u8(w, c->word_min);
    put_u8(w, c->word_max);
    put_u8(w, c->char_min);
    put_u8(w, c->char_max);
    put_u8(w, c->hash_bits);
    put_u8(w, c->signed_hash);
    put_u8(w, c->sublinear_tf);
    put_u8(w, c->target_cross);
    put_u32(w, c->hash_seed);
    put_u32(w, c->min_df);
    end(w, s);
}

static void serialize(const incite_model *m, wbuf *w)
{
    put(w, MAGIC, 8);
    put_u32(w, MODEL_VERSION);
    write_config(w, &m->cfg);

    size_t s = begin(w, "LABL");
    put_u32(w, (uint32_t)m->nlabels);
    for (size_t i = 0; i < m->nlabels; i++)
        put_str(w, m->labels[i]);
    put_u32(w, (uint32_t)m->flag);
    end(w, s);

    s = begin(w, "KIND");
    put_u32(w, (uint32_t)m->kind);
    put_u32(w, (uint32_t)m->scheme);
    end(w, s);

    uint32_t dim = incite_config_dimension(&m->cfg);
    s = begin(w, "IDF ");
    put_u32(w, (uint32_t)m->nsupported);
    uint32_t next = 0;
    for (uint32_t k = 0; k < dim; k++) {
        float idf = m->rows[(size_t)k * m->stride];
        if (idf == 0.0f)
            continue;
        put_varint(w, k - next);
        put_f32(w, idf);
        next = k + 1;
    }
    end(w, s);

    if (m->kind == MODEL_LINEAR) {
        s = begin(w, "WGHT");
        put_u32(w, (uint32_t)m->ndec);
        for (size_t d = 0; d < m->ndec; d++)
            put_f64(w, m->bias[d]);
        for (uint32_t k = 0; k < dim; k++) {
            const float *row = m->rows + (size_t)k * m->stride;
            if (row[0] == 0.0f)
                continue;
            for (size_t d = 0; d < m->ndec; d++)
                put_f32(w, row[1 + d]);
        }
        end(w, s);
    } else {
        const struct svm_model *v = &m->svm;
        s = begin(w, "SVMK");
        put_u32(w, (uint32_t)v->param.kernel_type);
        put_u32(w, (uint32_t)v->param.degree);
        put_f64(w, v->param.gamma);
        put_f64(w, v->param.coef0);
        put_u32(w, (uint32_t)v->l);
        for (int i = 0; i < v->nr_class; i++)
            put_u32(w, (uint32_t)v->nSV[i]);
        for (size_t p = 0; p < m->ndec; p++)
            put_f64(w, v->rho[p]);
        for (int j = 0; j + 1 < v->nr_class; j++)
            for (int i = 0; i < v->l; i++)
                put_f64(w, v->sv_coef[j][i]);
        for (int i = 0; i < v->l; i++) {
            uint32_t nnz = 0;
            for (const struct svm_node *x = v->SV[i]; x->index != -1; x++)
                nnz++;
            put_u32(w, nnz);
            uint32_t prev = 0;
            for (const struct svm_node *x = v->SV[i]; x->index != -1; x++) {
                put_varint(w, (uint32_t)x->index - prev);
                put_f64(w, x->value);
                prev = (uint32_t)x->index;
            }
        }
        end(w, s);
    }

    s = begin(w, "CALB");
    put_u32(w, (uint32_t)m->ndec);
    for (size_t d = 0; d < m->ndec; d++) {
        put_f64(w, m->calib[d].a);
        put_f64(w, m->calib[d].b);
    }
    end(w, s);

    s = begin(w, "CURV");
    put_u32(w, (uint32_t)m->ncurve);
    for (size_t i = 0; i < m->ncurve; i++) {
        put_f64(w, m->curve[i].threshold);
        put_f64(w, m->curve[i].precision);
        put_f64(w, m->curve[i].recall);
    }
    end(w, s);

    s = begin(w, "META");
    put_u32(w, (uint32_t)m->nmeta);
    for (size_t i = 0; i < m->nmeta; i++) {
        put_str(w, m->meta[i].key);
        put_str(w, m->meta[i].value);
    }
    end(w, s);

    if (!w->oom)
        put_u64(w, hash_bytes(hash_seed(MODEL_SEED, 7), (const char *)w->p, w->n));
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* incite_model_save() to path, which is no symbolic link; name is the
 * caller's path, for messages. */
static int save_to(const incite_model *m, const char *path, const char *name)
{
    /* The rename below replaces whatever path is: a device or a FIFO
     * would become a model file. */
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return set_error(INCITE_EIO, "%s: is a directory", name);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return set_error(INCITE_EIO,
                         "%s: not a regular file (a device, FIFO or socket): a model goes to a "
                         "file, written beside it and renamed onto it",
                         name);
    wbuf w = {0};
    serialize(m, &w);
    if (w.oom) {
        free(w.p);
        return set_error(INCITE_ENOMEM, "out of memory serializing the model");
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) {
        free(w.p);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = set_error(INCITE_EIO, "%s: cannot create a temporary file next to it: %s", name,
                           strerror(errno));
        free(tmp);
        free(w.p);
        return rc;
    }
    const char *step = "write";
    if (write_all(fd, w.p, w.n) != 0)
        goto fail;
    step = "sync";
    if (fsync(fd) != 0)
        goto fail;
    step = "close";
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (chmod(tmp, 0644) != 0) {
        step = "chmod";
        goto fail;
    }
    step = "rename";
    if (rename(tmp, path) != 0)
        goto fail;
    free(tmp);
    free(w.p);
    return INCITE_OK;
fail:;
    int err = errno;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    free(w.p);
    return set_error(INCITE_EIO, "%s: %s failed: %s (the previous file, if any, is untouched)", name,
                     step, strerror(err));
}

int incite_model_save(const incite_model *m, const char *path)
{
    clear_error();
    /* A symbolic link is saved through, as writing to it would be: the
     * rename would otherwise replace the link itself with the model and
     * leave the file it points to as it was (/dev/stdout, a link, would
     * become a model file). */
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
        return save_to(m, path, path);
    char *target = realpath(path, NULL);
    if (!target)
        return set_error(INCITE_EIO, "%s: a symbolic link that cannot be followed: %s", path,
                         strerror(errno));
    /* messages name both: the temporary file goes beside the target */
    size_t n = strlen(path) + strlen(target) + 8;
    char *name = malloc(n);
    if (!name) {
        free(target);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    snprintf(name, n, "%s -> %s", path, target);
    int rc = save_to(m, target, name);
    free(name);
    free(target);
    return rc;
}

/* ---- reading ------------------------------------------------------ */

typedef struct rbuf {
    const unsigned char *p;
    size_t n, i;
    int short_read;
    int oom;            /* a copy could not be allocated (get_str) */
} rbuf;

static int need(rbuf *r, size_t k)
{
    if (r->short_read || r->n - r->i < k) {
        r->short_read = 1;
        return 0;
    }
    return 1;
}

static uint8_t get_u8(rbuf *r)
{
    return need(r, 1) ? r->p[r->i++] : 0;
}

static uint32_t get_u32(rbuf *r)
{
    if (!need(r, 4))
        return 0;
    const unsigned char *b = r->p + r->i;
    r->i += 4;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t get_u64(rbuf *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}

static float get_f32(rbuf *r)
{
    uint32_t v = get_u32(r);
    float f;
    memcpy(&f, &v, 4);
    return f;
}

static double get_f64(rbuf *r)
{
    uint64_t v = get_u64(r);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static uint32_t get_varint(rbuf *r)
{
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        uint8_t b = get_u8(r);
        if (shift == 28 && b > 0x0f) {
            r->short_read = 1;   /* more than 32 bits: malformed */
            return 0;
        }
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->short_read = 1;
    return 0;
}

/* A string of at most max bytes without NUL, copied. */
static char *get_str(rbuf *r, size_t max)
{
    uint32_t n = get_u32(r);
    if (n > max || !need(r, n))
        return NULL;
    if (memchr(r->p + r->i, '\0', n))
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) {
        r->oom = 1;
        return NULL;
    }
    memcpy(s, r->p + r->i, n);
    s[n] = '\0';
    r->i += n;
    return s;
}

typedef struct loader {
    const char *path;
    incite_model *m;
    rbuf sec;        /* the section being read */
    char tag[5];
    uint32_t nidf;   /* rows listed in IDF */
    uint32_t *idf_keys;
} loader;

static int bad(loader *L, const char *what)
{
    return set_error(INCITE_EFORMAT, "%s: corrupt model file: %s%s%s", L->path, what,
                     L->tag[0] ? " in section " : "", L->tag[0] ? L->tag : "");
}

static int is_finite(double x)
{
    return isfinite(x);
}

static int read_config(loader *L, incite_config *c)
{
    rbuf *r = &L->sec;
    c->format = get_u32(r);
    c->normalize = get_u32(r);
    c->tokenize = get_u32(r);
    c->fold = get_u32(r);
    c->word_min = get_u8(r);
    c->word_max = get_u8(r);
    c->char_min = get_u8(r);
    c->char_max = get_u8(r);
    c->hash_bits = get_u8(r);
    c->signed_hash = get_u8(r);
    c->sublinear_tf = get_u8(r);
    c->target_cross = get_u8(r);
    c->hash_seed = get_u32(r);
    c->min_df = get_u32(r);
    if (r->short_read)
        return bad(L, "truncated");
    int rc = incite_config_check(c);
    if (rc)
        return set_error(rc, "%s: model's feature configuration: %s", L->path, incite_last_error());
    return INCITE_OK;
}

static int read_labels(loader *L)
{
    rbuf *r = &L->sec;
    uint32_t n = get_u32(r);
    if (r->short_read || n < 2 || n > MODEL_MAX_LABELS)
        return bad(L, "label count out of range");
    char *labels[MODEL_MAX_LABELS];
    size_t got = 0;
    int rc = INCITE_OK;
    for (; got < n; got++) {
        labels[got] = get_str(r, MODEL_MAX_LABEL_LEN);
        if (!labels[got] || !labels[got][0]) {
            free(labels[got]);   /* an empty label was allocated */
            rc = r->oom ? set_error(INCITE_ENOMEM, "out of memory") : bad(L, "bad label");
            break;
        }
        for (size_t j = 0; j < got; j++)
            if (strcmp(labels[j], labels[got]) == 0) {
                rc = bad(L, "duplicate label");
                got++;
                goto out;
            }
    }
    if (!rc) {
        L->m->labels = calloc(n, sizeof *L->m->labels);
        if (!L->m->labels)
            rc = set_error(INCITE_ENOMEM, "out of memory");
        else {
            memcpy(L->m->labels, labels, n * sizeof *labels);
            L->m->nlabels = n;
            got = 0;   /* now owned by the model */
        }
    }
    if (!rc) {
        int32_t flag = (int32_t)get_u32(r);
        if (r->short_read || flag < -1 || flag >= (int32_t)n)
            rc = bad(L, "flag label out of range");
        L->m->flag = flag;
    }
out:
    for (size_t j = 0; j < got; j++)
        free(labels[j]);
    return rc;
}

static int read_kind(loader *L)
{
    rbuf *r = &L->sec;
    incite_model *m = L->m;
    uint32_t kind = get_u32(r), scheme = get_u32(r);
    if (r->short_read)
        return bad(L, "truncated");
    if (kind != MODEL_LINEAR && kind != MODEL_KERNEL)
        return bad(L, "unknown model kind");
    if (scheme < SCHEME_BINARY || scheme > SCHEME_OVO)
        return bad(L, "unknown decision scheme");
    if ((scheme == SCHEME_BINARY) != (m->nlabels == 2 && scheme == SCHEME_BINARY) ||
        (kind == MODEL_KERNEL && scheme != SCHEME_OVO))
        return bad(L, "decision scheme does not fit the labels");
    m->kind = (model_kind)kind;
    m->scheme = (model_scheme)scheme;
    m->ndec = scheme_decisions(m->scheme, m->nlabels);
    m->stride = kind == MODEL_LINEAR ? 1 + m->ndec : 1;
    size_t dim = incite_config_dimension(&m->cfg);
    /* a configuration can ask for more rows than any real model needs: a
     * limit, not an allocation that happens to fail */
    if ((uint64_t)dim * m->stride > MAX_ROW_FLOATS)
        return set_error(INCITE_ELIMIT, "%s: model too large: %zu features x %zu values per row",
                         L->path, dim, m->stride);
    m->rows = model_alloc_rows(dim * m->stride, &m->rows_mapped);
    m->calib = calloc(m->ndec, sizeof *m->calib);
    if (kind == MODEL_LINEAR)
        m->bias = calloc(m->ndec, sizeof *m->bias);
    if (!m->rows || !m->calib || (kind == MODEL_LINEAR && !m->bias))
        return set_error(INCITE_ENOMEM, "out of memory for the model's rows");
    return INCITE_OK;
}

static int read_idf(loader *L)
{
    rbuf *r = &L->sec;
    incite_model *m = L->m;
    uint32_t dim = incite_config_dimension(&m->cfg);
    uint32_t n = get_u32(r);
    /* each row takes at least 5 bytes: never allocate for a lying count */
    if (r->short_read || n > dim || (size_t)n * 5 > r->n - r->i)
        return bad(L, "row count out of range");
    /* huge pages only where rows fill a quarter of the space or more:
     * scattered rows would each commit 2 MiB (model_alloc_rows()) */
    if ((uint64_t)n * 4 >= dim)
        model_advise_rows(m->rows, m->rows_mapped);
    L->idf_keys = malloc(((size_t)n + 1) * sizeof *L->idf_keys);
    if (!L->idf_keys)
        return set_error(INCITE_ENOMEM, "out of memory");
    uint64_t key = 0;
    for (uint32_t i = 0; i < n; i++) {
        key += get_varint(r);
        float idf = get_f32(r);
        if (r->short_read)
            return bad(L, "truncated");
        if (key >= dim)
            return bad(L, "feature index out of range");
        if (!(idf > 0.0f) || !is_finite(idf) || idf > 1e6f)
            return bad(L, "idf out of range");
        m->rows[key * m->stride] = idf;
        L->idf_keys[i] = (uint32_t)key;
        key++;
    }
    L->nidf = n;
    m->nsupported = n;
    return INCITE_OK;
}

static int read_weights(loader *L)
{
    rbuf *r = &L->sec;
    incite_model *m = L->m;
    uint32_t ndec = get_u32(r);
    if (r->short_read || ndec != m->ndec)
        return bad(L, "decision count does not fit the scheme");
    if ((uint64_t)ndec * 8 + (uint64_t)L->nidf * ndec * 4 != r->n - r->i)
        return bad(L, "size does not match the rows");
    for (uint32_t d = 0; d < ndec; d++) {
        m->bias[d] = get_f64(r);
        if (!is_finite(m->bias[d]))
            return bad(L, "bias not finite");
    }
    for (uint32_t i = 0; i < L->nidf; i++) {
        float *row = m->rows + (size_t)L->idf_keys[i] * m->stride;
        for (uint32_t d = 0; d < ndec; d++) {
            row[1 + d] = get_f32(r);
            if (!is_finite(row[1 + d]))
                return bad(L, "weight not finite");
        }
    }
    return r->short_read ? bad(L, "truncated") : INCITE_OK;
}

static int read_kernel(loader *L)
{
    rbuf *r = &L->sec;
    incite_model *m = L->m;
    struct svm_model *v = &m->svm;
    uint32_t dim = incite_config_dimension(&m->cfg);
    int k = (int)m->nlabels;
    v->param.svm_type = C_SVC;
    v->param.kernel_type = (int)get_u32(r);
    v->param.degree = (int)get_u32(r);
    v->param.gamma = get_f64(r);
    v->param.coef0 = get_f64(r);
    uint32_t l = get_u32(r);
    if (r->short_read)
        return bad(L, "truncated");
    /* within incite-train's own bounds: with support vectors of unit
     * norm, no kernel value can then overflow */
    if (v->param.kernel_type < LINEAR || v->param.kernel_type > SIGMOID ||
        v->param.degree < 0 || v->param.degree > 20 || !(v->param.gamma >= 0) ||
        !(v->param.gamma <= 1e6) || !(fabs(v->param.coef0) <= 1e6))
        return bad(L, "kernel parameters out of range");
    /* each support vector takes at least 4 bytes + its coefficients */
    if (l == 0 || (uint64_t)l * (4 + 8 * (uint64_t)(k - 1)) > r->n - r->i)
        return bad(L, "support vector count out of range");
    v->nr_class = k;
    v->l = (int)l;
    v->nSV = calloc((size_t)k, sizeof *v->nSV);
    v->label = calloc((size_t)k, sizeof *v->label);
    v->rho = calloc(m->ndec, sizeof *v->rho);
    v->sv_coef = calloc((size_t)k - 1, sizeof *v->sv_coef);
    v->SV = calloc(l, sizeof *v->SV);
    if (!v->nSV || !v->label || !v->rho || !v->sv_coef || !v->SV)
        return set_error(INCITE_ENOMEM, "out of memory");
    v->sv_coef[0] = calloc((size_t)(k - 1) * l, sizeof **v->sv_coef);
    if (!v->sv_coef[0])
        return set_error(INCITE_ENOMEM, "out of memory");
    uint64_t total = 0;
    for (int i = 0; i < k; i++) {
        v->label[i] = i;
        v->nSV[i] = (int)get_u32(r);
        if (v->nSV[i] < 0 || (uint32_t)v->nSV[i] > l)
            return bad(L, "support vector counts out of range");
        total += (uint32_t)v->nSV[i];
    }
    if (r->short_read || total != l)
        return bad(L, "support vector counts do not add up");
    for (size_t p = 0; p < m->ndec; p++)
        if (!is_finite(v->rho[p] = get_f64(r)))
            return bad(L, "rho not finite");
    for (int j = 0; j + 1 < k; j++) {
        v->sv_coef[j] = v->sv_coef[0] + (size_t)j * l;
        for (uint32_t i = 0; i < l; i++)
            if (!is_finite(v->sv_coef[j][i] = get_f64(r)))
                return bad(L, "coefficient not finite");
    }
    if (r->short_read)
        return bad(L, "truncated");
    /* nodes: count first, bounded by the bytes left (>= 9 bytes a node) */
    size_t mark = r->i, nodes = 0;
    for (uint32_t i = 0; i < l; i++) {
        uint32_t nnz = get_u32(r);
        if (r->short_read || nnz > dim || (uint64_t)nnz * 9 > r->n - r->i)
            return bad(L, "support vector size out of range");
        for (uint32_t j = 0; j < nnz; j++) {
            get_varint(r);
            get_f64(r);
        }
        nodes += nnz + 1;
    }
    if (r->short_read)
        return bad(L, "truncated");
    r->i = mark;
    m->sv_nodes = malloc(nodes * sizeof *m->sv_nodes);
    if (!m->sv_nodes)
        return set_error(INCITE_ENOMEM, "out of memory");
    struct svm_node *x = m->sv_nodes;
    for (uint32_t i = 0; i < l; i++) {
        uint32_t nnz = get_u32(r);
        uint64_t index = 0;
        v->SV[i] = x;
        for (uint32_t j = 0; j < nnz; j++) {
            uint32_t gap = get_varint(r);
            index += gap;
            if ((j > 0 && gap == 0) || index == 0 || index > dim)
                return bad(L, "support vector index out of order or range");
            x->index = (int)index;
            x->value = get_f64(r);
            /* support vectors are training posts' vectors, each group of
             * unit norm: a value past 1 only serves to overflow a kernel */
            if (!is_finite(x->value) || x->value > 1.000001 || x->value < -1.000001)
                return bad(L, "support vector value out of range");
            x++;
        }
        x->index = -1;
        x->value = 0;
        x++;
    }
    return r->short_read ? bad(L, "truncated") : INCITE_OK;
}

static int read_calibration(loader *L)
{
    rbuf *r = &L->sec;
    incite_model *m = L->m;
    uint32_t n = get_u32(r);
    if (r->short_read || n != m->ndec || (uint64_t)n * 16 != r->n - r->i)
        return bad(L, "calibration does not fit the decisions");
    for (uint32_t d = 0; d < n; d++) {
        m->calib[d].a = get_f64(r);
        m->calib[d].b = get_f64(r);
        if (!is_finite(m->calib[d].a) || !is_finite(m->calib[d].b))
            return bad(L, "calibration not finite");
    }
    return INCITE_OK;
}

static int read_curve(loader *L)
{
    rbuf *r = &L->sec;
    incite_model *m = L->m;
    uint32_t n = get_u32(r);
    if (r->short_read || (uint64_t)n * 24 != r->n - r->i)
        return bad(L, "curve size does not match");
    if (n && !(m->curve = malloc(n * sizeof *m->curve)))
        return set_error(INCITE_ENOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        curve_point *c = &m->curve[i];
        c->threshold = get_f64(r);
        c->precision = get_f64(r);
        c->recall = get_f64(r);
        if (!(c->threshold >= 0 && c->threshold <= 1 && c->precision >= 0 && c->precision <= 1 &&
              c->recall >= 0 && c->recall <= 1) ||
            (i > 0 && !(c->threshold >= m->curve[i - 1].threshold)))
            return bad(L, "curve point out of range or order");
    }
    m->ncurve = n;
    return INCITE_OK;
}

static int read_meta(loader *L)
{
    rbuf *r = &L->sec;
    uint32_t n = get_u32(r);
    if (r->short_read || n > 4096 || (uint64_t)n * 8 > r->n - r->i)
        return bad(L, "metadata count out of range");
    for (uint32_t i = 0; i < n; i++) {
        char *k = get_str(r, 1024), *v = get_str(r, MODEL_META_MAX);
        int rc = (k && v)  ? model_set_meta(L->m, k, v)
                 : r->oom ? set_error(INCITE_ENOMEM, "out of memory")
                          : bad(L, "bad metadata string");
        free(k);
        free(v);
        if (rc)
            return rc;
    }
    return r->i == r->n ? INCITE_OK : bad(L, "trailing bytes");
}

static int parse(loader *L, const unsigned char *p, size_t n)
{
    if (n < 8 + 4 + 8 || memcmp(p, MAGIC, 8) != 0)
        return set_error(INCITE_EFORMAT, "%s: not an incite model file", L->path);
    rbuf top = {.p = p, .n = n - 8, .i = 8};
    uint32_t version = get_u32(&top);
    if (version != MODEL_VERSION)
        return set_error(INCITE_EVERSION, "%s: model format version %u; this build reads version %u",
                         L->path, version, MODEL_VERSION);
    rbuf tail = {.p = p, .n = n, .i = n - 8};
    uint64_t want = get_u64(&tail);
    if (hash_bytes(hash_seed(MODEL_SEED, 7), (const char *)p, n - 8) != want)
        return set_error(INCITE_EFORMAT, "%s: corrupt model file: checksum mismatch "
                         "(truncated or modified)", L->path);
    static const char *const order[] = {"CONF", "LABL", "KIND", "IDF ", NULL /* WGHT|SVMK */,
                                        "CALB", "CURV", "META"};
    incite_model *m = L->m;
    for (size_t s = 0; s < sizeof order / sizeof order[0]; s++) {
        L->tag[0] = '\0';
        if (!need(&top, 12))
            return bad(L, "missing section");
        memcpy(L->tag, top.p + top.i, 4);
        L->tag[4] = '\0';
        top.i += 4;
        uint64_t len = get_u64(&top);
        const char *want_tag = order[s] ? order[s] : (m->kind == MODEL_LINEAR ? "WGHT" : "SVMK");
        if (strcmp(L->tag, want_tag) != 0)
            return bad(L, "unexpected section");
        if (len > MAX_SECTION_BYTES || !need(&top, (size_t)len))
            return bad(L, "section longer than the file");
        L->sec = (rbuf){.p = top.p + top.i, .n = (size_t)len};
        top.i += (size_t)len;
        int rc;
        switch (s) {
        case 0: rc = read_config(L, &m->cfg); break;
        case 1: rc = read_labels(L); break;
        case 2: rc = read_kind(L); break;
        case 3: rc = read_idf(L); break;
        case 4: rc = m->kind == MODEL_LINEAR ? read_weights(L) : read_kernel(L); break;
        case 5: rc = read_calibration(L); break;
        case 6: rc = read_curve(L); break;
        default: rc = read_meta(L); break;
        }
        if (rc)
            return rc;
        if (s < 7 && L->sec.i != L->sec.n)
            return bad(L, "section size does not match its content");
    }
    L->tag[0] = '\0';
    if (top.i != top.n)
        return bad(L, "bytes after the last section");
    return INCITE_OK;
}

int incite_model_load(const char *path, incite_model **out)
{
    clear_error();
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO (or a device) must not wait for a writer
     * before fstat() refuses it; it changes nothing for a regular file */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return set_error(INCITE_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    FILE *fp;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return set_error(INCITE_EIO, "%s: not a regular file", path);
    }
    if (!(fp = fdopen(fd, "rb"))) {
        close(fd);
        return set_error(INCITE_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    if ((uint64_t)st.st_size > MAX_SECTION_BYTES) {
        fclose(fp);
        return set_error(INCITE_EFORMAT, "%s: too large to be a model", path);
    }
    size_t n = (size_t)st.st_size;
    /* the magic and the version first: no memory, and no reading, for
     * what is no model or one this build cannot read */
    unsigned char head[12];
    size_t got = n >= sizeof head ? fread(head, 1, sizeof head, fp) : 0;
    if (got != sizeof head || memcmp(head, MAGIC, 8) != 0) {
        int rerr = ferror(fp);
        fclose(fp);
        return rerr ? set_error(INCITE_EIO, "%s: read error", path)
                    : set_error(INCITE_EFORMAT, "%s: not an incite model file", path);
    }
    rbuf hv = {.p = head, .n = sizeof head, .i = 8};
    uint32_t version = get_u32(&hv);
    if (version != MODEL_VERSION) {
        fclose(fp);
        return set_error(INCITE_EVERSION, "%s: model format version %u; this build reads version %u",
                         path, version, MODEL_VERSION);
    }
    unsigned char *p = malloc(n);
    if (!p) {
        fclose(fp);
        return set_error(INCITE_ENOMEM, "%s: out of memory reading %zu bytes", path, n);
    }
    memcpy(p, head, sizeof head);
    got += fread(p + sizeof head, 1, n - sizeof head, fp);
    int rerr = ferror(fp);
    fclose(fp);
    if (got != n || rerr) {
        free(p);
        return set_error(INCITE_EIO, "%s: read error", path);
    }
    loader L = {.path = path, .m = calloc(1, sizeof(incite_model))};
    if (!L.m) {
        free(p);
        return set_error(INCITE_ENOMEM, "out of memory");
    }
    L.m->flag = -1;
    int rc = parse(&L, p, n);
    free(p);
    free(L.idf_keys);
    if (rc) {
        if (L.m->kind != MODEL_KERNEL)
            L.m->kind = MODEL_LINEAR;   /* nothing kernel-owned to free */
        incite_model_free(L.m);
        return rc;
    }
    *out = L.m;
    return INCITE_OK;
}
