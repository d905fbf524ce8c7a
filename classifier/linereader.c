/*
 * linereader.c - lines from a stream, in constant memory.
 *
 * Policy: LF ends a line; a CR just before it is dropped; a lone CR is
 * part of the line (the normalizer makes it a space); a last line without
 * LF is still a line; NUL bytes are kept (len is authoritative).  A line
 * longer than max_bytes keeps its first max_bytes, cut back to a UTF-8
 * character boundary, and is marked truncated; the rest is skipped
 * without being stored, so one huge line cannot exhaust memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define BLOCK (64 * 1024)

void line_reader_init(line_reader *lr, FILE *fp, size_t max_bytes)
{
    *lr = (line_reader){.fp = fp, .max_bytes = max_bytes, .fd = fp ? fileno(fp) : -1};
}

int line_reader_buffered(const line_reader *lr)
{
    return lr->pos < lr->end;
}

void line_reader_release(line_reader *lr)
{
    free(lr->buf);
    free(lr->line);
    lr->buf = lr->line = NULL;
}

static int refill(line_reader *lr)
{
    if (!lr->buf) {
        lr->buf = malloc(BLOCK);
        if (!lr->buf)
            return set_error(INCITE_ENOMEM, "out of memory for a read buffer");
    }
    lr->pos = 0;
    if (lr->fd >= 0) {
        /* read(2), not fread: a pipe's lines are handed on as they come,
         * so an interactive pipeline is answered line by line */
        ssize_t k;
        do
            k = read(lr->fd, lr->buf, BLOCK);
        while (k < 0 && errno == EINTR);
        if (k < 0)
            return set_error(INCITE_EIO, "read error: %s", strerror(errno));
        lr->end = (size_t)k;
        lr->eof = k == 0;
        return INCITE_OK;
    }
    lr->end = fread(lr->buf, 1, BLOCK, lr->fp);
    if (lr->end == 0) {
        if (ferror(lr->fp))
            return set_error(INCITE_EIO, "read error: %s", strerror(errno ? errno : EIO));
        lr->eof = 1;
    }
    return INCITE_OK;
}

/* Start of the last whole UTF-8 character that fits in s[0..n). */
static size_t utf8_cut(const char *s, size_t n)
{
    size_t i = n;
    for (size_t back = 0; back < 4 && i > 0; back++) {
        unsigned char b = (unsigned char)s[i - 1];
        if (b < 0x80)
            return n;                       /* ASCII: nothing split */
        if (b >= 0xC0) {                    /* a lead byte at i-1 */
            size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            return (n - (i - 1) >= need) ? n : i - 1;
        }
        i--;
    }
    return n;
}

int line_next(line_reader *lr, const char **line, size_t *len, int *truncated)
{
    size_t n = 0;
    int got = 0, cut = 0;
    for (;;) {
        if (lr->pos >= lr->end) {
            if (lr->eof)
                break;
            int rc = refill(lr);
            if (rc)
                return rc;
            if (lr->eof)
                break;
        }
        got = 1;
        const char *start = lr->buf + lr->pos;
        size_t avail = lr->end - lr->pos;
        const char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        size_t room = take;
        if (lr->max_bytes && n + room > lr->max_bytes) {
            room = lr->max_bytes > n ? lr->max_bytes - n : 0;
            cut = 1;
        }
        if (room) {
            if (grow_array(&lr->line, &lr->line_cap, n + room + 1, 1))
                return INCITE_ENOMEM;
            memcpy(lr->line + n, start, room);
            n += room;
        }
        lr->pos += take + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (!got)
        return 0;
    if (grow_array(&lr->line, &lr->line_cap, n + 1, 1))
        return INCITE_ENOMEM;
    if (cut)
        n = utf8_cut(lr->line, n);
    else if (n > 0 && lr->line[n - 1] == '\r')
        n--;
    lr->line[n] = '\0';
    lr->lineno++;
    *line = lr->line;
    *len = n;
    *truncated = cut;
    return 1;
}
