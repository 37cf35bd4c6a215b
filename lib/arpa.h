/* arpa.h - reading a back-off language model in the ARPA text format. */
#ifndef UNSPIN_ARPA_H
#define UNSPIN_ARPA_H

#include <stddef.h>

#include "unspin.h"

/* Called for each n-gram of the model: its words as a normalised key
 * (joined by US_KEY_SEP), its log10 probability and log10 back-off weight
 * (0 where the line has none). */
typedef unspin_status (*us_arpa_fn)(void *ctx, const char *key, size_t len, float logprob,
                                    float backoff);

/* Reads the ARPA file at `path` ("\data\", "ngram N=COUNT" lines, then one
 * "\N-grams:" section per order and "\end\"), calling `fn` for each n-gram
 * in file order.  Words are taken as they are when they are already
 * normalised keys (NFKC case-folded, straight apostrophes); an n-gram with
 * any other word is skipped and counted in *skipped, since two words may
 * share one key.  Stores the model's order in *order.  A malformed line is
 * UNSPIN_ERR_FORMAT with a message naming the file and line and the line's
 * byte offset. */
unspin_status us_arpa_read(const char *path, us_arpa_fn fn, void *ctx, int *order,
                           size_t *skipped, unspin_error *err);

#endif
