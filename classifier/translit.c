/*
 * translit.c - a light romanization of Devanagari and Gurmukhi words, the
 * way Hinglish and romanized Punjabi write them (मारो -> maro, गद्दार ->
 * gaddar, ਮਾਰ -> mar), so that a word and its romanized spelling share
 * features.  Light on purpose: long vowels written single (ा -> a, ी -> i),
 * the inherent a dropped at the end of a word, nuktas as their borrowed
 * sounds (ज़ -> z, फ़ -> f).  The two blocks share Unicode's ISCII-derived
 * layout, so one table serves both.
 */
#include <string.h>

#include "internal.h"
#include "utf8.h"

enum { CONS = 1, VOWEL, SIGN, VIRAMA, NUKTA, NASAL, DIGIT, GEMINATE };

typedef struct letter {
    unsigned char type;
    char latin[4];
} letter;

/* Indexed by code point - block start (0x900 or 0xA00). */
static const letter table[0x80] = {
    [0x01] = {NASAL, "n"}, [0x02] = {NASAL, "n"}, [0x03] = {SIGN, "h"},
    [0x05] = {VOWEL, "a"}, [0x06] = {VOWEL, "a"}, [0x07] = {VOWEL, "i"}, [0x08] = {VOWEL, "i"},
    [0x09] = {VOWEL, "u"}, [0x0A] = {VOWEL, "u"}, [0x0B] = {VOWEL, "ri"}, [0x0F] = {VOWEL, "e"},
    [0x10] = {VOWEL, "ai"}, [0x13] = {VOWEL, "o"}, [0x14] = {VOWEL, "au"},
    [0x15] = {CONS, "k"}, [0x16] = {CONS, "kh"}, [0x17] = {CONS, "g"}, [0x18] = {CONS, "gh"},
    [0x19] = {CONS, "n"}, [0x1A] = {CONS, "ch"}, [0x1B] = {CONS, "chh"}, [0x1C] = {CONS, "j"},
    [0x1D] = {CONS, "jh"}, [0x1E] = {CONS, "n"}, [0x1F] = {CONS, "t"}, [0x20] = {CONS, "th"},
    [0x21] = {CONS, "d"}, [0x22] = {CONS, "dh"}, [0x23] = {CONS, "n"}, [0x24] = {CONS, "t"},
    [0x25] = {CONS, "th"}, [0x26] = {CONS, "d"}, [0x27] = {CONS, "dh"}, [0x28] = {CONS, "n"},
    [0x2A] = {CONS, "p"}, [0x2B] = {CONS, "ph"}, [0x2C] = {CONS, "b"}, [0x2D] = {CONS, "bh"},
    [0x2E] = {CONS, "m"}, [0x2F] = {CONS, "y"}, [0x30] = {CONS, "r"}, [0x32] = {CONS, "l"},
    [0x33] = {CONS, "l"}, [0x35] = {CONS, "v"}, [0x36] = {CONS, "sh"}, [0x37] = {CONS, "sh"},
    [0x38] = {CONS, "s"}, [0x39] = {CONS, "h"},
    [0x3C] = {NUKTA, ""},
    /* consonants with their nukta in one code point (NFKC splits most) */
    [0x58] = {CONS, "q"}, [0x59] = {CONS, "kh"}, [0x5A] = {CONS, "g"}, [0x5B] = {CONS, "z"},
    [0x5C] = {CONS, "r"}, [0x5D] = {CONS, "rh"}, [0x5E] = {CONS, "f"}, [0x5F] = {CONS, "y"},
    [0x3E] = {SIGN, "a"}, [0x3F] = {SIGN, "i"}, [0x40] = {SIGN, "i"}, [0x41] = {SIGN, "u"},
    [0x42] = {SIGN, "u"}, [0x43] = {SIGN, "ri"}, [0x47] = {SIGN, "e"}, [0x48] = {SIGN, "ai"},
    [0x4B] = {SIGN, "o"}, [0x4C] = {SIGN, "au"}, [0x4D] = {VIRAMA, ""},
    [0x66] = {DIGIT, "0"}, [0x67] = {DIGIT, "1"}, [0x68] = {DIGIT, "2"}, [0x69] = {DIGIT, "3"},
    [0x6A] = {DIGIT, "4"}, [0x6B] = {DIGIT, "5"}, [0x6C] = {DIGIT, "6"}, [0x6D] = {DIGIT, "7"},
    [0x6E] = {DIGIT, "8"}, [0x6F] = {DIGIT, "9"},
    [0x70] = {NASAL, "n"},     /* Gurmukhi tippi */
    [0x71] = {GEMINATE, ""},   /* Gurmukhi addak: doubles the next consonant */
};

/* From feature format 3: the candra vowels of English loanwords (मॉब,
 * डॉक्टर, कॉलेज), short e and o, ऩ, ऱ and ॐ, which format 2 left without a
 * romanization (the word had none).  Unassigned in Gurmukhi. */
static const letter table3[0x80] = {
    [0x0D] = {VOWEL, "e"}, [0x0E] = {VOWEL, "e"}, [0x11] = {VOWEL, "o"}, [0x12] = {VOWEL, "o"},
    [0x29] = {CONS, "n"}, [0x31] = {CONS, "r"},
    [0x45] = {SIGN, "e"}, [0x46] = {SIGN, "e"}, [0x49] = {SIGN, "o"}, [0x4A] = {SIGN, "o"},
    [0x50] = {VOWEL, "om"},
};

/* A consonant followed by a nukta: the sound it borrows. */
static const char *nukta_sound(unsigned idx)
{
    switch (idx) {
    case 0x15: return "q";
    case 0x16: return "kh";
    case 0x17: return "g";
    case 0x1C: return "z";
    case 0x21: return "r";
    case 0x22: return "rh";
    case 0x2B: return "f";
    case 0x2F: return "y";
    case 0x38: return "sh";   /* Gurmukhi ਸ਼ */
    case 0x32: return "l";
    default: return NULL;
    }
}

size_t translit_indic(const char *s, size_t n, char *out, uint32_t format)
{
    size_t k = 0;
    int pending_a = 0, geminate = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        i += utf8_next(u + i, &cp);
        unsigned base = cp >= 0x900 && cp < 0x980 ? 0x900u : cp >= 0xA00 && cp < 0xA80 ? 0xA00u : 0;
        if (!base)
            return 0;   /* not an Indic-only word: no romanized twin */
        unsigned idx = (unsigned)cp - base;
        const letter *l = &table[idx];
        if (!l->type && format >= 3 && base == 0x900)
            l = &table3[idx];
        switch (l->type) {
        case CONS: {
            if (pending_a)
                out[k++] = 'a';
            const char *lat = l->latin;
            if (i < n) {   /* a nukta right after changes the sound */
                int32_t next;
                size_t w = utf8_next(u + i, &next);
                if ((unsigned)next - base == 0x3C && nukta_sound(idx)) {
                    lat = nukta_sound(idx);
                    i += w;
                }
            }
            size_t ll = strlen(lat);
            if (geminate) {
                out[k++] = lat[0];
                geminate = 0;
            }
            memcpy(out + k, lat, ll);
            k += ll;
            pending_a = 1;
            break;
        }
        case SIGN:
        case VOWEL:
        case NASAL:
        case DIGIT: {
            if (l->type != SIGN && l->type != NASAL && pending_a)
                out[k++] = 'a';
            if (l->type == NASAL && pending_a)
                out[k++] = 'a';
            size_t ll = strlen(l->latin);
            memcpy(out + k, l->latin, ll);
            k += ll;
            pending_a = 0;
            break;
        }
        case VIRAMA:
            pending_a = 0;
            break;
        case GEMINATE:
            if (pending_a)
                out[k++] = 'a';
            pending_a = 0;
            geminate = 1;
            break;
        case NUKTA:
            break;
        default:
            return 0;   /* a code point outside the table */
        }
    }
    /* schwa deletion: a word's last inherent a is silent (मार -> mar) */
    out[k] = '\0';
    return k;
}
