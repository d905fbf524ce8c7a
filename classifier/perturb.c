/*
 * perturb.c - what evaders do to a post, done deterministically, so that
 * incite-eval --perturb can measure what it costs a model.
 *
 * A word (a run of non-space bytes) with at least three ASCII letters is
 * rewritten with probability `rate`, drawn from a generator seeded by the
 * seed and the row, so the same call always gives the same text:
 *  zerowidth  U+200B between its letters        kill -> k​i​l​l
 *  fullwidth  its ASCII letters fullwidth        kill -> ｋｉｌｌ
 *  homoglyph  Latin letters with Cyrillic or Greek twins replaced
 *  elongate   each vowel repeated 3 to 6 times   kill -> kiiiill
 *  leet       a->4 e->3 i->1 o->0 s->5 t->7      kill -> k1ll
 *  spacing    a space between its letters        kill -> k i l l
 *  mixed      one of the above, drawn per word
 *
 * A Devanagari or Gurmukhi word with at least three letters (consonants
 * and independent vowels) takes the rewrites that exist in its script,
 * by akshara (a consonant with the virama-joined consonants and the signs
 * that follow it); the others leave it as it is:
 *  zerowidth  U+200B between its aksharas        मारेंगे -> मा​रें​गे
 *  elongate   each vowel sign 3 to 6 times       मारेंगे -> माााारेेेंगेेेे
 *  spacing    a space between its aksharas       मारेंगे -> मा रें गे
 *  mixed      one of these three, drawn per word
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const kind_names[] = {
    [INCITE_PERTURB_ZEROWIDTH] = "zerowidth", [INCITE_PERTURB_FULLWIDTH] = "fullwidth",
    [INCITE_PERTURB_HOMOGLYPH] = "homoglyph", [INCITE_PERTURB_ELONGATE] = "elongate",
    [INCITE_PERTURB_LEET] = "leet",           [INCITE_PERTURB_SPACING] = "spacing",
    [INCITE_PERTURB_MIXED] = "mixed",
};

const char *incite_perturb_name(incite_perturb_kind k)
{
    return (unsigned)k < INCITE_PERTURB_COUNT ? kind_names[k] : NULL;
}

int incite_perturb_parse(const char *name)
{
    for (int k = 0; k < INCITE_PERTURB_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

/* Cyrillic and Greek letters that look like Latin ones (as UTF-8). */
static const char *homoglyph(char c)
{
    switch (c) {
    case 'a': return "\xd0\xb0";   /* а */
    case 'c': return "\xd1\x81";   /* с */
    case 'e': return "\xd0\xb5";   /* е */
    case 'h': return "\xd2\xbb";   /* һ */
    case 'i': return "\xd1\x96";   /* і */
    case 'j': return "\xd1\x98";   /* ј */
    case 'k': return "\xce\xba";   /* κ */
    case 'o': return "\xd0\xbe";   /* о */
    case 'p': return "\xd1\x80";   /* р */
    case 's': return "\xd1\x95";   /* ѕ */
    case 'v': return "\xce\xbd";   /* ν */
    case 'x': return "\xd1\x85";   /* х */
    case 'y': return "\xd1\x83";   /* у */
    case 'A': return "\xd0\x90";   /* А */
    case 'B': return "\xd0\x92";   /* В */
    case 'E': return "\xd0\x95";   /* Е */
    case 'H': return "\xd0\x9d";   /* Н */
    case 'K': return "\xd0\x9a";   /* К */
    case 'M': return "\xd0\x9c";   /* М */
    case 'O': return "\xd0\x9e";   /* О */
    case 'P': return "\xd0\xa0";   /* Р */
    case 'T': return "\xd0\xa2";   /* Т */
    case 'X': return "\xd0\xa5";   /* Х */
    default: return NULL;
    }
}

static char leet(char c)
{
    switch (c | 0x20) {
    case 'a': return '4';
    case 'e': return '3';
    case 'i': return '1';
    case 'o': return '0';
    case 's': return '5';
    case 't': return '7';
    default: return 0;
    }
}

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_vowel(char c)
{
    return strchr("aeiouAEIOU", c) != NULL && c != '\0';
}

/* The code point at w[i] when it is Devanagari or Gurmukhi (U+0900 to
 * U+0A7F, three bytes of UTF-8), else -1. */
static long indic_at(const char *w, size_t n, size_t i)
{
    const unsigned char *u = (const unsigned char *)w + i;
    if (i + 2 >= n || u[0] != 0xE0 || u[1] < 0xA4 || u[1] > 0xA9 || (u[2] & 0xC0) != 0x80)
        return -1;
    return (long)(((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu));   /* E0: no bits above */
}

static int indic_letter(long cp)   /* consonants and independent vowels */
{
    return (cp >= 0x0904 && cp <= 0x0939) || (cp >= 0x0958 && cp <= 0x0961) ||
           (cp >= 0x0972 && cp <= 0x097F) || (cp >= 0x0A05 && cp <= 0x0A39) ||
           (cp >= 0x0A59 && cp <= 0x0A5E) || (cp >= 0x0A72 && cp <= 0x0A74);
}

static int indic_vowel_sign(long cp)
{
    return (cp >= 0x093E && cp <= 0x094C) || (cp >= 0x0A3E && cp <= 0x0A4C);
}

static int indic_virama(long cp)
{
    return cp == 0x094D || cp == 0x0A4D;
}

/* A word's ASCII letters and its Devanagari and Gurmukhi ones. */
static void count_letters(const char *w, size_t n, size_t *ascii, size_t *indic)
{
    *ascii = *indic = 0;
    for (size_t i = 0; i < n;) {
        long cp = indic_at(w, n, i);
        if (cp >= 0) {
            *indic += (size_t)indic_letter(cp);
            i += 3;
        } else
            *ascii += (size_t)is_letter(w[i++]);
    }
}

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

typedef struct sink {
    char *p;
    size_t n, cap;
    int oom;
} sink;

static void put(sink *s, const char *b, size_t n)
{
    if (s->oom)
        return;
    if (grow_array(&s->p, &s->cap, s->n + n + 1, 1)) {
        s->oom = 1;
        return;
    }
    memcpy(s->p + s->n, b, n);
    s->n += n;
}

static void rewrite(sink *o, const char *w, size_t n, incite_perturb_kind k, uint64_t *rng)
{
    for (size_t i = 0; i < n; i++) {
        char c = w[i];
        int letter = is_letter(c);
        switch (k) {
        case INCITE_PERTURB_ZEROWIDTH:
            put(o, &c, 1);
            if (letter && i + 1 < n && is_letter(w[i + 1]))
                put(o, "\xe2\x80\x8b", 3);
            break;
        case INCITE_PERTURB_FULLWIDTH:
            if (letter) {   /* U+FF21..FF3A, U+FF41..FF5A */
                unsigned cp = 0xFF00u + (unsigned)(unsigned char)c - 0x20u;
                char u[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                             (char)(0x80 | (cp & 0x3F))};
                put(o, u, 3);
            } else
                put(o, &c, 1);
            break;
        case INCITE_PERTURB_HOMOGLYPH: {
            const char *h = homoglyph(c);
            h ? put(o, h, strlen(h)) : put(o, &c, 1);
            break;
        }
        case INCITE_PERTURB_ELONGATE:
            put(o, &c, 1);
            if (is_vowel(c))
                for (uint64_t r = 2 + next(rng) % 4; r > 0; r--)   /* 3 to 6 in all */
                    put(o, &c, 1);
            break;
        case INCITE_PERTURB_LEET: {
            char l = leet(c);
            put(o, l ? &l : &c, 1);
            break;
        }
        case INCITE_PERTURB_SPACING:
            put(o, &c, 1);
            if (letter && i + 1 < n && is_letter(w[i + 1]))
                put(o, " ", 1);
            break;
        default:
            put(o, &c, 1);
        }
    }
}

/* The rewrites of an Indic word, by akshara: a letter begins one unless
 * a virama joins it to the letter before. */
static void rewrite_indic(sink *o, const char *w, size_t n, incite_perturb_kind k, uint64_t *rng)
{
    long prev = -1;
    for (size_t i = 0; i < n;) {
        long cp = indic_at(w, n, i);
        size_t len = cp >= 0 ? 3 : 1;
        if (indic_letter(cp) && prev >= 0 && !indic_virama(prev)) {
            if (k == INCITE_PERTURB_ZEROWIDTH)
                put(o, "\xe2\x80\x8b", 3);
            else if (k == INCITE_PERTURB_SPACING)
                put(o, " ", 1);
        }
        put(o, w + i, len);
        if (k == INCITE_PERTURB_ELONGATE && indic_vowel_sign(cp))
            for (uint64_t r = 2 + next(rng) % 4; r > 0; r--)   /* 3 to 6 in all */
                put(o, w + i, len);
        prev = cp;
        i += len;
    }
}

int incite_perturb(const char *text, size_t len, incite_perturb_kind kind, double rate,
                   uint64_t seed, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if ((unsigned)kind >= INCITE_PERTURB_COUNT || !(rate >= 0 && rate <= 1))
        return set_error(INCITE_EINVAL, "perturbation kind or rate out of range");
    uint64_t rng = seed * 0x2545F4914F6CDD1Dull + 0x1234567ull;
    sink o = {0};
    for (size_t i = 0; i < len;) {
        if (text[i] == ' ' || text[i] == '\t') {
            put(&o, text + i, 1);
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && text[j] != ' ' && text[j] != '\t')
            j++;
        size_t ascii, indic;
        count_letters(text + i, j - i, &ascii, &indic);
        double draw = (double)(next(&rng) >> 11) * 0x1.0p-53;
        if (indic >= 3 && draw < rate) {
            static const incite_perturb_kind in_script[] = {
                INCITE_PERTURB_ZEROWIDTH, INCITE_PERTURB_ELONGATE, INCITE_PERTURB_SPACING};
            incite_perturb_kind k = kind;
            if (k == INCITE_PERTURB_MIXED)
                k = in_script[next(&rng) % 3];
            rewrite_indic(&o, text + i, j - i, k, &rng);
        } else if (ascii >= 3 && draw < rate) {
            incite_perturb_kind k = kind;
            if (k == INCITE_PERTURB_MIXED)
                k = (incite_perturb_kind)(next(&rng) % INCITE_PERTURB_MIXED);
            rewrite(&o, text + i, j - i, k, &rng);
        } else
            put(&o, text + i, j - i);
        i = j;
    }
    put(&o, "", 0);
    if (o.oom) {
        free(o.p);
        return set_error(INCITE_ENOMEM, "out of memory perturbing a post");
    }
    if (!o.p && !(o.p = calloc(1, 1)))
        return set_error(INCITE_ENOMEM, "out of memory perturbing a post");
    o.p[o.n] = '\0';
    *out = o.p;
    *out_len = o.n;
    return INCITE_OK;
}
