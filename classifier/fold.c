/*
 * fold.c - what evaders do, undone: the step between tokenize and
 * features, each part a named option of the configuration (so a model
 * keeps the behaviour it was trained with).
 *
 *  homoglyph  Cyrillic, Greek and other letters that imitate Latin ones
 *             become the Latin letter, in a word that has Latin letters
 *             or, in a mostly Latin post, in a word made only of such
 *             look-alikes ("кіll" -> "kill").  A genuine Cyrillic, Greek,
 *             Devanagari or Gurmukhi word has letters that imitate
 *             nothing, and is left alone.  The token itself changes: the
 *             rewrite is exact.
 *  leet       digits and symbols inside otherwise-alphabetic words also
 *             yield the word they spell ("k1ll" -> kill, "h8" -> hate,
 *             "b!tch", "$lut"); numbers stay numbers.
 *  spacing    three or more single letters in a row ("k i l l",
 *             "k.i.l.l", "k-i-l-l") become the word they spell.  From
 *             feature format 2, two or more Devanagari or Gurmukhi
 *             aksharas in a row ("मा रें गे") also yield the word they
 *             spell: Hindi has many one-akshara words, so they stay words
 *             too, and its function words ("है कि वो") join nothing.
 *  elongation a word stretched past the tokenizer's two repeats also
 *             yields it with the stretched runs at one ("kiiiill" -> kill);
 *             from format 3, not inside URLs, mentions and e-mail
 *             addresses.  From format 2, a Devanagari or Gurmukhi sign
 *             repeated ("माारो") is written once: no word repeats one, so
 *             the rewrite is exact (from format 3, only combining marks
 *             count as signs: format 2 also took Bengali letters and
 *             digits).
 *  translit   a Devanagari or Gurmukhi word also yields its romanized
 *             spelling (translit.c), which Hinglish posts share; from
 *             format 3, words with candra vowels (मॉब, डॉक्टर) too.
 *
 * "Also yield": the extra word is a variant token after the post's own
 * tokens; it adds its unigram and character n-grams, never word n-grams,
 * so the word sequence stays the post's.
 */
#include <string.h>
#include <utf8proc.h>

#include "bytes.h"
#include "confusables.h"
#include "internal.h"
#include "utf8.h"

/* Where folded texts go: a buffer sized before any is written, so the
 * spans handed out never move, laid out as the tokenizer lays out its own
 * (internal.h, TOKEN_SLACK): spaces first, a space after each text, slack
 * at the end - features.c reads words in 8-byte loads and in place. */
typedef struct writer {
    char *p;
    size_t n, cap;
} writer;

/* Room for a text of up to n bytes, its space and the slack after it. */
static char *reserve(writer *w, size_t n)
{
    return w->n + n + 1 + TOKEN_SLACK <= w->cap ? w->p + w->n : NULL;
}

/* The text of length len just written at w->p + w->n is done. */
static const char *commit(writer *w, size_t len)
{
    const char *t = w->p + w->n;
    w->p[w->n + len] = ' ';
    w->n += len + 1;
    return t;
}

static int push_variant(tokenizer *tz, writer *w, size_t len)
{
    if (grow_array(&tz->tok, &tz->cap, tz->n + 1, sizeof *tz->tok))
        return INCITE_ENOMEM;
    tz->tok[tz->n++] = (incite_token){.text = commit(w, len), .len = (uint32_t)len,
                                      .kind = INCITE_TOKEN_WORD, .flags = INCITE_TOKEN_VARIANT};
    return INCITE_OK;
}

static int ascii_letter(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

/* ---- homoglyphs ------------------------------------------------------ */

enum { ONLY_ASCII, FOLDABLE, FOREIGN };

/* Whether a word has only ASCII letters, ASCII and look-alikes (or only
 * look-alikes), or some letter that imitates nothing. */
static int homoglyph_class(const incite_token *t, int *has_ascii)
{
    int kind = ONLY_ASCII;
    *has_ascii = 0;
    const unsigned char *s = (const unsigned char *)t->text;
    for (uint32_t i = 0; i < t->len;) {
        if (s[i] < 0x80) {
            *has_ascii |= ascii_letter(s[i]);
            i++;
            continue;
        }
        int32_t cp;
        i += (uint32_t)utf8_next(s + i, &cp);
        if (!confusable_ascii((uint32_t)cp))
            return FOREIGN;
        kind = FOLDABLE;
    }
    return kind;
}

static int fold_homoglyphs(tokenizer *tz, writer *w, size_t nmain)
{
    /* Context: is the post mostly Latin?  Count words with ASCII letters
     * against words with letters that imitate nothing. */
    size_t latin = 0, foreign = 0;
    int any = 0;
    for (size_t i = 0; i < nmain; i++) {
        if (tz->tok[i].kind != INCITE_TOKEN_WORD)
            continue;
        int has_ascii, c = homoglyph_class(&tz->tok[i], &has_ascii);
        latin += has_ascii != 0;
        foreign += c == FOREIGN;
        any |= c == FOLDABLE;
    }
    if (!any)
        return INCITE_OK;
    int latin_post = latin > foreign;
    for (size_t i = 0; i < nmain; i++) {
        incite_token *t = &tz->tok[i];
        int has_ascii;
        if (t->kind != INCITE_TOKEN_WORD || homoglyph_class(t, &has_ascii) != FOLDABLE ||
            !(has_ascii || latin_post))
            continue;
        char *dst = reserve(w, t->len);
        if (!dst)
            return set_error(INCITE_ELIMIT, "fold buffer too small");
        size_t k = 0;
        const unsigned char *s = (const unsigned char *)t->text;
        for (uint32_t j = 0; j < t->len;) {
            if (s[j] < 0x80) {
                dst[k++] = (char)s[j++];
                continue;
            }
            int32_t cp;
            j += (uint32_t)utf8_next(s + j, &cp);
            dst[k++] = confusable_ascii((uint32_t)cp);
        }
        t->text = commit(w, k);
        t->len = (uint32_t)k;
    }
    return INCITE_OK;
}

/* ---- leetspeak ------------------------------------------------------- */

static const char *leet_letters(unsigned char c)
{
    switch (c) {
    case '0': return "o";
    case '1': return "i";
    case '3': return "e";
    case '4': return "a";
    case '5': return "s";
    case '7': return "t";
    case '8': return "ate";
    case '@': return "a";
    case '$': return "s";
    case '!': return "i";
    case '|': return "l";
    case '+': return "t";
    default: return NULL;
    }
}

enum { DIGITS_AMONG, NUMBER_FIRST, NUMBER_LAST };

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Where a word's digits are: all before its letters, all after, or among. */
static int digit_shape(const incite_token *t)
{
    size_t i = 0, n = t->len;
    const unsigned char *s = (const unsigned char *)t->text;
    while (i < n && is_digit(s[i]))
        i++;
    size_t letters_from = i;
    while (i < n && !is_digit(s[i]))
        i++;
    if (i == n)
        return letters_from > 0 ? NUMBER_FIRST : DIGITS_AMONG;
    if (letters_from > 0)
        return DIGITS_AMONG;
    while (i < n && is_digit(s[i]))
        i++;
    return i == n ? NUMBER_LAST : DIGITS_AMONG;
}

/* The word s[0..n) spells with its leet characters read as letters, if it
 * is letters and leet characters with at least two letters and one leet
 * character, ASCII only.  Returns the length written to dst, or 0. */
static size_t unleet(const char *s, size_t n, char *dst)
{
    size_t letters = 0, leet = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (ascii_letter(c)) {
            letters++;
            dst[k++] = (char)c;
            continue;
        }
        const char *l = leet_letters(c);
        if (!l)
            return 0;
        leet++;
        size_t ll = strlen(l);
        memcpy(dst + k, l, ll);
        k += ll;
    }
    return letters >= 1 && leet >= 1 && letters + leet >= 2 ? k : 0;
}

static int fold_leet(tokenizer *tz, writer *w, size_t nmain, const char *text, size_t len,
                     int digits, int symbols)
{
    /* words the tokenizer kept whole: letters with digits ("k1ll", "h8") */
    for (size_t i = 0; digits && i < nmain; i++) {
        const incite_token *t = &tz->tok[i];
        if (t->kind != INCITE_TOKEN_WORD)
            continue;
        char *dst = reserve(w, 3 * (size_t)t->len);
        if (!dst)
            return set_error(INCITE_ELIMIT, "fold buffer too small");
        size_t k = unleet(t->text, t->len, dst);
        if (!k || memcmp(dst, t->text, k) == 0)
            continue;
        switch (digit_shape(t)) {
        case NUMBER_FIRST:   /* 3pm, 10km, 2nd: a number and its unit */
            break;
        case NUMBER_LAST: {  /* h8, gr8 - or mp3, covid19: both readings */
            int rc = push_variant(tz, w, k);
            if (rc)
                return rc;
            break;
        }
        default:
            /* digits among the letters (k1ll, 5h17): the spelled word
             * takes the token's place - the digits' own char n-grams
             * ("7h3", "53") are those of numbers and dates, and pulled
             * posts toward none */
            tz->tok[i].text = commit(w, k);
            tz->tok[i].len = (uint32_t)k;
        }
    }
    /* words the tokenizer split at a symbol ("b!tch", "$lut", "a$$"):
     * whole chunks of the text, minus the punctuation around them */
    for (size_t i = 0; symbols && i < len;) {
        while (i < len && text[i] == ' ')
            i++;
        size_t j = i;
        int symbol = 0;
        while (j < len && text[j] != ' ') {
            symbol |= text[j] == '$' || text[j] == '!' || text[j] == '|' || text[j] == '+' ||
                      (text[j] == '@' && j > i);
            j++;
        }
        size_t a = i, b = j;
        i = j;
        if (!symbol)
            continue;
        while (a < b && strchr("\"'(*", text[a]))
            a++;
        while (b > a && strchr("\"').,;:?*!", text[b - 1]))
            b--;
        if (b - a < 3 || text[a] == '@')
            continue;   /* a mention is not a word */
        char *dst = reserve(w, 3 * (b - a));
        if (!dst)
            return set_error(INCITE_ELIMIT, "fold buffer too small");
        size_t k = unleet(text + a, b - a, dst);
        int has_symbol = 0;
        for (size_t c = a; c < b; c++)
            has_symbol |= strchr("$!|+@", text[c]) != NULL;
        if (k && has_symbol) {
            int rc = push_variant(tz, w, k);
            if (rc)
                return rc;
        }
    }
    return INCITE_OK;
}

/* ---- spaced letters ------------------------------------------------ */

static int single_letter(const incite_token *t)
{
    if (t->kind != INCITE_TOKEN_WORD)
        return 0;
    int32_t cp;
    return t->len > 0 && utf8_next((const unsigned char *)t->text, &cp) == t->len;
}

/* Writes the texts of tokens [from, to) one after another into w, as one
 * word; its length in *len. */
static const char *join_run(const incite_token *tok, size_t from, size_t to, writer *w,
                            size_t *len)
{
    size_t bytes = 0;
    for (size_t t = from; t < to; t++)
        bytes += tok[t].len;
    char *dst = reserve(w, bytes);
    if (!dst)
        return NULL;
    size_t k = 0;
    for (size_t t = from; t < to; t++) {
        memcpy(dst + k, tok[t].text, tok[t].len);
        k += tok[t].len;
    }
    *len = k;
    return dst;
}

/* Replaces each run of 3+ single letters in the word sequence by the
 * word they spell, so its neighbours' word n-grams see it too. */
static int fold_spacing(tokenizer *tz, writer *w)
{
    size_t out = 0;
    for (size_t i = 0; i < tz->n;) {
        size_t j = i, k;
        while (j < tz->n && single_letter(&tz->tok[j]))
            j++;
        if (j - i < 3) {
            tz->tok[out++] = tz->tok[i++];
            continue;
        }
        if (!join_run(tz->tok, i, j, w, &k))
            return set_error(INCITE_ELIMIT, "fold buffer too small");
        tz->tok[out++] = (incite_token){.text = commit(w, k), .len = (uint32_t)k,
                                        .kind = INCITE_TOKEN_WORD};
        i = j;
    }
    tz->n = out;
    return INCITE_OK;
}

/* ---- elongation ---------------------------------------------------- */

/* Whether the chunk s[0..n), between spaces, is a URL, a mention or an
 * e-mail address, which the tokenizer makes <url>, <user>, <email>. */
static int address_chunk(const char *s, size_t n)
{
    if (memchr(s, '@', n) || (n >= 4 && memcmp(s, "www.", 4) == 0))
        return 1;
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, "://", 3) == 0)
            return 1;
    return 0;
}

/* The tokenizer keeps two of 3+ repeats ("kiiiill" -> kiill); a word
 * that had such a run also yields it with each such run down to one
 * letter ("kill"), the spelling the evader stretched.  Found in the
 * normalized text, where the runs are still whole; ASCII letters.  From
 * format 3, not inside URLs, mentions and e-mail addresses, which are no
 * words ("www." once yielded a "w"). */
static int fold_elongation(tokenizer *tz, writer *w, const char *text, size_t len,
                           uint32_t format)
{
    for (size_t i = 0; i < len;) {
        /* chunks: normalize.c makes every white space one ' ' */
        if (format >= 3 && (i == 0 || text[i - 1] == ' ') && text[i] != ' ') {
            const char *sp = memchr(text + i, ' ', len - i);
            size_t e = sp ? (size_t)(sp - text) : len;
            if (address_chunk(text + i, e - i)) {
                i = e;
                continue;
            }
        }
        if (!ascii_letter((unsigned char)text[i])) {
            i++;
            continue;
        }
        size_t j = i;
        int stretched = 0;
        while (j < len && ascii_letter((unsigned char)text[j])) {
            size_t r = j;
            while (r < len && text[r] == text[j])
                r++;
            stretched |= r - j >= 3;
            j = r;
        }
        if (stretched) {
            char *dst = reserve(w, j - i);
            if (!dst)
                return set_error(INCITE_ELIMIT, "fold buffer too small");
            size_t k = 0;
            for (size_t a = i; a < j;) {
                size_t r = a;
                while (r < j && text[r] == text[a])
                    r++;
                size_t keep = r - a >= 3 ? 1 : r - a;
                memset(dst + k, text[a], keep);
                k += keep;
                a = r;
            }
            int rc = push_variant(tz, w, k);
            if (rc)
                return rc;
        }
        i = j;
    }
    return INCITE_OK;
}

/* ---- spaced and stretched Devanagari and Gurmukhi (format 2) ---------- */

static int indic_cp(int32_t cp)
{
    return cp >= 0x0900 && cp <= 0x0A7F;
}

/* Whether a token can hold Devanagari or Gurmukhi at all: a word with the
 * lead byte of their UTF-8 (E0), so the folds below decode no other token
 * of a post. */
static int indic_word(const incite_token *t)
{
    return t->kind == INCITE_TOKEN_WORD && memchr(t->text, 0xE0, t->len) != NULL;
}

static int indic_letter(int32_t cp)   /* consonants and independent vowels */
{
    return (cp >= 0x0904 && cp <= 0x0939) || (cp >= 0x0958 && cp <= 0x0961) ||
           (cp >= 0x0972 && cp <= 0x097F) || (cp >= 0x0A05 && cp <= 0x0A39) ||
           (cp >= 0x0A59 && cp <= 0x0A5E) || (cp >= 0x0A72 && cp <= 0x0A74);
}

static int indic_virama(int32_t cp)
{
    return cp == 0x094D || cp == 0x0A4D;
}

/* A word of exactly one akshara (a letter, the letters a virama joins to
 * it, and the signs after them), all Devanagari or Gurmukhi. */
static int single_akshara(const incite_token *t)
{
    if (!indic_word(t))
        return 0;
    const unsigned char *s = (const unsigned char *)t->text;
    int32_t cp, prev = 0;
    size_t starts = 0;
    for (size_t i = 0, n; i < t->len; i += n) {
        n = utf8_next(s + i, &cp);
        if (!indic_cp(cp))
            return 0;
        starts += indic_letter(cp) && !indic_virama(prev);
        prev = cp;
    }
    return starts == 1;
}

/* cp, after prev, repeats a Devanagari or Gurmukhi sign (not a letter).
 * Format 2 took every code point of 0x900-0xA7F that is no letter for a
 * sign: Bengali letters (মমতা -> মতা) and digits (२२ -> २) too.  From
 * format 3, a sign is a combining mark of the two blocks. */
static int repeated_sign(int32_t cp, int32_t prev, uint32_t format)
{
    if (cp != prev)
        return 0;
    if (format < 3)
        return indic_cp(cp) && !indic_letter(cp);
    if (!((cp >= 0x0900 && cp <= 0x097F) || (cp >= 0x0A00 && cp <= 0x0A7F)))
        return 0;
    utf8proc_category_t k = utf8proc_category(cp);
    return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_MC;
}

static int indic_stretched(const incite_token *t, uint32_t format)
{
    const unsigned char *s = (const unsigned char *)t->text;
    int32_t cp, prev = 0;
    for (size_t i = 0, n; i < t->len; i += n) {
        n = utf8_next(s + i, &cp);
        if (repeated_sign(cp, prev, format))
            return 1;
        prev = cp;
    }
    return 0;
}

/* Rewrites, in the word sequence, each word with a repeated Indic sign to
 * the word with each such sign once. */
static int fold_indic_elongation(tokenizer *tz, writer *w, uint32_t format)
{
    for (size_t i = 0; i < tz->n; i++) {
        incite_token *t = &tz->tok[i];
        if (!indic_word(t) || !indic_stretched(t, format))
            continue;
        char *dst = reserve(w, t->len);
        if (!dst)
            return set_error(INCITE_ELIMIT, "fold buffer too small");
        const unsigned char *s = (const unsigned char *)t->text;
        int32_t cp, prev = 0;
        size_t k = 0;
        for (size_t j = 0, n; j < t->len; j += n) {
            n = utf8_next(s + j, &cp);
            if (!repeated_sign(cp, prev, format)) {
                memcpy(dst + k, s + j, n);
                k += n;
            }
            prev = cp;
        }
        t->text = commit(w, k);
        t->len = (uint32_t)k;
    }
    return INCITE_OK;
}

/* The one-akshara words of everyday Hindi and Punjabi (postpositions,
 * auxiliaries, particles, pronouns): joined, they would spell nothing. */
static int function_word(const incite_token *t)
{
    static const char *const words[] = {
        "है", "हैं", "के", "की", "का", "को", "में", "मे", "से", "ने", "तो", "जो", "न", "व",
        "ही", "भी", "कि", "वो", "ये", "या", "हो", "थे", "था", "थी", "तू", "मैं", "पे", "जी",
        "ना", "सा", "सी", "दो", "लो",
        "ਦੇ", "ਦੀ", "ਦਾ", "ਨੂੰ", "ਤੇ", "ਨੇ", "ਹੈ", "ਹਨ", "ਜੋ", "ਕਿ", "ਵੀ", "ਹੀ", "ਤਾਂ", "ਮੈਂ", "ਤੂੰ",
        "ਜੀ", "ਨਾ", "ਤੋਂ",
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strlen(words[i]) == t->len && memcmp(words[i], t->text, t->len) == 0)
            return 1;
    return 0;
}

/* Each run of 2+ one-akshara words, function words aside, also yields
 * the word they spell. */
static int fold_indic_spacing(tokenizer *tz, writer *w, size_t nmain)
{
    for (size_t i = 0; i < nmain;) {
        size_t j = i, k;
        while (j < nmain && single_akshara(&tz->tok[j]) && !function_word(&tz->tok[j]))
            j++;
        if (j - i < 2) {
            i = j > i ? j : i + 1;
            continue;
        }
        if (!join_run(tz->tok, i, j, w, &k))
            return set_error(INCITE_ELIMIT, "fold buffer too small");
        int rc = push_variant(tz, w, k);
        if (rc)
            return rc;
        i = j;
    }
    return INCITE_OK;
}

/* ---- romanized Indic words -------------------------------------------- */

static int fold_translit(tokenizer *tz, writer *w, size_t upto, uint32_t format)
{
    for (size_t i = 0; i < upto; i++) {
        const incite_token *t = &tz->tok[i];
        if (t->kind != INCITE_TOKEN_WORD || (unsigned char)t->text[0] < 0xE0)
            continue;   /* Devanagari and Gurmukhi are 3-byte UTF-8 */
        char *dst = reserve(w, 2 * (size_t)t->len + 1);
        if (!dst)
            return set_error(INCITE_ELIMIT, "fold buffer too small");
        size_t k = translit_indic(t->text, t->len, dst, format);
        if (k) {
            int rc = push_variant(tz, w, k);
            if (rc)
                return rc;
        }
    }
    return INCITE_OK;
}

/* ---- what a post needs ------------------------------------------- */

/* One pass over the word sequence and one over the text say which folds
 * can change anything, so an ordinary post pays for two scans, not six. */
typedef struct survey {
    int nonascii;        /* a token with non-ASCII letters: homoglyphs, romanization */
    int digits;          /* a word with letters and digits: leet */
    int spaced;          /* 3+ single letters in a row */
    int symbols;         /* $ ! | + @ against a letter: leet */
    int stretched;       /* an ASCII letter 3+ times in a row */
} survey;

/* Leet symbols against letters, and letters stretched (the middle of
 * three), at s[from..to), each with a byte on either side. */
static void look_at(survey *v, const unsigned char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        unsigned char c = s[i];
        int before = ascii_letter(s[i - 1]);
        int after = ascii_letter(s[i + 1]);
        if (c == '$' || c == '|' || c == '+')
            v->symbols |= before || after;
        else if (c == '!' || c == '@')
            v->symbols |= before && after;
        else if (ascii_letter(c) && s[i - 1] == c && s[i + 1] == c)
            v->stretched = 1;
    }
}

/* Whether s[0..len) holds an ASCII digit or a byte of 0x80 or more. */
static int text_has_digit_or_high(const char *s, size_t len)
{
    const uint64_t high = 0x80 * BYTES_ONES;
    uint64_t hit = 0;
    size_t i = 0;
    for (;; i += 8) {
        uint64_t x = 0;
        if (i + 8 <= len)
            x = load8(s + i);
        else
            memcpy(&x, s + i, len - i);   /* zeros: neither */
        const uint64_t t = x & ~high;    /* ASCII bytes; the others are hits anyway */
        hit |= (x | ((t + (0x80 - '0') * BYTES_ONES) & ~(t + (0x7f - '9') * BYTES_ONES))) & high;
        if (hit || i + 8 >= len)
            return hit != 0;
    }
}

static survey look(const tokenizer *tz, const char *text, size_t len)
{
    survey v = {0};
    /* A word's bytes are the post's: where the post has no digit and no
     * byte above ASCII (57% of the benchmark's tweets), neither has any
     * word, and the words need no byte-by-byte look. */
    const int bytewise = text_has_digit_or_high(text, len);
    size_t singles = 0;
    for (size_t i = 0; i < tz->n; i++) {
        const incite_token *t = &tz->tok[i];
        if (t->kind != INCITE_TOKEN_WORD) {
            singles = 0;
            continue;
        }
        const unsigned char *s = (const unsigned char *)t->text;
        if (bytewise) {
            unsigned high = 0, digit = 0, letter = 0;
            for (uint32_t j = 0; j < t->len; j++) {
                high |= s[j] & 0x80;
                digit |= (unsigned)(s[j] - '0') < 10;
                letter |= (unsigned)(s[j] - 'a') < 26;
            }
            v.nonascii |= high != 0;
            v.digits |= digit && letter;
        }
        int32_t cp;
        singles = utf8_next(s, &cp) == t->len ? singles + 1 : 0;
        v.spaced |= singles >= 3;
    }
    /* Eight bytes at a time: only where one of them is a leet symbol or
     * the middle of three equal bytes does look_at() have anything to do
     * (7% of the blocks of the benchmark's tweets). */
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 1;
    for (; i + 9 <= len; i += 8) {
        const uint64_t x = load8(s + i);
        const uint64_t symbol = bytes_equal(x, '$') | bytes_equal(x, '|') |
                                bytes_equal(x, '+') | bytes_equal(x, '!') | bytes_equal(x, '@');
        const uint64_t run = zero_bytes(x ^ load8(s + i - 1)) & zero_bytes(x ^ load8(s + i + 1));
        if (symbol | run)
            look_at(&v, s, i, i + 8);
    }
    look_at(&v, s, i, len > 0 ? len - 1 : 0);
    if (len > 1 && text[0] == '$' && ascii_letter((unsigned char)text[1]))
        v.symbols = 1;
    return v;
}

int fold_tokens(tokenizer *tz, uint32_t flags, uint32_t format, const char *text, size_t len)
{
    tz->nmain = tz->n;
    if (!flags)
        return INCITE_OK;
    survey v = look(tz, text, len);
    if (!v.nonascii && !v.digits && !v.spaced && !v.symbols && !v.stretched)
        return INCITE_OK;   /* nothing to fold: most posts */
    /* room: homoglyphs rewrite a word no longer, a joined run is its
     * letters, leet reads a word and a chunk up to 3 times longer, an
     * unstretched word is shorter, a romanization up to 2 times longer,
     * Indic words unstretched and joined no longer, and romanized too -
     * 17 times the post - and a space after each, at most one a byte */
    size_t need = 18 * len + 64 + 2 * TOKEN_SLACK;
    if (grow_array(&tz->fold, &tz->fold_cap, need, 1))
        return INCITE_ENOMEM;
    memset(tz->fold, ' ', TOKEN_SLACK);
    writer w = {.p = tz->fold, .n = TOKEN_SLACK, .cap = tz->fold_cap};
    int rc = INCITE_OK;
    /* the rewrites of the word sequence first, then the variants after it */
    if ((flags & INCITE_FOLD_HOMOGLYPH) && v.nonascii)
        rc = fold_homoglyphs(tz, &w, tz->n);
    const int indic = format >= 2 && v.nonascii;
    if (!rc && (flags & INCITE_FOLD_ELONGATION) && indic)
        rc = fold_indic_elongation(tz, &w, format);
    if (!rc && (flags & INCITE_FOLD_SPACING) && v.spaced)
        rc = fold_spacing(tz, &w);
    tz->nmain = tz->n;
    if (!rc && (flags & INCITE_FOLD_LEET) && (v.digits || v.symbols))
        rc = fold_leet(tz, &w, tz->nmain, text, len, v.digits, v.symbols);
    if (!rc && (flags & INCITE_FOLD_ELONGATION) && v.stretched)
        rc = fold_elongation(tz, &w, text, len, format);
    if (!rc && (flags & INCITE_FOLD_SPACING) && indic)
        rc = fold_indic_spacing(tz, &w, tz->nmain);
    /* from format 2, the joined Indic words are romanized too */
    if (!rc && (flags & INCITE_FOLD_TRANSLIT) && v.nonascii)
        rc = fold_translit(tz, &w, indic ? tz->n : tz->nmain, format);
    return rc;
}
