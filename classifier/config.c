/*
 * config.c - defaults and bounds of the feature configuration.
 *
 * The defaults are the figures measured on the development sets (see
 * README.md "How the core works"); every model stores its own copy, so
 * changing a default here never changes an existing model's features.
 */
#include "internal.h"

void incite_config_default(incite_config *c)
{
    *c = (incite_config){
        .format = INCITE_FEATURE_FORMAT,
        .normalize = INCITE_NORM_DEFAULT,
        .tokenize = INCITE_TOK_DEFAULT,
        .fold = INCITE_FOLD_ALL,
        .word_min = 1, .word_max = 2,
        .char_min = 2, .char_max = 5,
        .hash_bits = 18,
        .signed_hash = 1,
        .sublinear_tf = 1,
        .target_cross = 0,
        .hash_seed = 0x1c17e5u,
        .min_df = 2,
    };
}

int incite_config_check(const incite_config *c)
{
    if (!c)
        return set_error(INCITE_EINVAL, "no configuration");
    if (c->format == 0 || c->format > INCITE_FEATURE_FORMAT)
        return set_error(INCITE_EVERSION, "feature format %u is not supported (this build reads 1 to %u)",
                         c->format, INCITE_FEATURE_FORMAT);
    if (c->normalize & ~(uint32_t)INCITE_NORM_DEFAULT)
        return set_error(INCITE_EINVAL, "unknown normalization flags 0x%x", c->normalize);
    if (c->tokenize & ~(uint32_t)INCITE_TOK_DEFAULT)
        return set_error(INCITE_EINVAL, "unknown tokenization flags 0x%x", c->tokenize);
    if (c->fold & ~(uint32_t)INCITE_FOLD_ALL)
        return set_error(INCITE_EINVAL, "unknown folding flags 0x%x", c->fold);
    if (c->word_max > 4 || (c->word_max && (c->word_min < 1 || c->word_min > c->word_max)))
        return set_error(INCITE_EINVAL, "word n-gram range %u-%u: want 1 <= min <= max <= 4, or max 0 for none",
                         c->word_min, c->word_max);
    if (c->char_max > 8 || (c->char_max && (c->char_min < 1 || c->char_min > c->char_max)))
        return set_error(INCITE_EINVAL, "char n-gram range %u-%u: want 1 <= min <= max <= 8, or max 0 for none",
                         c->char_min, c->char_max);
    if (!c->word_max && !c->char_max)
        return set_error(INCITE_EINVAL, "no features: both n-gram ranges are empty");
    if (c->hash_bits < 8 || c->hash_bits > 26)
        return set_error(INCITE_EINVAL, "hash bits %u: want 8 to 26", c->hash_bits);
    if (c->signed_hash > 1 || c->sublinear_tf > 1 || c->target_cross > 1)
        return set_error(INCITE_EINVAL, "a boolean configuration field is neither 0 nor 1");
    return INCITE_OK;
}

unsigned incite_config_groups(const incite_config *c)
{
    return c->target_cross ? 4u : 2u;
}

uint32_t incite_config_dimension(const incite_config *c)
{
    return (uint32_t)incite_config_groups(c) << c->hash_bits;
}
