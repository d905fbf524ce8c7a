/*
 * strbuf.h - a growable output buffer for the programs: each scored
 * batch is formatted into one, then written in input order.
 */
#ifndef INCITE_STRBUF_H
#define INCITE_STRBUF_H

#include <stddef.h>
#include <stdio.h>

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

void sb_put(strbuf *b, const char *s, size_t n);
void sb_puts(strbuf *b, const char *s);
void sb_putc(strbuf *b, char c);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A double in the shortest form that reads back within 1e-6 ("0.9312") */
void sb_num(strbuf *b, double v);
/* As a JSON string: quoted, escaped, invalid UTF-8 as U+FFFD */
void sb_json(strbuf *b, const char *s, size_t n);
/* As a TSV field: tabs and newlines become spaces */
void sb_field(strbuf *b, const char *s, size_t n);
void sb_free(strbuf *b);

#endif
