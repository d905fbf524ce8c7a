/*
 * script.c - which writing system a post is in, for incite-eval
 * --by-script: Latin, Devanagari, Gurmukhi, another, or a mix.  A post is
 * in a script when at least 80% of its letters are; a post with letters of
 * several scripts and no such majority is mixed.
 */
#include <utf8proc.h>

#include "internal.h"
#include "utf8.h"

static const char *const names[] = {
    [INCITE_SCRIPT_NONE] = "none",         [INCITE_SCRIPT_LATIN] = "latin",
    [INCITE_SCRIPT_DEVANAGARI] = "devanagari", [INCITE_SCRIPT_GURMUKHI] = "gurmukhi",
    [INCITE_SCRIPT_OTHER] = "other",       [INCITE_SCRIPT_MIXED] = "mixed",
};

const char *incite_script_name(incite_script s)
{
    return (unsigned)s <= INCITE_SCRIPT_MIXED ? names[s] : "?";
}

static incite_script script_of_cp(int32_t cp)
{
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0x24F) ||
        (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0xFF21 && cp <= 0xFF5A))
        return INCITE_SCRIPT_LATIN;
    if ((cp >= 0x900 && cp <= 0x97F) || (cp >= 0xA8E0 && cp <= 0xA8FF))
        return INCITE_SCRIPT_DEVANAGARI;
    if (cp >= 0xA00 && cp <= 0xA7F)
        return INCITE_SCRIPT_GURMUKHI;
    return INCITE_SCRIPT_OTHER;
}

incite_script incite_script_of(const char *text, size_t len)
{
    size_t count[INCITE_SCRIPT_MIXED] = {0}, letters = 0;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        int bad;
        i += utf8_decode(s + i, len - i, &cp, &bad);
        utf8proc_category_t c = utf8proc_category(cp);
        int letter = c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
        /* Indic vowel signs are marks, but they are the script's letters too */
        if (!letter && (c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC) &&
            script_of_cp(cp) != INCITE_SCRIPT_OTHER)
            letter = 1;
        if (!letter)
            continue;
        count[script_of_cp(cp)]++;
        letters++;
    }
    if (letters == 0)
        return INCITE_SCRIPT_NONE;
    for (int k = INCITE_SCRIPT_LATIN; k < INCITE_SCRIPT_MIXED; k++)
        if (count[k] * 5 >= letters * 4)
            return (incite_script)k;
    return INCITE_SCRIPT_MIXED;
}
