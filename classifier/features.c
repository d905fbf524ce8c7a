/*
 * features.c - third stage: tokens -> hashed n-gram counts.
 *
 * Word n-grams run over the token sequence; char n-grams run inside each
 * word token padded with a boundary mark on both sides (sklearn's
 * char_wb), so "maaro", "maro" and "maar" share " ma", "mar" and Hindi
 * stems share their prefixes.  Each n-gram hashes (hash.h) to a bucket of
 * its group (word, char, and with a stance target their crossed twins,
 * hashed again with the target).
 *
 * Counting: every emission is appended to an array, which one sort on the
 * key groups; a run of equal keys is one feature.  This is faster than a
 * hash table for posts of tweet size (no probing, no mispredicted
 * branches) and leaves the features sorted, as the solvers want them.
 * The sort is a bucket sort in which no emission moves far, and radix sort
 * takes crowded or very long posts, so no post costs more than linear
 * time.  Without names or a target (scoring, training), emissions carry no
 * index and the hot loops below are specialized for that case.
 */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "hash.h"
#include "internal.h"
#include "utf8.h"

#define BOUNDARY 0x20  /* never inside a token: the tokenizer splits on it */
#define SIGN_BIT (1ull << 31)

/* The emission loops keep everything in locals: config fields are
 * uint8_t, which may alias any store, and would otherwise be reloaded
 * after every write to the emission array. */
typedef struct emitter {
    uint64_t *out;       /* ft->emit */
    size_t n;
    feature_origin *origin; /* NULL unless names are wanted */
    unsigned shift;      /* 64 - hash_bits */
    unsigned kshift;     /* 64 - hash_bits - group_shift(): a key's place */
    uint64_t bucket;     /* mask of a hash's top hash_bits bits */
    uint64_t nmask;      /* fast_emission()'s sign bit, 0 if unsigned */
    int sign;            /* signed hashing */
    uint64_t target;     /* target hash, 0 when not crossing */
} emitter;

/* An emission left-aligns the key: its bucket is the hash's top hash_bits
 * bits, kept in place, and the group follows them (see feature_table). */
static inline uint64_t emission(const emitter *em, uint32_t group, uint64_t h, size_t n)
{
    uint64_t neg = (h >> (em->shift - 1)) & (uint64_t)em->sign;
    return (h & em->bucket) | (uint64_t)group << em->kshift | neg << 31 | n;
}

/* emission() without the index, which only names need; the sign bit moves
 * from right below the bucket to two places further down, below the group
 * bits, with a shift that does not depend on the configuration.  signs is
 * constant where inlined: unsigned hashing skips the sign bit. */
static inline uint64_t fast_emission(const emitter *em, uint64_t group_bits, uint64_t h,
                                     int signs)
{
    return (h & em->bucket) | (signs ? (h >> 2) & em->nmask : 0) | group_bits;
}

/* The general path: names and target crossing. */
static void emit(emitter *em, uint32_t group, uint64_t h, const feature_origin *org)
{
    if (em->origin)
        em->origin[em->n] = *org;
    em->out[em->n] = emission(em, group, h, em->n);
    em->n++;
    if (em->target) {
        if (em->origin)
            em->origin[em->n] = *org;
        em->out[em->n] = emission(em, group + 2, hash_final(h ^ em->target), em->n);
        em->n++;
    }
}

/* Stance targets are matched without regard to ASCII case. */
uint64_t target_hash(uint32_t seed, const char *t)
{
    uint64_t h = hash_seed(seed, 3);
    for (size_t i = 0; t[i]; i++) {
        unsigned char ch = (unsigned char)t[i];
        h = hash_step(h, (ch >= 'A' && ch <= 'Z') ? ch + 32u : ch);
    }
    h = hash_final(h);
    return h ? h : 1;
}

/* Word n-grams of orders word_min..nmax over tokens [from, ntok). */
static void word_ngrams(emitter *em, const incite_config *c, const uint64_t *th, size_t from,
                        size_t ntok, size_t nmax)
{
    const uint64_t seed = hash_seed(c->hash_seed, 1);
    const size_t nmin = c->word_min;
    if (!em->origin && !em->target) {
        uint64_t *restrict out = em->out;
        size_t n = em->n;
        for (size_t i = from; i < ntok; i++) {
            uint64_t g = seed;
            for (size_t k = 1; k <= nmax && i + k <= ntok; k++) {
                g = hash_step(g, th[i + k - 1]);
                if (k >= nmin) {
                    out[n] = fast_emission(em, (uint64_t)GROUP_WORD << em->kshift, hash_final(g),
                                           1);
                    n++;
                }
            }
        }
        em->n = n;
        return;
    }
    for (size_t i = from; i < ntok; i++) {
        uint64_t g = seed;
        for (size_t n = 1; n <= nmax && i + n <= ntok; n++) {
            g = hash_step(g, th[i + n - 1]);
            if (n < nmin)
                continue;
            feature_origin org = {.kind = ORIGIN_WORD, .tok = (uint32_t)i, .a = (uint32_t)n};
            emit(em, GROUP_WORD, hash_final(g), &org);
        }
    }
}

/* Code points of a token, padded with BOUNDARY; off[k] is the byte offset
 * of the token's k-th code point, off[count] its length.  Returns the
 * padded length. */
static size_t padded_code_points(const incite_token *t, uint32_t *cp, uint32_t *off)
{
    size_t L = 0;
    cp[L++] = BOUNDARY;
    for (uint32_t b = 0; b < t->len;) {
        unsigned char ch = (unsigned char)t->text[b];
        off[L - 1] = b;
        if (ch < 0x80) {
            cp[L++] = ch;
            b++;
        } else {
            int32_t v;
            b += (uint32_t)utf8_next((const unsigned char *)t->text + b, &v);
            cp[L++] = (uint32_t)v;
        }
    }
    off[L - 1] = t->len;
    cp[L++] = BOUNDARY;
    return L;
}

/* A token's code points, padded with BOUNDARY, into cp[0..L); returns L. */
static size_t padded_code_points_fast(const incite_token *t, uint32_t *restrict cp)
{
    const unsigned char *s = (const unsigned char *)t->text;
    size_t L = 0;
    cp[L++] = BOUNDARY;
    for (size_t b = 0; b < t->len;) {
        if (s[b] < 0x80) {
            cp[L++] = s[b++];
        } else {
            int32_t v;
            b += utf8_next(s + b, &v);
            cp[L++] = (uint32_t)v;
        }
    }
    cp[L++] = BOUNDARY;
    return L;
}

/* Whether a token is all ASCII, a word at a time (TOKEN_SLACK readable
 * bytes follow every token). */
static inline int token_is_ascii(const incite_token *t)
{
    const size_t n = t->len;
    uint64_t any = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, t->text + i, sizeof w);
        any |= w;
    }
    memcpy(&w, t->text + i, sizeof w);
    any |= w & ~(~0ull << (8 * (n - i)));
    return (any & 0x8080808080808080ull) == 0;
}

/* Unit k of a token's padded code points: a byte of an ASCII token, read
 * in place (the tokenizer puts a space, which is BOUNDARY, on either side
 * of a word), or a decoded code point. */
static inline uint64_t unit(const void *units, ptrdiff_t k, int wide)
{
    return wide ? ((const uint32_t *)units)[k] : ((const unsigned char *)units)[k];
}

/* The hot loops of the whole core: a token's char n-grams, no names, no
 * target, from its L padded units, in two parts.  char_full() emits the
 * n-grams of every order from a start where they all fit; char_tail() the
 * last nmax - nmin starts, from which d < nmax units remain: their
 * emissions are fixed in number, so they go without the branches that
 * ragged loops mispredict.  Start L - d exists only if L >= d; otherwise
 * its emissions are computed from what lies before the units (at least
 * PAD of them are readable) and not kept.  Both return the new emission
 * count. */
enum { PAD = 8 };

static inline size_t char_full(const emitter *em, uint64_t *restrict out, size_t n,
                               const void *units, int wide, size_t i, uint64_t seed,
                               size_t nmin, size_t nmax, int signs)
{
    const uint64_t gb = (uint64_t)GROUP_CHAR << em->kshift;
    uint64_t h = seed;
    size_t j = 0;
#pragma GCC unroll 8
    for (; j + 1 < nmin; j++)
        h = hash_step(h, unit(units, (ptrdiff_t)(i + j), wide));
#pragma GCC unroll 8
    for (; j < nmax; j++) {
        h = hash_step(h, unit(units, (ptrdiff_t)(i + j), wide));
        out[n++] = fast_emission(em, gb, hash_final(h), signs);
    }
    return n;
}

static inline size_t char_tail(const emitter *em, uint64_t *restrict out, size_t n,
                               const void *units, int wide, size_t L, uint64_t seed,
                               size_t nmin, size_t nmax, int signs)
{
    const uint64_t gb = (uint64_t)GROUP_CHAR << em->kshift;
#pragma GCC unroll 8
    for (size_t d = nmax - 1; d >= nmin; d--) {
        const ptrdiff_t start = (ptrdiff_t)L - (ptrdiff_t)d;
        const size_t keep = L >= d;
        uint64_t h = seed;
        size_t j = 0;
#pragma GCC unroll 8
        for (; j + 1 < nmin; j++)
            h = hash_step(h, unit(units, start + (ptrdiff_t)j, wide));
#pragma GCC unroll 8
        for (; j < d; j++) {
            h = hash_step(h, unit(units, start + (ptrdiff_t)j, wide));
            out[n] = fast_emission(em, gb, hash_final(h), signs);
            n += keep;
        }
    }
    return n;
}

/* Every word token's char n-grams, no names, no target.  An ASCII word's
 * full starts (from which every order fits) are only listed in starts[]
 * (up to FLAT of them, the rest at once) and its tail done; one loop over
 * the list then emits them all, so that the number of starts, which
 * varies from word to word, costs one mispredicted loop exit per post
 * rather than per word.  Other words go start by start from their code
 * points.  Inlined with the orders and signs as constants for orders
 * 2-5, signed (the default) or not. */
enum { FLAT = 8 };

static ALWAYS_INLINE size_t char_ngrams_words(const emitter *em, uint64_t *restrict out,
                                              size_t n, const incite_token *tok, size_t ntok,
                                              uint32_t *cp, const unsigned char **starts,
                                              uint64_t seed, size_t nmin, size_t nmax,
                                              int signs)
{
    size_t ns = 0;
    for (size_t t = 0; t < ntok; t++) {
        if (tok[t].kind != INCITE_TOKEN_WORD)
            continue;
        if (token_is_ascii(&tok[t])) {
            const unsigned char *units = (const unsigned char *)tok[t].text - 1;
            const size_t L = (size_t)tok[t].len + 2;
            const size_t full = L >= nmax ? L - nmax + 1 : 0;
#pragma GCC unroll 8
            for (size_t q = 0; q < FLAT; q++)
                starts[ns + q] = units + q;
            if (full <= FLAT) {
                ns += full;
            } else {
                ns += FLAT;
                for (size_t i = FLAT; i < full; i++)
                    n = char_full(em, out, n, units, 0, i, seed, nmin, nmax, signs);
            }
            n = char_tail(em, out, n, units, 0, L, seed, nmin, nmax, signs);
        } else {
            const size_t L = padded_code_points_fast(&tok[t], cp);
            for (size_t i = 0; i + nmax <= L; i++)
                n = char_full(em, out, n, cp, 1, i, seed, nmin, nmax, signs);
            n = char_tail(em, out, n, cp, 1, L, seed, nmin, nmax, signs);
        }
    }
    for (size_t k = 0; k < ns; k++)
        n = char_full(em, out, n, starts[k], 0, 0, seed, nmin, nmax, signs);
    return n;
}

static void char_ngrams_all(emitter *em, const incite_config *c, const incite_token *tok,
                            size_t ntok, uint32_t *cp, const unsigned char **starts)
{
    const uint64_t seed = hash_seed(c->hash_seed, 2);
    const size_t nmin = c->char_min, nmax = c->char_max;
    const emitter local = *em;
    for (size_t k = 0; k < PAD; k++)
        cp[k] = BOUNDARY;
    cp += PAD;
    if (nmin == 2 && nmax == 5 && local.sign)
        em->n = char_ngrams_words(&local, em->out, em->n, tok, ntok, cp, starts, seed, 2, 5, 1);
    else if (nmin == 2 && nmax == 5)
        em->n = char_ngrams_words(&local, em->out, em->n, tok, ntok, cp, starts, seed, 2, 5, 0);
    else
        em->n = char_ngrams_words(&local, em->out, em->n, tok, ntok, cp, starts, seed, nmin,
                                  nmax, local.sign);
}

static void char_ngrams(emitter *em, const incite_config *c, const incite_token *t,
                        uint32_t tok_index, uint32_t *cp, uint32_t *off)
{
    size_t L = padded_code_points(t, cp, off);
    const uint64_t seed = hash_seed(c->hash_seed, 2);
    const size_t nmin = c->char_min, nmax = c->char_max;
    for (size_t i = 0; i < L; i++) {
        uint64_t h = seed;
        size_t jmax = i + nmax < L ? i + nmax : L;
        for (size_t j = i; j < jmax; j++) {
            h = hash_step(h, cp[j]);
            if (j - i + 1 < nmin)
                continue;
            feature_origin org = {0};
            if (em->origin) {
                size_t first = i ? i - 1 : 0, last = (j < L - 1 ? j : L - 2);
                org = (feature_origin){
                    .kind = ORIGIN_CHAR,
                    .bound = (uint8_t)((i == 0) | ((j == L - 1) << 1)),
                    .tok = tok_index,
                    .a = off[first],
                    .b = off[last] - off[first],
                };
            }
            emit(em, GROUP_CHAR, hash_final(h), &org);
        }
    }
}

/* LSD radix sort on the key bits, 11 a pass, back and forth between a and
 * tmp.  Returns the buffer that holds the result. */
static uint64_t *radix_sort(uint64_t *a, uint64_t *tmp, size_t n, unsigned key_bits)
{
    static _Thread_local uint32_t count[1 << 11];
    for (unsigned shift = 64 - key_bits; shift < 64; shift += 11) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(a[i] >> shift) & 0x7ff]++;
        uint32_t sum = 0;
        for (size_t d = 0; d < (1 << 11); d++) {
            uint32_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i] >> shift) & 0x7ff]++] = a[i];
        uint64_t *t = a;
        a = tmp;
        tmp = t;
    }
    return a;
}

/* The smaller of x and y in *lo, the larger in *hi, without a branch:
 * which one is larger is a coin toss. */
static inline void order2(uint64_t x, uint64_t y, uint64_t *lo, uint64_t *hi)
{
    uint64_t swap = 0 - (uint64_t)(x > y);
    uint64_t d = (x ^ y) & swap;
    *lo = x ^ d;
    *hi = y ^ d;
}

/* Turns the counts of buckets (a multiple of 8, each count and their sum
 * below 2^16) into exclusive prefix sums, in place.  Returns the OR of the
 * counts, which reaches 2^k exactly if some count does.
 *
 * With SSE2 (every x86-64), eight counts at a time: three shifted adds
 * give each lane the sum of the counts up to it, and the running total
 * is kept in all eight lanes, so the loop carries one add per eight
 * buckets.  Without it, four at a time in a 64-bit word, the same way. */
#if defined(__SSE2__)
static unsigned bucket_starts(uint16_t *count, size_t buckets)
{
    __m128i total = _mm_setzero_si128(), any = _mm_setzero_si128();
    for (size_t q = 0; q < buckets; q += 8) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(count + q));
        any = _mm_or_si128(any, x);
        __m128i incl = _mm_add_epi16(x, _mm_slli_si128(x, 2));
        incl = _mm_add_epi16(incl, _mm_slli_si128(incl, 4));
        incl = _mm_add_epi16(incl, _mm_slli_si128(incl, 8));
        _mm_storeu_si128((__m128i *)(void *)(count + q),
                         _mm_add_epi16(_mm_sub_epi16(incl, x), total));
        __m128i last = _mm_shufflehi_epi16(incl, 0xff);   /* lanes 4-7: lane 7 */
        total = _mm_add_epi16(total, _mm_unpackhi_epi64(last, last));
    }
    any = _mm_or_si128(any, _mm_srli_si128(any, 8));
    any = _mm_or_si128(any, _mm_srli_si128(any, 4));
    any = _mm_or_si128(any, _mm_srli_si128(any, 2));
    return (unsigned)_mm_cvtsi128_si32(any) & 0xffff;
}
#else
static unsigned bucket_starts(uint16_t *count, size_t buckets)
{
    const uint64_t lanes = 0x0001000100010001ull;
    uint64_t total = 0, any = 0;
    for (size_t q = 0; q < buckets; q += 4) {
        uint64_t x;
        memcpy(&x, count + q, sizeof x);
        any |= x;
        uint64_t incl = x + (x << 16);
        incl += incl << 32;
        uint64_t start = incl - x + total;
        memcpy(count + q, &start, sizeof start);
        total += (incl >> 48) * lanes;
    }
    any |= any >> 32;
    any |= any >> 16;
    return (unsigned)(any & 0xffff);
}
#endif

/* Keys are hash-uniform: a counting pass on their top bits gives buckets
 * of about one emission.  Each emission is then stored at its bucket's
 * next slot and, as in insertion sort, moved back past the larger ones
 * already there, so that one pass places and sorts.  Nearly always it
 * moves by one place or none: that step is done without a branch, and
 * only a move further back (the bucket's third emission or later) loops.
 * What lies before a bucket is a smaller bucket's emission or the zero
 * that every slot (and out[0] and out[1]) holds until it is filled, and
 * nothing sorts below zero, so no bound check is needed.
 *
 * No emission moves past more than CROWD others, so the cost is linear:
 * if keys crafted to share top bits (or one n-gram repeated) crowd a
 * bucket, or beyond 2^TOP emissions, radix sort takes over.  With names,
 * the choice stays what it always was, radix sort beyond 1024 emissions
 * and this sort (crowded or not) below: radix sort orders equal keys by
 * emission alone, this sort by sign first, and the name shown for a
 * feature emitted with both signs (a collision) must not change.
 * Returns the sorted array:
 * out, of n + 2 elements, from out[2], or one of a and out. */
static const uint64_t *sort_emissions(uint64_t *a, uint64_t *out, size_t n, unsigned key_bits,
                                      int names)
{
    enum { TOP = 12, CROWD = 32 };
    if (n > (names ? 1024u : 1u << TOP))
        return radix_sort(a, out, n, key_bits);
    unsigned top = 4;   /* at least 16 buckets: bucket_starts() takes 8 at a time */
    while (top < TOP && ((size_t)1 << top) < n)   /* about one per bucket */
        top++;
    if (top > key_bits)
        top = key_bits;
    const unsigned shift = 64 - top;
    const size_t buckets = (size_t)1 << top;
    uint16_t next[1 << TOP];
    memset(next, 0, buckets * sizeof *next);
#pragma GCC unroll 2
    for (size_t i = 0; i < n; i++)
        next[a[i] >> shift]++;
    if (bucket_starts(next, buckets) >= CROWD && !names)
        return radix_sort(a, out, n, key_bits);
    memset(out, 0, (n + 2) * sizeof *out);
    uint64_t *t = out + 2;
    for (size_t i = 0; i < n; i++) {
        uint64_t v = a[i];
        ptrdiff_t j = next[v >> shift]++;   /* signed: t[j - 2] may be out[0] */
        order2(t[j - 1], v, &t[j - 1], &t[j]);
        if (t[j - 2] > v) {
            for (j--; t[j - 1] > v; j--)
                t[j] = t[j - 1];
            t[j] = v;
        }
    }
    return t;
}

/* Runs of equal keys -> distinct features with signed counts, without a
 * branch per emission: whether a run goes on is a coin toss.  Each
 * emission rewrites its run's entry.  Keys sit at kshift; neg is the
 * sign bit, and unsigned hashing (signs constant 0) makes every step 1.
 * A count is taken as a difference from where its run began (its index,
 * or the running sum of steps), so that the loop carries nothing longer
 * than one add or select per emission. */
static inline void count_runs_signed(feature_table *ft, const uint64_t *restrict em,
                                     unsigned kshift, uint64_t neg, int signs)
{
    feature_entry *restrict e = ft->e;
    const size_t n = ft->n_emit;
    size_t k = 0, start = 0;
    int32_t sum = 0, base = 0;
    uint32_t prev = n ? (uint32_t)(em[0] >> kshift) : 0;
#pragma GCC unroll 2
    for (size_t i = 0; i < n; i++) {
        uint32_t key = (uint32_t)(em[i] >> kshift);
        uint32_t fresh = key != prev;
        k += fresh;
        int32_t count;
        if (signs) {
            base = fresh ? sum : base;
            sum += 1 - 2 * ((em[i] & neg) != 0);
            count = sum - base;
        } else {
            start = fresh ? i : start;
            count = (int32_t)(i + 1 - start);
        }
        e[k] = (feature_entry){.key = key, .count = count};
        prev = key;
    }
    ft->n = n ? k + 1 : 0;
}

static void count_runs(feature_table *ft, const uint64_t *em, unsigned kshift, uint64_t neg,
                       int signs)
{
    if (signs)
        count_runs_signed(ft, em, kshift, neg, 1);
    else
        count_runs_signed(ft, em, kshift, neg, 0);
}

/* Where each feature came from, for names: its run's first emission
 * (the sort puts unsigned emissions first, then by index). */
static void run_origins(feature_table *ft, const uint64_t *restrict em, unsigned kshift)
{
    size_t k = 0;
    for (size_t i = 0; i < ft->n_emit; i++)
        if (i == 0 || em[i] >> kshift != em[i - 1] >> kshift)
            ft->first[k++] = (uint32_t)(em[i] & (SIGN_BIT - 1));
}

int features_extract(feature_table *ft, const incite_config *c, const incite_token *tok,
                     size_t ntok, size_t nmain, const char *target)
{
    ft->n = ft->n_emit = 0;
    ft->have_origin = 0;
    const int crossed = c->target_cross && target && *target;
    /* Exactly how many emissions this post makes, so that the loops below
     * never check for room.  Folded variants (tokens from nmain on) give
     * unigrams, never longer word n-grams. */
    size_t emissions = 0, longest = 0;
    for (size_t n = c->word_min; c->word_max && n <= c->word_max; n++)
        emissions += nmain >= n ? nmain - n + 1 : 0;
    if (c->word_min == 1 && c->word_max)
        emissions += ntok - nmain;
    for (size_t i = 0; c->char_max && i < ntok; i++) {
        /* words only, counted by arithmetic: the kind is a coin toss;
         * bytes bound code points */
        const size_t word = tok[i].kind == INCITE_TOKEN_WORD;
        const size_t len = word * tok[i].len;
        emissions += word * (len + 2) * (c->char_max - c->char_min + 1u);
        longest = len > longest ? len : longest;
    }
    if (crossed)
        emissions *= 2;
    if (emissions >= SIGN_BIT)
        return set_error(INCITE_ELIMIT, "a post with more than 2^31 n-grams");
    if (grow_array(&ft->emit, &ft->emit_cap, emissions + 1, sizeof *ft->emit) ||
        grow_array(&ft->tmp, &ft->tmp_cap, emissions + 3, sizeof *ft->tmp) ||
        grow_array(&ft->scratch, &ft->scratch_cap, 2 * (longest + 3) + PAD,
                   sizeof *ft->scratch) ||
        grow_array(&ft->tok_hash, &ft->tok_hash_cap, ntok + 1, sizeof *ft->tok_hash) ||
        grow_array(&ft->starts, &ft->starts_cap, FLAT * (ntok + 1), sizeof *ft->starts) ||
        (ft->want_origin &&
         grow_array(&ft->origin, &ft->origin_cap, emissions + 1, sizeof *ft->origin)))
        return INCITE_ENOMEM;
    emitter em = {
        .out = ft->emit,
        .origin = ft->want_origin ? ft->origin : NULL,
        .shift = 64u - c->hash_bits,
        .kshift = 64u - c->hash_bits - group_shift(c),
        .bucket = ~0ull << (64u - c->hash_bits),
        .nmask = (uint64_t)c->signed_hash << (61u - c->hash_bits),
        .sign = c->signed_hash,
        .target = crossed ? target_hash(c->hash_seed, target) : 0,
    };
    if (c->word_max) {
        const uint64_t seed = hash_seed(c->hash_seed, 0);
        for (size_t i = 0; i < ntok; i++)
            ft->tok_hash[i] = hash_bytes_padded(seed, tok[i].text, tok[i].len);
        word_ngrams(&em, c, ft->tok_hash, 0, nmain, c->word_max);
        if (c->word_min == 1)
            word_ngrams(&em, c, ft->tok_hash, nmain, ntok, 1);
    }
    if (c->char_max && !em.origin && !em.target) {
        char_ngrams_all(&em, c, tok, ntok, ft->scratch, ft->starts);
    } else if (c->char_max) {
        uint32_t *cp = ft->scratch, *off = ft->scratch + longest + 3;
        for (size_t i = 0; i < ntok; i++)
            if (tok[i].kind == INCITE_TOKEN_WORD)
                char_ngrams(&em, c, &tok[i], (uint32_t)i, cp, off);
    }
    ft->n_emit = em.n;
    const uint64_t *sorted =
        sort_emissions(ft->emit, ft->tmp, ft->n_emit, c->hash_bits + group_shift(c),
                       ft->want_origin);
    if (grow_array(&ft->e, &ft->cap, ft->n_emit + 1, sizeof *ft->e) ||
        (ft->want_origin && grow_array(&ft->first, &ft->first_cap, ft->n_emit + 1,
                                       sizeof *ft->first)))
        return INCITE_ENOMEM;
    const int fast = !em.origin && !em.target;
    count_runs(ft, sorted, em.kshift, fast ? em.nmask : SIGN_BIT, c->signed_hash);
    if (ft->want_origin)
        run_origins(ft, sorted, em.kshift);
    ft->have_origin = ft->want_origin;
    return INCITE_OK;
}

void feature_table_release(feature_table *ft)
{
    free(ft->emit);
    free(ft->tmp);
    free(ft->e);
    free(ft->origin);
    free(ft->first);
    free(ft->scratch);
    free(ft->tok_hash);
    free(ft->starts);
    *ft = (feature_table){0};
}
