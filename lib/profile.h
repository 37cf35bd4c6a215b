/* profile.h - spinner profiles: a spinner's table of keys with the
 * probability that each is replaced and a distribution over its synonyms
 * (docs/profile-format.md). */
#ifndef UNSPIN_PROFILE_H
#define UNSPIN_PROFILE_H

#include <stddef.h>

#include "unspin.h"

/* Keys and synonyms are phrases of 1-4 words. */
#define US_PROFILE_MAX_WORDS 4

/* The priors that turn counts into probabilities (docs/model.md §2):
 * rho = (r + A) / (n + A + B), Jeffreys' Beta(1/2, 1/2); q(s | k) =
 * (c + G) / (r + G m), a symmetric Dirichlet(1/2) over the m synonyms seen
 * (a plain list, without counts, gets the priors' means: rho 1/2, q uniform);
 * and rho at most 1 - EPS (lists are matched imperfectly: a key's occurrence
 * may sit inside another key's). */
#define US_PROFILE_BETA_A 0.5
#define US_PROFILE_BETA_B 0.5
#define US_PROFILE_DIRICHLET 0.5
#define US_PROFILE_EPS 0.01

/* The keys a spinner turns into `spun` (a normalised phrase): returns how
 * many links, the first at *first. */
size_t us_profile_links(const unspin_profile *p, const char *spun, size_t len, size_t *first);

/* Link i: its key; log(rho_k q(spun | k)), the channel's log-probability
 * that the spinner wrote the link's synonym where the key stood; and, in a
 * counted profile and for one word against one word, the log of the
 * source's prior odds of the key to the synonym, log((n_k + G) / (n_s + G))
 * from their occurrences in the originals (NAN otherwise). */
void us_profile_link(const unspin_profile *p, size_t i, const char **key, size_t *len,
                     double *logp, double *odds);

/* rho of a key (a normalised phrase): the probability that the spinner
 * replaces an occurrence of it; 0 for a phrase that is no key. */
double us_profile_rho(const unspin_profile *p, const char *key, size_t len);

/* Iteration over the counts, for merging: keys (sorted) with their
 * occurrences and replacements, and links with their key's index, synonym
 * and count. */
size_t us_profile_nkeys(const unspin_profile *p);
void us_profile_key(const unspin_profile *p, size_t i, const char **key, size_t *len, double *n,
                    double *r);
size_t us_profile_nlinks(const unspin_profile *p);
void us_profile_link_count(const unspin_profile *p, size_t i, size_t *key, const char **syn,
                           size_t *len, double *count);

#endif
