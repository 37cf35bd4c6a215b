/* decode.h - choosing the likeliest original wording of a sentence. */
#ifndef UNSPIN_DECODE_H
#define UNSPIN_DECODE_H

#include "candidates.h"

/* The decoder's verdict for one sentence. */
/* How many of a word's candidates the decoder scores exactly in the chosen
 * path's context at least (the result keeps them). */
#define US_DECODE_LOCAL_TOP 5

typedef struct us_decision {
  int32_t *edge;  /* [n]: candidate chosen at the span starting at word i, or -1 inside a span */
  double *spin;   /* [n]: probability that word i was substituted, under the channel's prior */
  double *lr;     /* [n]: log likelihood ratio substituted : kept for word i by the word-list
                     sources, prior removed (-inf where nothing could replace it) */
  double *lr_all; /* [n]: the same over every source, context fillers included */
  double *local;  /* [candidates]: score of each candidate in the chosen path's context, or
                     -inf where it does not compete with the chosen edge (another length),
                     or where it is below the US_DECODE_LOCAL_TOP best at its word and
                     changes neither the margin nor the likelihood ratios */
  double best;    /* the best path's score: channel plus scaled language model, </s> included */
  double plain;   /* the scaled language model's score of the words as they are */
} us_decision;

/* Beam search over the candidate lattice of n words, scoring each path by
 * its channel log-weights plus the language model's log-probability of the
 * original words (sentence markers included).  Fills d->edge and d->spin,
 * which must hold n entries, and d->local, which must hold c->n.  Returns 0, or -1 when memory runs out. */
int us_decode(const unspin_engine *e, size_t n, const us_cands *c, us_decision *d);

#endif
