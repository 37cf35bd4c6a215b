/* intern.h - a pool of distinct strings, each with a dense index.
 *
 * The strings lie one after another in `pool` (no separators), string i at
 * [off[i], off[i + 1]); an open-addressing table on us_word_hash finds a
 * string's index. */
#ifndef UNSPIN_INTERN_H
#define UNSPIN_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "buffer.h"

typedef struct us_intern {
  us_buf pool;
  uint32_t *off; /* n + 1 offsets into pool */
  size_t n, off_cap;
  uint32_t *slot; /* index + 1, 0 empty */
  size_t nslots;
} us_intern;

#define US_INTERN_INIT {US_BUF_INIT, NULL, 0, 0, NULL, 0}

/* The index of `s`, added if new; -1 when memory runs out or the pool
 * would pass 4 GiB. */
int64_t us_intern_add(us_intern *in, const char *s, size_t len);

static inline const char *us_intern_str(const us_intern *in, size_t i, size_t *len) {
  *len = in->off[i + 1] - in->off[i];
  return in->pool.data + in->off[i];
}

/* Empties the pool, keeping its memory. */
void us_intern_clear(us_intern *in);

/* Bytes held: the pool, the offsets and the table. */
size_t us_intern_size(const us_intern *in);

void us_intern_free(us_intern *in);

#endif
