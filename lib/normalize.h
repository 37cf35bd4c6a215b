/* normalize.h - lookup keys and case shapes of tokens. */
#ifndef UNSPIN_NORMALIZE_H
#define UNSPIN_NORMALIZE_H

#include "buffer.h"
#include "unspin.h"

/* Appends the lookup key of the UTF-8 token `s` to `out`: NFKC_Casefold,
 * then apostrophe-like characters to ', double quotes to ", and hyphen and
 * en-dash variants to -.  Invalid UTF-8 becomes U+FFFD.  Returns 0, or -1
 * when memory runs out or ICU fails. */
int us_normalize_key(const char *s, size_t len, us_buf *out);

/* Normalises a phrase word by word (words split at spaces) into `out`,
 * cleared first, joined by single spaces; returns the number of words, or
 * -1 when memory runs out. */
int us_normalize_phrase(const char *s, size_t len, us_buf *out);

/* Returns the case shape of the UTF-8 token `s`.  A possessive or
 * contraction ending ('s, 'll, ...) is ignored, so "NATO's" is UPPER. */
unspin_case us_case_shape(const char *s, size_t len);

/* Appends `s` (a lower-case key) to `out` in the case shape `shape`:
 * TITLE upper-cases the first letter, UPPER every letter; the others copy
 * it as it is.  Returns 0, or -1 when memory runs out or ICU fails. */
int us_apply_case(const char *s, size_t len, unspin_case shape, us_buf *out);

#endif
