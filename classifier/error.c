/*
 * error.c - the library's one error convention.
 *
 * Functions return INCITE_OK or a negative INCITE_E* code and leave a
 * one-line detail in a per-thread buffer, so that scoring threads never
 * overwrite each other's messages.  Nothing here prints.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local char last_error[512];

const char *incite_strerror(int code)
{
    switch (code) {
    case INCITE_OK: return "success";
    case INCITE_ENOMEM: return "out of memory";
    case INCITE_EINVAL: return "invalid argument";
    case INCITE_EIO: return "input/output error";
    case INCITE_EFORMAT: return "malformed data";
    case INCITE_EVERSION: return "unsupported format version";
    case INCITE_ELIMIT: return "resource limit reached";
    case INCITE_ESOLVER: return "solver error";
    default: return "unknown error";
    }
}

const char *incite_last_error(void)
{
    return last_error;
}

int set_error(int code, const char *fmt, ...)
{
    /* formatted aside: an argument may be incite_last_error() itself */
    char detail[sizeof last_error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    memcpy(last_error, detail, sizeof last_error);
    return code;
}

void clear_error(void)
{
    last_error[0] = '\0';
}
