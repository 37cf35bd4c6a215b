/* profile.h - spinner profiles: a spinner's table of keys with the
 * probability that each is replaced and a distribution over its synonyms
 * (docs/profile-format.md). */
#ifndef UNSPIN_PROFILE_H
#define UNSPIN_PROFILE_H

#include <stddef.h>

#include "consistency.h"
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

/* Link i: its key and the key's index. */
void us_profile_link(const unspin_profile *p, size_t i, const char **key, size_t *len,
                     size_t *key_at);

/* What the decoding of one document found of the profiles' keys: where its
 * best paths replaced each key (("", key) pairs), by which synonym ((spun,
 * key) pairs), and where they kept it (("", key) pairs). */
typedef struct us_profile_doc {
  us_pairs replaced, links, kept;
} us_profile_doc;

#define US_PROFILE_DOC_INIT {US_PAIRS_INIT, US_PAIRS_INIT, US_PAIRS_INIT}

void us_profile_doc_clear(us_profile_doc *d);
void us_profile_doc_free(us_profile_doc *d);

/* rho of key `key_index` (a key of length len, text `key`) given the
 * profile's counts and, unless `doc` is NULL, the document's: its
 * replacements and occurrences add to the profile's, so the profile is the
 * prior and the document the data (hard EM over the document; a plain
 * list, without counts, is the document's alone). */
/* log q(spun | k) of link i given the profile's counts and, unless `doc`
 * is NULL, the document's, added as for rho; `spun` is the link's synonym
 * (slen bytes) and `key` its key. */
double us_profile_logq_at(const unspin_profile *p, size_t i, const char *key, size_t klen,
                          const char *spun, size_t slen, const us_profile_doc *doc);

double us_profile_rho_at(const unspin_profile *p, size_t key_index, const char *key, size_t len,
                         const us_profile_doc *doc);

/* In a counted profile, the log-probability of a phrase's words in the
 * source (the originals the profile was learned from), each word's
 * (n_w + G) / (N + G V) from its occurrences n_w among the N words of V
 * kinds, multiplied; NAN in a plain list. */
double us_profile_source_logp(const unspin_profile *p, const char *phrase, size_t len);

/* rho of a key (a normalised phrase): the probability that the spinner
 * replaces an occurrence of it, as us_profile_rho_at; 0 for a phrase that
 * is no key (or a key without synonyms). */
double us_profile_rho(const unspin_profile *p, const char *key, size_t len,
                      const us_profile_doc *doc);

/* Reads a count: a finite number >= 0 filling the field f[0..flen).
 * Returns 0, or -1 when it is not one. */
int us_parse_count(const char *f, size_t flen, double *out);

/* Reads any finite number filling the field, as us_parse_count. */
int us_parse_real(const char *f, size_t flen, double *out);

/* The first lines a learner writes, up to the end of the third (which
 * each learner may extend before its newline). */
#define US_PROFILE_WRITTEN_HEAD                                                                    \
  "# unspin profile 2\n"                                                                          \
  "# key, occurrences, replaced, then synonym and count pairs; tab-separated\n"                   \
  "# (docs/profile-format.md)"

/* Writes `body` to path through PATH.tmp beside it, renamed over path once
 * whole (learned profiles and statistics); an error names the file. */
unspin_status us_write_through(const char *path, const us_buf *body, unspin_error *err);

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
