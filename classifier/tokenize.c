/*
 * tokenize.c - second stage: normalized text -> tokens.
 *
 * Input is the normalizer's output (valid UTF-8, case-folded, single
 * spaces).  A token is a word of any script with its combining marks (an
 * apostrophe between letters stays inside), a number (digits, with . , :
 * between digits), one emoji (a ZWJ sequence or a flag pair is one), a run
 * of ! and ?, or another symbol (U+FFFD among them).  URLs, @mentions and
 * e-mail addresses become <url>, <user>, <email>; a #hashtag gives its
 * text as a word.  Three or more repeats of a character in a word or a
 * punctuation run become two; three or more repeats of the same emoji or
 * symbol token become two tokens.  Everything else separates tokens.
 *
 * Token texts are copied, rewritten, into one buffer sized before the
 * scan, so spans never move and nothing is allocated per token.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "bytes.h"
#include "internal.h"
#include "utf8.h"

enum cls {
    C_SPACE, C_LETTER, C_MARK, C_DIGIT, C_TONE, C_EMOJI, C_FLAG,
    C_SYMBOL, C_AT, C_HASH, C_APOS, C_OTHER
};

static const unsigned char ascii_cls[128] = {
    [' '] = C_SPACE, ['!'] = C_TONE, ['?'] = C_TONE, ['@'] = C_AT,
    ['#'] = C_HASH, ['\''] = C_APOS,
    ['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
    ['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
    ['a'] = C_LETTER, ['b'] = C_LETTER, ['c'] = C_LETTER, ['d'] = C_LETTER, ['e'] = C_LETTER,
    ['f'] = C_LETTER, ['g'] = C_LETTER, ['h'] = C_LETTER, ['i'] = C_LETTER, ['j'] = C_LETTER,
    ['k'] = C_LETTER, ['l'] = C_LETTER, ['m'] = C_LETTER, ['n'] = C_LETTER, ['o'] = C_LETTER,
    ['p'] = C_LETTER, ['q'] = C_LETTER, ['r'] = C_LETTER, ['s'] = C_LETTER, ['t'] = C_LETTER,
    ['u'] = C_LETTER, ['v'] = C_LETTER, ['w'] = C_LETTER, ['x'] = C_LETTER, ['y'] = C_LETTER,
    ['z'] = C_LETTER,
};

static enum cls classify(int32_t cp)
{
    if (cp < 0x80) {
        /* Zero-initialized entries are C_SPACE: only ' ' is meant. */
        enum cls c = (enum cls)ascii_cls[cp];
        return (c == C_SPACE && cp != ' ') ? C_OTHER : c;
    }
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC ||
        p->boundclass == UTF8PROC_BOUNDCLASS_E_ZWG)
        return C_EMOJI;
    if (p->boundclass == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR)
        return C_FLAG;
    switch (p->category) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_NL:
        return C_LETTER;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_SO: case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_NO:
        return C_SYMBOL;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
        return C_SPACE;
    default:
        return C_OTHER;
    }
}

/* The scanner's view of the text: position, and the class of what is there. */
typedef struct scan {
    const unsigned char *s;
    size_t len;
} scan;

static inline enum cls cls_at(const scan *sc, size_t i, int32_t *cp, size_t *w)
{
    if (i >= sc->len) {
        *cp = -1;
        *w = 0;
        return C_SPACE;
    }
    if (sc->s[i] < 0x80) {
        *cp = sc->s[i];
        *w = 1;
        return (enum cls)(sc->s[i] == ' ' ? C_SPACE : classify(*cp));
    }
    *w = utf8_next(sc->s + i, cp);
    return classify(*cp);
}

/* Padded to leave TOKEN_SLACK readable bytes after the text. */
static const char placeholder[][8 + TOKEN_SLACK] = {
    [INCITE_TOKEN_URL] = "<url>", [INCITE_TOKEN_USER] = "<user>", [INCITE_TOKEN_EMAIL] = "<email>",
};

typedef struct out {
    tokenizer *tz;
    size_t text_len;
    uint32_t flags;
} out;

static int push(out *o, incite_token_kind kind, const char *text, size_t len)
{
    tokenizer *tz = o->tz;
    if (tz->n == tz->cap && grow_array(&tz->tok, &tz->cap, tz->n + 1, sizeof *tz->tok))
        return INCITE_ENOMEM;
    tz->tok[tz->n++] = (incite_token){.text = text, .len = (uint32_t)len, .kind = (uint8_t)kind};
    return INCITE_OK;
}

static int push_placeholder(out *o, incite_token_kind kind)
{
    return push(o, kind, placeholder[kind], strlen(placeholder[kind]));
}

/* Copies s[a..b) as a token, collapsing 3+ repeats of a character to two
 * when `collapse`. */
static int push_copy(out *o, incite_token_kind kind, const unsigned char *s, size_t a,
                     size_t b, int collapse)
{
    char *dst = o->tz->text + o->text_len;
    size_t n = 0;
    int32_t last = -1;
    int run = 0;
    for (size_t i = a; i < b;) {
        int32_t cp;
        size_t w = utf8_next(s + i, &cp);
        run = (cp == last) ? run + 1 : 1;
        last = cp;
        if (!collapse || run <= 2) {
            memcpy(dst + n, s + i, w);
            n += w;
        }
        i += w;
    }
    dst[n] = ' ';
    o->text_len += n + 1;
    return push(o, kind, dst, n);
}

/* Emoji and symbols repeat as tokens: keep at most two in a row. */
static int push_repeatable(out *o, incite_token_kind kind, const unsigned char *s,
                           size_t a, size_t b)
{
    tokenizer *tz = o->tz;
    size_t len = b - a;
    if (tz->n >= 2) {
        const incite_token *p = &tz->tok[tz->n - 1], *q = &tz->tok[tz->n - 2];
        if (p->kind == kind && q->kind == kind && p->len == len && q->len == len &&
            memcmp(p->text, s + a, len) == 0 && memcmp(q->text, s + a, len) == 0)
            return INCITE_OK;
    }
    return push_copy(o, kind, s, a, b, 0);
}

/* Whether s starts with http://, https://, www. or ftp://, from one 8-byte
 * load (the text has slack after it; no prefix holds the zero bytes that
 * follow its end) and no branch on which: nearly no word is a URL. */
static int url_at(const unsigned char *s)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t x;
    memcpy(&x, s, sizeof x);
    return ((x & 0x00ffffffffffffffull) == 0x002f2f3a70747468ull) |    /* http:// */
           (x == 0x2f2f3a7370747468ull) |                             /* https:// */
           ((x & 0x00000000ffffffffull) == 0x000000002e777777ull) |    /* www. */
           ((x & 0x0000ffffffffffffull) == 0x00002f2f3a707466ull);     /* ftp:// */
#else
    return memcmp(s, "http://", 7) == 0 || memcmp(s, "https://", 8) == 0 ||
           memcmp(s, "www.", 4) == 0 || memcmp(s, "ftp://", 6) == 0;
#endif
}

static int is_email_local(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '%' || c == '+' || c == '-';
}

static int is_domain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* Length of an e-mail address at s[i..end), or 0.  *local_end is where
 * the local part stops: when there is no address at i, there is none at
 * any start before it either (the same local part runs into the same
 * '@' and domain), so the caller need not try them. */
static size_t match_email(const scan *sc, size_t i, size_t end, size_t *local_end)
{
    size_t j = i;
    while (j < end && is_email_local(sc->s[j]))
        j++;
    *local_end = j;
    if (j == i || j >= end || sc->s[j] != '@')
        return 0;
    j++;
    size_t labels = 0, label_len = 0, prev_len = 0, last_dot = 0;
    for (; j < end; j++) {
        if (is_domain(sc->s[j]))
            label_len++;
        else if (sc->s[j] == '.' && label_len > 0) {
            labels++;
            prev_len = label_len;
            label_len = 0;
            last_dot = j;
        } else
            break;
    }
    if (label_len == 0 && labels > 0) {   /* "me@x.org." ends a sentence */
        j = last_dot;
        labels--;
        label_len = prev_len;
    }
    /* at least one dot, and a top-level domain of two or more */
    return (labels >= 1 && label_len >= 2) ? j - i : 0;
}

static int is_handle_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Scans a word or number from i; returns its end.  *all_digits tells
 * whether it holds no letters or marks. */
static size_t scan_word(const scan *sc, size_t i, int *all_digits)
{
    int32_t cp;
    size_t w;
    int digits = 1;
    enum cls prev = C_OTHER;
    while (i < sc->len) {
        enum cls c = cls_at(sc, i, &cp, &w);
        if (c == C_LETTER || c == C_MARK) {
            digits = 0;
        } else if (c == C_DIGIT) {
        } else if (c == C_APOS || cp == '.' || cp == ',' || cp == ':') {
            /* inside only: a letter's apostrophe, a number's separator */
            int32_t ncp;
            size_t nw;
            enum cls nc = cls_at(sc, i + w, &ncp, &nw);
            if (c == C_APOS) {
                if (!(prev == C_LETTER || prev == C_MARK) || nc != C_LETTER)
                    break;
            } else if (!(digits && prev == C_DIGIT && nc == C_DIGIT))
                break;
        } else
            break;
        prev = c;
        i += w;
    }
    *all_digits = digits;
    return i;
}

/* Bytes of an ASCII word: a-z and 0-9 (the text is case-folded). */
static const unsigned char ascii_word_byte[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* Eight bytes at a time (SWAR): a mask with the high bit of each byte of
 * x that is a-z or 0-9. */
static inline uint64_t word_bytes(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    const uint64_t t = x & ~high;   /* a byte >= 0x80 is cut below */
    uint64_t ge_a = t + (0x80 - 'a') * ones, gt_z = t + (0x7f - 'z') * ones;
    uint64_t ge_0 = t + (0x80 - '0') * ones, gt_9 = t + (0x7f - '9') * ones;
    return ((ge_a & ~gt_z) | (ge_0 & ~gt_9)) & ~x & high;
}

/* Index of the lowest byte whose high bit is set in m (m != 0), by a
 * multiply instead of a count-trailing-zeros builtin. */
static inline size_t lowest_byte(uint64_t m)
{
    return (size_t)((((m & (0 - m)) >> 7) * 0x0001020304050607ull) >> 56);
}

/* The end of the chunk (a run of non-spaces) at s[i], and whether it
 * holds an '@', 8 bytes at a time: the text has no NUL before its end and
 * NORM_SLACK zero bytes after it. */
static size_t chunk_scan(const unsigned char *s, size_t i, size_t len, int *has_at)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t at = 0;
    for (;; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, sizeof x);
        const uint64_t stop = zero_bytes(x ^ (' ' * ones)) | zero_bytes(x);
        const uint64_t a = zero_bytes(x ^ ('@' * ones));
        if (stop) {
            at |= a & ((stop & (0 - stop)) - 1);
            *has_at = at != 0;
            i += lowest_byte(stop);
            return i < len ? i : len;
        }
        at |= a;
    }
}

/* The common case: a word of ASCII letters and digits ending in a space
 * or in ASCII punctuation other than an apostrophe, dot, comma or colon
 * (which scan_word() decides on).  It is copied as push_copy() would
 * (letters and digits, so a number is all digits, and only non-digits
 * collapse).  A word of up to 7 bytes without a letter repeated three
 * times, nearly every one, is found, tested and copied 8 bytes at a time
 * (the text has slack after it), with no branch that depends on its
 * length; others go byte by byte.  Returns the word's end, or 0, having
 * pushed nothing, to take the general path. */
static size_t push_ascii_word(out *o, const unsigned char *s, size_t i, size_t end,
                              int collapse, int *rc)
{
    char *dst = o->tz->text + o->text_len;
    uint64_t x;
    memcpy(&x, s + i, sizeof x);
    const uint64_t high = 0x8080808080808080ull;
    const uint64_t word = word_bytes(x), stop = ~word & high;
    size_t j, k;
    unsigned letters;
    if (stop) {
        j = i + lowest_byte(stop);
        const uint64_t in = (stop & (0 - stop)) - 1;   /* the word's bytes' bits */
        const uint64_t alpha = (x + (0x80 - 'a') * 0x0101010101010101ull) & word & in;
        const uint64_t triples = zero_bytes(x ^ (x << 8)) & zero_bytes(x ^ (x << 16));
        if (collapse && (triples & alpha))
            goto bytewise;
        memcpy(dst, &x, sizeof x);
        k = j - i;
        letters = alpha != 0;
    } else {
bytewise:
        j = i;
        k = 0;
        letters = 0;
        unsigned p1 = 0, p2 = 0;   /* the last two bytes */
        for (; j < end && ascii_word_byte[s[j]]; j++) {
            unsigned ch = s[j];
            unsigned letter = ch >= 'a';
            letters |= letter;
            /* a third repeat of a letter is dropped */
            unsigned drop = (unsigned)collapse & letter & (ch == p1) & (ch == p2);
            dst[k] = (char)ch;
            k += !drop;
            p2 = p1;
            p1 = ch;
        }
    }
    if (j < end) {
        unsigned char b = s[j];
        if (b >= 0x80 || b == '\'' || b == '.' || b == ',' || b == ':')
            return 0;
    }
    dst[k] = ' ';
    o->text_len += k + 1;
    *rc = push(o, letters ? INCITE_TOKEN_WORD : INCITE_TOKEN_NUMBER, dst, k);
    return j;
}

int tokenize(tokenizer *tz, uint32_t flags, const char *text, size_t len)
{
    tz->n = 0;
    /* the leading spaces, each token's bytes (no more than the text's)
     * and a space, then the slack: well within 2 * len + 64 */
    if (grow_array(&tz->text, &tz->text_cap, 2 * len + 64, 1))
        return INCITE_ENOMEM;
    memset(tz->text, ' ', TOKEN_SLACK);
    out o = {.tz = tz, .text_len = TOKEN_SLACK, .flags = flags};
    scan sc = {.s = (const unsigned char *)text, .len = len};
    const int placeholders = (flags & INCITE_TOK_PLACEHOLDERS) != 0;
    const int collapse = (flags & INCITE_TOK_ELONGATION) != 0;
    size_t i = 0;
    int rc = INCITE_OK;
    while (i < len && rc == INCITE_OK) {
        if (sc.s[i] == ' ') {
            i++;
            continue;
        }
        int has_at;
        size_t chunk_end = chunk_scan(sc.s, i, len, &has_at);
        size_t no_email_before = 0;   /* linear: each local part is scanned once */
        while (i < chunk_end && rc == INCITE_OK) {
            /* A URL, an e-mail address, an ASCII word, by their first
             * byte and without classifying a code point; then the rest. */
            const unsigned char b = sc.s[i];
            if (placeholders && url_at(sc.s + i)) {
                rc = push_placeholder(&o, INCITE_TOKEN_URL);
                i = chunk_end;
                continue;
            }
            size_t el;
            if (placeholders && has_at && i >= no_email_before && b < 0x80 && is_email_local(b) &&
                (el = match_email(&sc, i, chunk_end, &no_email_before)) > 0) {
                rc = push_placeholder(&o, INCITE_TOKEN_EMAIL);
                i += el;
                continue;
            }
            if (ascii_word_byte[b]) {
                size_t end = push_ascii_word(&o, sc.s, i, chunk_end, collapse, &rc);
                if (end) {
                    i = end;
                    continue;
                }
            }
            int32_t cp;
            size_t w;
            enum cls c = cls_at(&sc, i, &cp, &w);
            switch (c) {
            case C_LETTER:
            case C_MARK:
            case C_DIGIT: {
                int digits;
                size_t end = scan_word(&sc, i, &digits);
                rc = push_copy(&o, digits ? INCITE_TOKEN_NUMBER : INCITE_TOKEN_WORD, sc.s, i,
                               end, collapse && !digits);
                i = end;
                break;
            }
            case C_AT:
                if (placeholders && i + 1 < chunk_end && is_handle_char(sc.s[i + 1])) {
                    i++;
                    while (i < chunk_end && is_handle_char(sc.s[i]))
                        i++;
                    rc = push_placeholder(&o, INCITE_TOKEN_USER);
                } else
                    i += w;
                break;
            case C_HASH: {
                int32_t ncp;
                size_t nw;
                enum cls nc = cls_at(&sc, i + 1, &ncp, &nw);
                i += w;
                if (nc == C_LETTER || nc == C_MARK || nc == C_DIGIT) {
                    int digits;
                    size_t end = scan_word(&sc, i, &digits);
                    rc = push_copy(&o, INCITE_TOKEN_WORD, sc.s, i, end, collapse);
                    i = end;
                }
                break;
            }
            case C_TONE: {
                size_t end = i;
                while (end < chunk_end && (sc.s[end] == '!' || sc.s[end] == '?'))
                    end++;
                rc = push_copy(&o, INCITE_TOKEN_PUNCT, sc.s, i, end, collapse);
                i = end;
                break;
            }
            case C_EMOJI:
            case C_SYMBOL: {
                size_t end = i + w;
                for (;;) {   /* marks (keycaps), and ZWJ + pictograph */
                    int32_t ncp;
                    size_t nw;
                    enum cls nc = cls_at(&sc, end, &ncp, &nw);
                    if ((nc == C_MARK || (ncp >= 0x1F3FB && ncp <= 0x1F3FF)) && end < chunk_end) {
                        end += nw;
                        continue;
                    }
                    if (c == C_EMOJI && ncp == 0x200D) {
                        int32_t acp;
                        size_t aw;
                        if (cls_at(&sc, end + nw, &acp, &aw) == C_EMOJI) {
                            end += nw + aw;
                            continue;
                        }
                    }
                    break;
                }
                rc = push_repeatable(&o, c == C_EMOJI ? INCITE_TOKEN_EMOJI : INCITE_TOKEN_SYMBOL,
                                     sc.s, i, end);
                i = end;
                break;
            }
            case C_FLAG: {
                size_t end = i + w;
                int32_t ncp;
                size_t nw;
                if (cls_at(&sc, end, &ncp, &nw) == C_FLAG)
                    end += nw;
                rc = push_repeatable(&o, INCITE_TOKEN_EMOJI, sc.s, i, end);
                i = end;
                break;
            }
            default:
                i += w;
                break;
            }
        }
    }
    return rc;
}

void tokenizer_release(tokenizer *tz)
{
    free(tz->tok);
    free(tz->text);
    free(tz->fold);
    *tz = (tokenizer){0};
}
