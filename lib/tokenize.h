/* tokenize.h - word and sentence segmentation with ICU. */
#ifndef UNSPIN_TOKENIZE_H
#define UNSPIN_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>

#include "unspin.h"

/* Inputs are limited so that byte offsets fit ICU's 32-bit indexes. */
#define US_MAX_INPUT ((size_t)INT32_MAX)

typedef struct us_token {
  uint32_t start, end; /* byte span in the input */
  uint32_t sentence;   /* index of the sentence, from 0 */
  uint8_t kind;        /* unspin_token_kind */
} us_token;

typedef struct us_tokens {
  us_token *v;
  size_t n, cap;
  size_t sentences;
} us_tokens;

/* Segments `text` into tokens without copying it: ICU word boundaries, then
 * hyphen compounds ("live-fire") and dotted abbreviations ("U.S.") joined
 * into one word.  Whitespace is not a token.  Sentences come from ICU's
 * sentence iterator with the standard English abbreviation suppressions
 * ("Prof.", "Mr."), and a line break always ends a sentence.  Invalid UTF-8
 * bytes become OTHER tokens.  `out` must be zeroed or reused; on failure it
 * is left empty. */
unspin_status us_tokenize(const char *text, size_t len, us_tokens *out, unspin_error *err);

void us_tokens_free(us_tokens *t);

/* True when the token is counted in phrase dictionaries (words, numbers). */
static inline int us_token_counts(const us_token *t) {
  return t->kind == UNSPIN_TOKEN_WORD || t->kind == UNSPIN_TOKEN_NUMBER;
}

#endif
