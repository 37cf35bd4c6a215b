/* detect.h - how spun a document is, from its words' likelihood ratios
 * (docs/model.md §5). */
#ifndef UNSPIN_DETECT_H
#define UNSPIN_DETECT_H

#include <stddef.h>

/* The maximum-likelihood share pi of substituted words in a two-component
 * mixture over the n words, word i having likelihood ratio exp(lr[i])
 * (substituted : kept), found by EM: pi <- mean(pi LR / (pi LR + 1 - pi)).
 * A NaN lr leaves the word out; -inf (nothing could replace it) counts as
 * kept, +inf as substituted.  0 when no word counts. */
double us_substitution_rate(const double *lr, size_t n);

/* Each word's spin probability, sigma(lr_all + logit(prior)) with the
 * prior max(pi, floor): 0 where lr is NaN (a word that does not count) or
 * lr_all is -inf, 1 where lr_all is +inf. */
void us_spin_probabilities(const double *lr, const double *lr_all, size_t n, double pi,
                           double floor, double *spin);

#endif
