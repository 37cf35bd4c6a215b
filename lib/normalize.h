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

/* Whether s holds an ASCII digit: a number's or a code's ("1st", "G7",
 * "2019"), which spinners leave alone and no word list writes. */
int us_has_digit(const char *s, size_t len);

/* Returns the case shape of the UTF-8 token `s`.  A possessive or
 * contraction ending ('s, 'll, ...) is ignored, so "NATO's" is UPPER. */
unspin_case us_case_shape(const char *s, size_t len);

/* What a word's case says about the word itself: spinners copy the case of
 * what they replace, so "Could" inside a sentence suggests a word that is
 * written capitalised there ("May"). */
typedef enum us_case_evidence {
  US_CASE_EV_NONE,    /* the case says nothing */
  US_CASE_EV_CAPITAL, /* Title case inside a sentence */
  US_CASE_EV_LOWER    /* lower case inside a sentence */
} us_case_evidence;

/* Fills ev[i] for the n words and numbers of one sentence, given their case
 * shapes (unspin_case values): nothing for the first, for UPPER, MIXED and
 * uncased tokens, or for any word of a headline (after the first word, two
 * or more cased words, more than half of them capitalised: "Spy Agency
 * Joins NATO's Cyber Unit"); else Title case is capital evidence where no
 * neighbour but the first word is capitalised too (in a name every word
 * is), nor the word before a short lower-case one ("Board of Estimate"),
 * and lower case is lower evidence. */
void us_case_evidence_of(const uint8_t *shapes, size_t n, uint8_t *ev);

/* Or-ed into a shape given to us_case_evidence_of: the word is at most
 * three bytes long ("of", "the"), which names may hold in lower case. */
#define US_SHAPE_SHORT 0x80

/* The shape to give us_case_evidence_of for a token of case shape `shape`
 * and `len` bytes. */
uint8_t us_evidence_shape(unspin_case shape, size_t len);

/* Appends `s` (a lower-case key) to `out` in the case shape `shape`:
 * TITLE upper-cases the first letter, UPPER every letter; the others copy
 * it as it is.  Returns 0, or -1 when memory runs out or ICU fails. */
int us_apply_case(const char *s, size_t len, unspin_case shape, us_buf *out);

#endif
