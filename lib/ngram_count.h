/* ngram_count.h - counting byte-string keys in bounded memory.
 *
 * Keys are added with counts into a hash table.  When the table and its key
 * storage reach the memory limit they are sorted and spilled to a temporary
 * file as a run; runs already sorted elsewhere (ngram_text.c) can be added
 * too.  At the end the runs and the table are merged into one sorted stream
 * of distinct keys with their summed counts.  Without a run the stream comes
 * straight from memory.  Whenever US_MERGE_FANIN runs of one tier exist they
 * are merged into one run of the next tier, so few files are ever open. */
#ifndef UNSPIN_NGRAM_COUNT_H
#define UNSPIN_NGRAM_COUNT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "unspin.h"

#define US_MERGE_FANIN 64

typedef struct us_counter us_counter;

unspin_status us_counter_new(us_counter **out, size_t memory_limit, const char *temp_dir,
                             unspin_error *err);

/* Adds `count` to `key`.  Keys are compared as bytes; shorter sorts first. */
unspin_status us_counter_add(us_counter *c, const char *key, size_t len, uint64_t count,
                             unspin_error *err);

/* Adds a run of keys that arrive in ascending us_key_cmp order, each at
 * most once: it is written straight to a temporary file as a sorted run
 * and summed with everything else added when the stream is merged.  One
 * run is open at a time; us_counter_add may be called meanwhile. */
unspin_status us_counter_run_begin(us_counter *c, unspin_error *err);
unspin_status us_counter_run_put(us_counter *c, const char *key, size_t len, uint64_t count,
                                 unspin_error *err);
unspin_status us_counter_run_end(us_counter *c, unspin_error *err);

/* Sets the memory limit of the hash table (from the next key added on). */
void us_counter_set_limit(us_counter *c, size_t memory_limit);

/* Ends counting; the stream can then be read, and read again after
 * us_counter_rewind. */
unspin_status us_counter_finish(us_counter *c, unspin_error *err);
unspin_status us_counter_rewind(us_counter *c, unspin_error *err);

/* Reads the next key in ascending order: 1 with a record (the key stays
 * valid until the next call), 0 at the end, -1 on error (see `err`). */
int us_counter_next(us_counter *c, const char **key, size_t *len, uint64_t *count,
                    unspin_error *err);

/* Number of runs spilled to disk so far. */
size_t us_counter_spills(const us_counter *c);
/* The occurrences added so far (the counts summed). */
uint64_t us_counter_added(const us_counter *c);

void us_counter_free(us_counter *c);

/* Compares keys as unsigned bytes, a proper prefix first. */
int us_key_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* Opens an anonymous read-write temporary file in `dir` (NULL: $TMPDIR or
 * /tmp); it is unlinked at once, so it disappears when closed. */
FILE *us_temp_file(const char *dir, unspin_error *err);

#endif
