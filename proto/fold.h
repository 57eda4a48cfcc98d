/*
 * Folding text for search: one rule, applied to every indexed text and to
 * every query, so that what people type meets what areas wrote. Letters
 * are lower-cased and lose their accents, Danish letters become the
 * spellings Danes use without them (æ -> ae, ø -> oe, å -> aa, so that
 * "Aabenraa" and "Åbenrå" meet), ä/ö/ü become ae/oe/ue, and anything that
 * is not a letter or digit becomes a space. Precomposed and decomposed
 * input (å as U+00E5 or as a + U+030A) fold alike. Pure: no I/O, no
 * allocation but tv_fold's result.
 */
#ifndef TVAERS_PROTO_FOLD_H
#define TVAERS_PROTO_FOLD_H

#include <stdbool.h>
#include <stddef.h>

/* Changes whenever the folding rule does: a search index built with another
 * version must be rebuilt, since it could not delete its own entries. */
#define TV_FOLD_VERSION 1
/* The most bytes one unit folds into. */
#define TV_FOLD_UNIT_MAX 16

/*
 * Folds the unit (one code point and the combining marks after it) at
 * s[*pos] into out, moves *pos past it and returns the bytes written: the
 * folded letters, or one space for a unit that is not part of a word
 * (*out_is_word false). Invalid UTF-8 is one byte long and not a word.
 * Requires *pos < len.
 */
size_t tv_fold_unit(const char *s, size_t len, size_t *pos,
    char out[static TV_FOLD_UNIT_MAX], bool *out_is_word);
/*
 * Folds len bytes of s into a new NUL-terminated string (caller frees with
 * free()), with runs of spaces squeezed to one. Returns 0 or TV_ENOMEM.
 */
int tv_fold(const char *s, size_t len, char **out, size_t *out_len);

#endif
