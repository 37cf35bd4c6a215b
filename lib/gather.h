/* gather.h - the statistics a text gives for learning a spinner from spun
 * text alone (spinem.c): the word lists' (spun wording, original) links
 * over it and its phrases counted. */
#ifndef UNSPIN_GATHER_H
#define UNSPIN_GATHER_H

#include <stddef.h>

#include "consistency.h"
#include "engine.h"
#include "result.h"

/* Counts the text's phrases of 1-4 words within a sentence as ("", phrase)
 * pairs added to occ, and adds its counted words to *words.  Returns 0, or
 * -1 when memory runs out. */
int us_count_phrases(const unspin_result *r, us_pairs *occ, size_t *words);

/* Adds the (spun wording, original) pairs that the word lists (thesauri,
 * flat lists, morphology) propose over the text to links, and counts its
 * phrases as us_count_phrases does.  Returns 0, or -1 when memory runs out
 * or the text cannot be tokenised. */
int us_engine_gather(const unspin_engine *e, const char *text, size_t len, us_pairs *links,
                     us_pairs *occ, size_t *words);

#endif
