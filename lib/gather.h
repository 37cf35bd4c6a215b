/* gather.h - the statistics a text gives for learning a spinner from spun
 * text alone (spinem.c): the word lists' (spun wording, original) links
 * over it and its phrases counted. */
#ifndef UNSPIN_GATHER_H
#define UNSPIN_GATHER_H

#include <stddef.h>

#include "consistency.h"
#include "engine.h"
#include "result.h"

/* Where a gathering pass reports each span the word lists propose
 * originals for: its spun wording (words joined by single spaces), and the
 * originals with the local language-model log-ratio of each against the
 * span (delta: lm_scale times the log-probability of the original and the
 * next word given the two before, less the same of the spun words).
 * Returns 0, or -1 to stop (memory ran out). */
typedef struct us_gather {
  int (*span)(void *ctx, const char *spun, size_t slen, const char *const *orig,
              const size_t *olen, const double *delta, size_t n);
  void *ctx;
} us_gather;

/* At most this many originals are reported per span, the likeliest in
 * context. */
#define US_GATHER_TOP 8

/* Counts the text's phrases of 1-4 words within a sentence as ("", phrase)
 * pairs added to occ, and adds its counted words to *words.  Returns 0, or
 * -1 when memory runs out. */
int us_count_phrases(const unspin_result *r, us_pairs *occ, size_t *words);

/* Reports to g every span of the text that the word lists (thesauri,
 * flat lists, morphology) propose originals for, and counts its phrases
 * as us_count_phrases does.  Returns 0, or -1 when memory runs out or the
 * text cannot be tokenised. */
int us_engine_gather(const unspin_engine *e, const char *text, size_t len, const us_gather *g,
                     us_pairs *occ, size_t *words);

#endif
