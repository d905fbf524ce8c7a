/*
 * strbuf.c - see strbuf.h.  Out of memory ends the program (these are
 * program-side buffers; the library never exits).
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "strbuf.h"
#include "utf8.h"

static void reserve(strbuf *b, size_t n)
{
    if (b->len + n + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s)
        cli_die(EXIT_FAILURE_RUN, "out of memory for output");
    b->s = s;
    b->cap = cap;
}

void sb_put(strbuf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void sb_puts(strbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

void sb_putc(strbuf *b, char c)
{
    reserve(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* The digits of sb_num() for |v| < 1000 by integer arithmetic, as
 * printf("%.6f") would round them; 0 (use printf) when v * 1e6 lies
 * within its rounding error of a tie.  printf was a tenth of scoring. */
static size_t fixed6(char *out, double v)
{
    double a = fabs(v);
    if (!(a < 1000.0))
        return 0;
    double x = a * 1e6, whole = floor(x), frac = x - whole;
    /* x < 1e9: its error is under 1.2e-7, far inside the margin */
    if (fabs(frac - 0.5) < 1e-5)
        return 0;
    uint64_t q = (uint64_t)whole + (frac > 0.5);
    char digits[24];
    size_t n = 0, len = 0;
    uint64_t ip = q / 1000000, fp = q % 1000000;
    if (v < 0 && q != 0)
        out[len++] = '-';
    do {
        digits[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    while (n)
        out[len++] = digits[--n];
    if (fp) {
        out[len++] = '.';
        for (uint64_t d = 100000; fp; d /= 10) {
            out[len++] = (char)('0' + fp / d);
            fp %= d;
        }
    }
    return len;
}

void sb_num(strbuf *b, double v)
{
    if (!isfinite(v)) {
        sb_puts(b, "null");
        return;
    }
    char tmp[330];   /* "%.6f" of -DBL_MAX */
    size_t fast = fixed6(tmp, v);
    if (fast) {
        sb_put(b, tmp, fast);
        return;
    }
    int n = snprintf(tmp, sizeof tmp, "%.6f", v);
    /* trim trailing zeros: 0.930000 -> 0.93, 1.000000 -> 1 */
    while (n > 1 && tmp[n - 1] == '0')
        n--;
    if (n > 1 && tmp[n - 1] == '.')
        n--;
    if (n == 2 && tmp[0] == '-' && tmp[1] == '0')
        n = snprintf(tmp, sizeof tmp, "0");
    sb_put(b, tmp, (size_t)n);
}

void sb_json(strbuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    reserve(b, n + 2);
    sb_putc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = u[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            sb_put(b, e, 2);
            i++;
        } else if (c < 0x20) {
            sb_printf(b, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            sb_putc(b, (char)c);
            i++;
        } else {
            int32_t cp;
            int bad;
            size_t w = utf8_decode(u + i, n - i, &cp, &bad);
            if (bad)
                sb_puts(b, "\xef\xbf\xbd");
            else
                sb_put(b, s + i, w);
            i += w;
        }
    }
    sb_putc(b, '"');
}

void sb_field(strbuf *b, const char *s, size_t n)
{
    reserve(b, n);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        b->s[b->len++] = (c == '\t' || c == '\n' || c == '\r' || c == '\0') ? ' ' : c;
    }
    b->s[b->len] = '\0';
}

void sb_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
