/* ngram_text.h - counting the n-grams of sentences by sorting, not hashing.
 *
 * Sentences are held as word ids of a chunk-local vocabulary.  When the
 * chunk is full (or at the end) its vocabulary is ranked in key order, the
 * chunk's positions are sorted by the n-gram that starts at each (a radix
 * sort on the ranks), and every distinct 1..order-gram then comes out in
 * key order with its count, read off the sorted positions: a group of
 * positions sharing an n-word prefix is that n-gram's occurrences.  The
 * n-grams go to a us_counter as one sorted run, so the counter's stream is
 * what adding every n-gram to it one by one would have given. */
#ifndef UNSPIN_NGRAM_TEXT_H
#define UNSPIN_NGRAM_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "ngram_count.h"
#include "unspin.h"

typedef struct us_text_counter us_text_counter;

/* Counts into `sink` (which must outlive it) with chunks of about
 * `memory_limit` bytes. */
unspin_status us_text_counter_new(us_text_counter **out, int order, size_t memory_limit,
                                  us_counter *sink, unspin_error *err);

/* Adds a sentence of `n` keys (normalized words, markers included), key i
 * the NUL-terminated string at keys + starts[i]: its 1..order-grams are
 * counted, none crossing its ends.  A key holding US_KEY_SEP would not
 * sort as its n-grams' keys do, so a sentence with one is added to the sink
 * n-gram by n-gram instead. */
unspin_status us_text_counter_add(us_text_counter *t, const char *keys, const size_t *starts,
                                  size_t n, unspin_error *err);

/* Sorts and writes what the chunk holds (nothing when it is empty). */
unspin_status us_text_counter_flush(us_text_counter *t, unspin_error *err);

/* The n-gram occurrences the chunk holds, not yet in the sink. */
uint64_t us_text_counter_held(const us_text_counter *t);

void us_text_counter_free(us_text_counter *t);

#endif
