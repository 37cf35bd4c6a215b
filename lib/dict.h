/* dict.h - internal view of an opened phrase dictionary. */
#ifndef UNSPIN_DICT_H
#define UNSPIN_DICT_H

#include "dict_format.h"
#include "thesaurus.h"
#include "unspin.h"

/* Returns the id of the normalised word `key`, or -1 if unknown. */
int64_t us_dict_word_id(const unspin_dict *d, const char *key, size_t len);

/* Looks up an n-gram given as word ids; returns 0 and fills `stats`, or -1
 * (with `stats` zeroed) if it is absent. */
int us_dict_lookup_ids(const unspin_dict *d, const uint32_t *ids, size_t n,
                       unspin_ngram_stats *stats);

/* What entry `at` of level n - 1 (an n-gram; n >= 1) holds, as
 * us_dict_lookup_ids gives it (zeros for an entry out of range). */
void us_dict_node_stats(const unspin_dict *d, size_t n, uint64_t at, unspin_ngram_stats *stats);

/* In a back-off model (US_DICT_BACKOFF): entry `at` of level n - 1's log10
 * probability and log10 back-off weight (zeros out of range). */
void us_dict_node_backoff(const unspin_dict *d, size_t n, uint64_t at, float *logprob,
                          float *backoff);

/* The one-word extensions of the n-gram `ids`: entries [lo, hi) of level
 * n (0-based, so they are (n+1)-grams), read with us_dict_extension.
 * Returns -1 (and an empty range) if the n-gram is absent. */
int us_dict_extensions(const unspin_dict *d, const uint32_t *ids, size_t n, uint64_t *lo,
                       uint64_t *hi);
void us_dict_extension(const unspin_dict *d, size_t n, uint64_t i, uint32_t *word,
                       uint64_t *count);

/* Walking the trie by entry: a unigram's entry at level 0 is its word id;
 * entries [lo, hi) of level n + 1 extend entry i of level n (empty past the
 * dictionary's order), and us_dict_child finds the one that adds `word`
 * (returns -1 if none does). */
void us_dict_children(const unspin_dict *d, int n, uint64_t i, uint64_t *lo, uint64_t *hi);
int us_dict_child(const unspin_dict *d, int n, uint64_t i, uint32_t word, uint64_t *at);

/* The bytes of word `id` (not NUL-terminated). */
const char *us_dict_word(const unspin_dict *d, uint32_t id, size_t *len);

/* Calls `fn` for every stored n-gram in ascending key order with the key
 * (tokens joined by US_KEY_SEP) and its count, up to length `max_order`.
 * Stops and returns the first non-OK status `fn` returns. */
typedef unspin_status (*us_dict_visit_fn)(void *ctx, const char *key, size_t len,
                                          uint64_t count);
unspin_status us_dict_visit(const unspin_dict *d, int max_order, us_dict_visit_fn fn, void *ctx);

/* An original wording the thesaurus offers for a spun phrase. */
typedef struct us_original {
  const char *text; /* normalised words joined by single spaces; not NUL-terminated */
  size_t len;
  us_relation relation;
  int forward;     /* the pair runs from headword to term */
  unsigned fanout; /* terms the headword offers in all: a spinner picks one */
} us_original;

/* Finds the thesaurus pairs whose spun side is `spun` (a normalised
 * phrase); returns how many and stores the index of the first in *first. */
size_t us_dict_originals(const unspin_dict *d, const char *spun, size_t len, size_t *first);
void us_dict_original(const unspin_dict *d, size_t i, us_original *out);

/* Whether some thesaurus phrase may begin with `word` and a space: 0 only
 * when none does. */
int us_dict_phrases_begin(const unspin_dict *d, const char *word, size_t len);

/* Number of distinct words. */
uint64_t us_dict_vocab_size(const unspin_dict *d);

/* The absolute discount for n-grams of length n, from the count-of-counts
 * of raw counts or (continuation != 0) of left_types. */
double us_dict_discount(const unspin_dict *d, int n, int continuation);

/* All pairs, for merging. */
size_t us_dict_thesaurus_size(const unspin_dict *d);

/* Whether the dictionary has case counts (dictionaries built before them
 * have none). */
int us_dict_has_case(const unspin_dict *d);

/* How often word `id` was written capitalised and in lower case where its
 * case is evidence (us_case_evidence_of); zeros without case counts. */
void us_dict_case(const unspin_dict *d, uint32_t id, uint32_t *capital, uint32_t *lower);

/* The same summed over all words. */
void us_dict_case_totals(const unspin_dict *d, uint64_t *capital, uint64_t *lower);
void us_dict_thesaurus_pair(const unspin_dict *d, size_t i, const char **from, size_t *flen,
                            us_original *to);

#endif
