/*
 * normalize.c - first stage of the arrow: raw bytes -> normalized UTF-8.
 *
 * Output: NFKC with case folding (utf8proc), default-ignorable code points
 * removed (zero-width spaces and joiners, soft hyphen, bidi controls,
 * variation selectors) except a ZWJ inside an emoji sequence, emoji skin
 * tones dropped, HTML entities decoded, every run of white space and
 * control characters (NUL included) one space, no space at either end.
 * Invalid UTF-8 follows utf8.h's policy: one U+FFFD per maximal subpart,
 * counted.  Combining marks are never stripped, so Devanagari and Gurmukhi
 * keep their vowel signs, viramas and nuktas.
 *
 * ASCII, most of every post, takes a byte loop that is little more than a
 * copy; each run of non-ASCII code points goes through utf8proc, together
 * with the ASCII character before it, which a combining mark may compose
 * with (e + U+0301 -> é).  No ASCII character composes with what precedes
 * it, so the run ends at the next ASCII byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "bytes.h"
#include "internal.h"
#include "utf8.h"

#define ZWJ 0x200D

/* ASCII: lower case, and control characters become spaces. */
static const unsigned char ascii_map[128] = {
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
    ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
    '@', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '[', '\\', ']', '^', '_',
    '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', ' ',
};

/* Named entities seen in scraped posts; anything else stays as typed. */
static const struct {
    const char *name;
    int32_t cp;
} html_names[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'},
    {"apos", '\''}, {"nbsp", 0xA0}, {"hellip", 0x2026},
};

/* Decodes an HTML entity at s[0] == '&'; returns its length or 0. */
static size_t html_entity(const char *s, size_t n, int32_t *cp)
{
    if (n < 3)
        return 0;
    if (s[1] == '#') {
        size_t i = 2;
        int hex = i < n && (s[i] == 'x' || s[i] == 'X');
        i += (size_t)hex;
        int32_t v = 0;
        size_t digits = 0;
        for (; i < n && digits < 8; i++, digits++) {
            char ch = s[i];
            int d;
            if (ch >= '0' && ch <= '9') d = ch - '0';
            else if (hex && ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
            else if (hex && ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
            else break;
            v = v * (hex ? 16 : 10) + d;
            if (v > 0x10FFFF)
                v = 0x110000;   /* out of range whatever follows; never overflows */
        }
        if (!digits || i >= n || s[i] != ';' || v <= 0 || v > 0x10FFFF ||
            (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return i + 1;
    }
    for (size_t k = 0; k < sizeof html_names / sizeof html_names[0]; k++) {
        size_t l = strlen(html_names[k].name);
        if (l + 2 <= n && memcmp(s + 1, html_names[k].name, l) == 0 && s[l + 1] == ';') {
            *cp = html_names[k].cp;
            return l + 2;
        }
    }
    return 0;
}

/* Next input code point at in[*i], decoding entities when asked. */
static int32_t next_cp(const char *in, size_t len, size_t *i, uint32_t flags,
                       incite_text_stats *st)
{
    int32_t cp;
    if (in[*i] == '&' && (flags & INCITE_NORM_HTML)) {
        size_t l = html_entity(in + *i, len - *i, &cp);
        if (l) {
            *i += l;
            return cp;
        }
    }
    int bad;
    *i += utf8_decode((const unsigned char *)in + *i, len - *i, &cp, &bad);
    st->invalid_utf8 += (size_t)bad;
    return cp;
}

static int is_pictographic(int32_t cp)
{
    int bc = utf8proc_get_property(cp)->boundclass;
    return bc == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC || bc == UTF8PROC_BOUNDCLASS_E_ZWG;
}

static int is_space(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
        return 1;
    default:
        return 0;
    }
}

/* Appends to buf (at *len) the decomposition of cp under opt. */
static int decompose_into(int32_t **buf, size_t *cap, size_t *len, int32_t cp,
                          utf8proc_option_t opt)
{
    for (;;) {
        int bc = 0;
        utf8proc_ssize_t room = (utf8proc_ssize_t)(*cap - *len);
        utf8proc_ssize_t k = utf8proc_decompose_char(cp, *buf ? *buf + *len : NULL, room, opt, &bc);
        if (k < 0)
            return set_error(INCITE_EFORMAT, "utf8proc: %s", utf8proc_errmsg(k));
        if (k <= room) {
            *len += (size_t)k;
            return INCITE_OK;
        }
        if (grow_array(buf, cap, *len + (size_t)k, sizeof **buf))
            return INCITE_ENOMEM;
    }
}

/* Appends cp's compatibility decomposition (NFKD, look-alike punctuation
 * lumped) to the run; case folding waits for canonical order. */
static int run_append(normalizer *nz, size_t *rl, int32_t cp, uint32_t flags)
{
    if (!(flags & INCITE_NORM_NFKC)) {
        if (grow_array(&nz->run, &nz->run_cap, *rl + 1, sizeof *nz->run))
            return INCITE_ENOMEM;
        nz->run[(*rl)++] = cp;
        return INCITE_OK;
    }
    return decompose_into(&nz->run, &nz->run_cap, rl, cp,
                          UTF8PROC_COMPAT | UTF8PROC_LUMP | UTF8PROC_DECOMPOSE);
}

/* Canonical ordering of combining marks, which utf8proc leaves to its
 * string-level entry points; stable, so equal classes keep their order.
 * As in Unicode's Stream-Safe Text Format (UAX #15), a run of more than
 * MAX_NONSTARTERS marks is ordered that many at a time: no real text has
 * such a run, and hostile text then costs linear time, not quadratic. */
#define MAX_NONSTARTERS 30
static void canonical_order(int32_t *s, size_t n)
{
    size_t run = 0, first = 0;   /* marks since the last starter; where this chunk of them starts */
    for (size_t i = 0; i < n; i++) {
        int ci = utf8proc_get_property(s[i])->combining_class;
        if (!ci) {
            run = 0;
            continue;
        }
        if (run++ % MAX_NONSTARTERS == 0)
            first = i;
        size_t j = i;
        while (j > first) {
            int cj = utf8proc_get_property(s[j - 1])->combining_class;
            if (cj <= ci)
                break;
            int32_t t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
            j--;
        }
    }
}

/* Case folding of a decomposed, canonically ordered run, as
 * NFKC_Casefold(X) = NFKC(toCasefold(NFKD(X))) prescribes: folding before
 * ordering would let U+0345, which folds to a starter, stop marks from
 * reordering, and the same text would normalize two ways. */
static int case_fold(normalizer *nz, size_t *rl)
{
    size_t i = 0;
    while (i < *rl && utf8proc_get_property(nz->run[i])->casefold_seqindex == UINT16_MAX)
        i++;
    if (i == *rl)
        return INCITE_OK;   /* nothing to fold: the common case */
    size_t n = 0;
    for (size_t k = 0; k < *rl; k++) {
        int rc = decompose_into(&nz->fold, &nz->fold_cap, &n, nz->run[k],
                                UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE);
        if (rc)
            return rc;
    }
    canonical_order(nz->fold, n);
    int32_t *t = nz->run;
    size_t tc = nz->run_cap;
    nz->run = nz->fold;
    nz->run_cap = nz->fold_cap;
    nz->fold = t;
    nz->fold_cap = tc;
    *rl = n;
    return INCITE_OK;
}

/* Normalizes the non-ASCII run starting at in[*i] and appends it. */
static int slow_run(normalizer *nz, const char *in, size_t len, size_t *i,
                    uint32_t flags, incite_text_stats *st, size_t *o)
{
    size_t rl = 0;
    int rc;
    /* The ASCII character before the run may compose with its first mark. */
    if (*o > 0 && nz->out[*o - 1] != ' ') {
        if ((rc = run_append(nz, &rl, (unsigned char)nz->out[*o - 1], flags)))
            return rc;
        (*o)--;
    }
    while (*i < len) {
        unsigned char b = (unsigned char)in[*i];
        if (b < 0x80 && b != '&')
            break;
        size_t save = *i;
        int32_t cp = next_cp(in, len, i, flags, st);
        if (cp < 0x80 && b == '&') {    /* an entity for an ASCII character */
            *i = save;
            break;
        }
        if (flags & INCITE_NORM_IGNORABLES) {
            if (cp != ZWJ && utf8proc_get_property(cp)->ignorable)
                continue;
        }
        if ((flags & INCITE_NORM_SKIN_TONE) && cp >= 0x1F3FB && cp <= 0x1F3FF)
            continue;
        if ((rc = run_append(nz, &rl, cp, flags)))
            return rc;
    }
    if (flags & INCITE_NORM_NFKC) {
        canonical_order(nz->run, rl);
        if ((rc = case_fold(nz, &rl)))
            return rc;
        utf8proc_ssize_t k = utf8proc_normalize_utf32(nz->run, (utf8proc_ssize_t)rl,
                                                      UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        if (k < 0)
            return set_error(INCITE_EFORMAT, "utf8proc: %s", utf8proc_errmsg(k));
        rl = (size_t)k;
    }
    if (grow_array(&nz->out, &nz->cap, *o + rl * 4 + (len - *i) + 1 + NORM_SLACK, 1))
        return INCITE_ENOMEM;
    char *out = nz->out;
    for (size_t k = 0; k < rl; k++) {
        int32_t cp = nz->run[k];
        if (cp == ZWJ && (flags & INCITE_NORM_IGNORABLES) &&
            !(k > 0 && k + 1 < rl && is_pictographic(nz->run[k - 1]) &&
              is_pictographic(nz->run[k + 1])))
            continue;
        if (cp < 0x80 ? ascii_map[cp] == ' ' : is_space(cp)) {
            if (*o > 0 && out[*o - 1] != ' ')
                out[(*o)++] = ' ';
            continue;
        }
        *o += utf8_encode(cp, out + *o);
    }
    return INCITE_OK;
}

/* Eight bytes (little-endian in x) that the ASCII loop would copy but for
 * case: printable ASCII but '&', no space after a space (prev is the byte
 * before).  Returns 1 and sets *lower to them lower-cased, else 0.  Nearly
 * every 8 bytes of a post are so, and take a handful of 64-bit operations
 * instead of a table lookup and a store each. */
static inline int plain_block(uint64_t x, unsigned prev, uint64_t *lower)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    if (x & high)
        return 0;
    const uint64_t control = ~(x + (0x80 - 0x20) * ones) & high;   /* below ' ' */
    const uint64_t del = zero_bytes(x ^ (0x7f * ones));
    const uint64_t amp = zero_bytes(x ^ ('&' * ones));
    const uint64_t space = zero_bytes(x ^ (' ' * ones));
    const uint64_t spaces = space & (space << 8 | (prev == ' ' ? 0x80u : 0u));
    if (control | del | amp | spaces)
        return 0;
    const uint64_t upper = (x + (0x80 - 'A') * ones) & ~(x + (0x7f - 'Z') * ones) & high;
    *lower = x | upper >> 2;   /* 'A'..'Z' + 0x20 */
    return 1;
}

int normalize(normalizer *nz, uint32_t flags, const char *in, size_t len,
              incite_text_stats *st)
{
    *st = (incite_text_stats){.bytes_in = len};
    /* the buffers' sizes below are small multiples of len: never wrap */
    if (len > SIZE_MAX / 8)
        return set_error(INCITE_ELIMIT, "a text of %zu bytes", len);
    /* ASCII never grows; slow_run() grows the buffer for what it adds. */
    if (grow_array(&nz->out, &nz->cap, len + 1 + NORM_SLACK, 1))
        return INCITE_ENOMEM;
    size_t i = 0, o = 0;
    int rc;
    while (i < len) {
        /* A run of ASCII: every byte is written, and kept unless it is a
         * space after a space (or at the start), by arithmetic rather
         * than a branch on each word's end. */
        char *out = nz->out;
        unsigned prev = o ? (unsigned char)out[o - 1] : ' ';
        size_t nul = 0;
        while (i < len) {
            uint64_t x, y;
            if (len - i >= 8 && (memcpy(&x, in + i, sizeof x), plain_block(x, prev, &y))) {
                memcpy(out + o, &y, sizeof y);
                o += 8;
                i += 8;
                prev = (unsigned)(y >> 56);
                continue;
            }
            const size_t stop = len - i > 8 ? i + 8 : len;
            for (; i < stop; i++) {
                unsigned char b = (unsigned char)in[i];
                if (b >= 0x80 || b == '&')
                    break;
                unsigned char m = ascii_map[b];
                out[o] = (char)m;
                o += (m != ' ') | (prev != ' ');
                prev = m;
                nul += b == 0;
            }
            if (i < stop)
                break;
        }
        st->nul_bytes += nul;
        if (i == len)
            break;
        unsigned char b = (unsigned char)in[i];
        if (b == '&') {
            int32_t cp = '&';
            size_t l = (flags & INCITE_NORM_HTML) ? html_entity(in + i, len - i, &cp) : 0;
            if (cp < 0x80) {
                unsigned char m = ascii_map[cp];
                if (m != ' ')
                    nz->out[o++] = (char)m;
                else if (o > 0 && nz->out[o - 1] != ' ')
                    nz->out[o++] = ' ';
                i += l ? l : 1;
                continue;
            }
        }
        if ((rc = slow_run(nz, in, len, &i, flags, st, &o)))
            return rc;
    }
    if (o > 0 && nz->out[o - 1] == ' ')
        o--;
    memset(nz->out + o, 0, NORM_SLACK);
    nz->len = o;
    return INCITE_OK;
}

void normalizer_release(normalizer *nz)
{
    free(nz->out);
    free(nz->run);
    free(nz->fold);
    *nz = (normalizer){0};
}
