/*
 * json.c - one JSON Lines record: a JSON object whose top-level members
 * of interest (text, id, handle, ...) are strings, numbers, booleans or
 * null.  Other members may hold anything, skipped with a nesting limit so
 * that a nesting bomb costs nothing but an error.  Strings are unescaped
 * into a caller's buffer (never longer than the input); a lone surrogate
 * escape becomes U+FFFD, as invalid UTF-8 does elsewhere.
 *
 * A line the reader had to truncate may end inside a string: with
 * `truncated`, a member cut off there keeps what was read (its value is
 * marked cut), so a post longer than --max-bytes is scored on its start
 * rather than dropped.
 */
#include <string.h>

#include "internal.h"
#include "utf8.h"

#define JSON_MAX_DEPTH 64

typedef struct parser {
    const char *s;
    size_t n, i;
    char *buf;           /* unescaped strings, back to back */
    size_t used;
    int truncated;       /* input was cut: running out inside a string is allowed */
    int cut;             /* ...and it happened */
    const char *why;
} parser;

static void ws(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\r' ||
                           p->s[p->i] == '\n'))
        p->i++;
}

static int fail(parser *p, const char *why)
{
    if (!p->why)
        p->why = why;
    return -1;
}

static int hex4(parser *p, uint32_t *v)
{
    if (p->i + 4 > p->n)
        return fail(p, "truncated \\u escape");
    *v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p->s[p->i++];
        uint32_t d;
        if (c >= '0' && c <= '9') d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = (uint32_t)(c - 'A' + 10);
        else return fail(p, "bad \\u escape");
        *v = *v << 4 | d;
    }
    return 0;
}

/* Parses a string at p->i (on the quote).  When out is set, the unescaped
 * bytes go to p->buf and *out / *len describe them. */
static int string(parser *p, const char **out, size_t *len)
{
    p->i++;   /* opening quote */
    char *dst = p->buf + p->used;
    size_t k = 0;
    for (;;) {
        if (p->i >= p->n) {
            if (p->truncated) {
                p->cut = 1;
                break;
            }
            return fail(p, "unterminated string");
        }
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            p->i++;
            break;
        }
        if (c < 0x20)
            return fail(p, "control character in a string");
        if (c != '\\') {
            if (out)
                dst[k] = (char)c;
            k++;
            p->i++;
            continue;
        }
        if (++p->i >= p->n) {
            if (p->truncated) {
                p->cut = 1;
                break;
            }
            return fail(p, "unterminated escape");
        }
        char e = p->s[p->i++];
        uint32_t cp;
        switch (e) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case '/': cp = '/'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u': {
            if (p->truncated && p->i + 4 > p->n) {
                p->cut = 1;
                goto done;
            }
            if (hex4(p, &cp))
                return -1;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (p->i + 6 <= p->n && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
                    size_t save = p->i;
                    p->i += 2;
                    if (hex4(p, &lo))
                        return -1;
                    if (lo >= 0xDC00 && lo <= 0xDFFF)
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    else {
                        cp = UTF8_REPLACEMENT;
                        p->i = save;
                    }
                } else
                    cp = UTF8_REPLACEMENT;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF)
                cp = UTF8_REPLACEMENT;
            break;
        }
        default:
            return fail(p, "bad escape in a string");
        }
        /* an escape is at least 2 input bytes; its UTF-8 at most 4 from 6 or 12 */
        char tmp[4];
        size_t w = utf8_encode((int32_t)cp, tmp);
        if (out)
            memcpy(dst + k, tmp, w);
        k += w;
    }
done:
    if (out) {
        dst[k] = '\0';
        *out = dst;
        *len = k;
        p->used += k + 1;
    }
    return 0;
}

static int value(parser *p, int depth);

static int skip_literal(parser *p, const char *lit)
{
    size_t l = strlen(lit);
    if (p->i + l > p->n || memcmp(p->s + p->i, lit, l) != 0)
        return fail(p, "invalid literal");
    p->i += l;
    return 0;
}

static int number(parser *p)
{
    if (p->i < p->n && p->s[p->i] == '-')
        p->i++;
    size_t digits = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    if (p->i == digits)
        return fail(p, "invalid number");
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        size_t frac = p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
        if (p->i == frac)
            return fail(p, "invalid number");
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        size_t ex = p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
        if (p->i == ex)
            return fail(p, "invalid number");
    }
    return 0;
}

static int container(parser *p, int depth, char close)
{
    if (depth >= JSON_MAX_DEPTH)
        return fail(p, "JSON nested too deeply");
    p->i++;
    ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        return 0;
    }
    for (;;) {
        ws(p);
        if (close == '}') {
            if (p->i >= p->n || p->s[p->i] != '"')
                return fail(p, "expected a member name");
            if (string(p, NULL, NULL))
                return -1;
            ws(p);
            if (p->i >= p->n || p->s[p->i] != ':')
                return fail(p, "expected ':'");
            p->i++;
        }
        if (value(p, depth + 1))
            return -1;
        ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == close) {
            p->i++;
            return 0;
        }
        return fail(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int value(parser *p, int depth)
{
    ws(p);
    if (p->i >= p->n)
        return fail(p, "expected a value");
    switch (p->s[p->i]) {
    case '"': return string(p, NULL, NULL);
    case '{': return container(p, depth, '}');
    case '[': return container(p, depth, ']');
    case 't': return skip_literal(p, "true");
    case 'f': return skip_literal(p, "false");
    case 'n': return skip_literal(p, "null");
    default: return number(p);
    }
}

int json_fields(const char *s, size_t n, int truncated, const char *const *names, size_t nnames,
                json_value *out, char *buf, const char **why)
{
    parser p = {.s = s, .n = n, .buf = buf, .truncated = truncated};
    for (size_t k = 0; k < nnames; k++)
        out[k] = (json_value){0};
    ws(&p);
    if (p.i >= p.n || p.s[p.i] != '{') {
        *why = "not a JSON object";
        return -1;
    }
    p.i++;
    ws(&p);
    if (p.i < p.n && p.s[p.i] == '}') {
        p.i++;
        goto end;
    }
    for (;;) {
        ws(&p);
        if (p.cut)
            break;
        if (p.i >= p.n || p.s[p.i] != '"') {
            if (p.truncated && p.i >= p.n)
                break;
            fail(&p, "expected a member name");
            goto bad;
        }
        const char *name;
        size_t name_len;
        if (string(&p, &name, &name_len))
            goto bad;
        p.used -= name_len + 1;   /* names are not kept */
        long want = -1;
        for (size_t k = 0; k < nnames; k++)
            if (strlen(names[k]) == name_len && memcmp(names[k], name, name_len) == 0)
                want = (long)k;
        ws(&p);
        if (p.i >= p.n || p.s[p.i] != ':') {
            if (p.truncated && p.i >= p.n)
                break;
            fail(&p, "expected ':'");
            goto bad;
        }
        p.i++;
        ws(&p);
        if (want >= 0 && p.i < p.n && p.s[p.i] == '"') {
            json_value *v = &out[want];
            if (string(&p, &v->s, &v->len))
                goto bad;
            v->present = 1;
            v->cut = p.cut;
        } else if (want >= 0 && p.i < p.n && p.s[p.i] != '{' && p.s[p.i] != '[') {
            size_t start = p.i;
            if (value(&p, 1))
                goto bad;
            json_value *v = &out[want];
            if (!(p.i - start == 4 && memcmp(s + start, "null", 4) == 0)) {
                /* a number or boolean: its literal text; one that runs to
                 * the end of a cut line may have lost digits */
                char *dst = p.buf + p.used;
                memcpy(dst, s + start, p.i - start);
                dst[p.i - start] = '\0';
                *v = (json_value){.s = dst, .len = p.i - start, .present = 1,
                                  .cut = p.truncated && p.i >= p.n};
                p.used += p.i - start + 1;
            }
        } else if (want >= 0) {
            fail(&p, "a field to read holds an object or array");
            goto bad;
        } else if (value(&p, 1)) {
            if (p.cut)
                break;
            goto bad;
        }
        if (p.cut)
            break;
        ws(&p);
        if (p.i < p.n && p.s[p.i] == ',') {
            p.i++;
            continue;
        }
        if (p.i < p.n && p.s[p.i] == '}') {
            p.i++;
            break;
        }
        if (p.truncated && p.i >= p.n)
            break;
        fail(&p, "expected ',' or '}'");
        goto bad;
    }
end:
    ws(&p);
    if (p.i < p.n && !p.cut) {
        *why = "text after the JSON object";
        return -1;
    }
    return 0;
bad:
    *why = p.why ? p.why : "invalid JSON";
    return -1;
}
