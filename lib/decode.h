/* decode.h - choosing the likeliest original wording of a sentence. */
#ifndef UNSPIN_DECODE_H
#define UNSPIN_DECODE_H

#include "candidates.h"

/* How many of a word's candidates the decoder scores exactly in the chosen
 * path's context at least (the result keeps them). */
#define US_DECODE_LOCAL_TOP 5

/* The decoder's verdict for one sentence. */
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
  unsigned want;  /* in: the US_DECODE_* wanted besides the path, best and plain */
} us_decision;

#define US_DECODE_SPIN 1u   /* spin, lr_all and local: what a result shows of each word */
#define US_DECODE_LR 2u     /* lr: what the general model's verdict reads */
#define US_DECODE_MARGIN 4u /* all of these for the spans whose chosen edge substitutes:
                               their spin is what restoring reads */

/* Beam search over the candidate lattice of n words, scoring each path by
 * its channel log-weights plus the language model's log-probability of the
 * original words (sentence markers included).  Fills d->edge, d->best and
 * d->plain, and as d->want asks d->spin, d->lr and d->lr_all, which must
 * hold n entries, and d->local, which must hold c->n (what is not wanted
 * stays 0 and -inf).  Returns 0, or -1 when memory runs out. */
int us_decode(const unspin_engine *e, size_t n, const us_cands *c, us_decision *d);

#endif
