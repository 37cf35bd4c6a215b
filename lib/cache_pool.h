/* cache_pool.h - the engine's pool of word caches: what the word lists give
 * a word depends on the engine alone, so an analysis takes a cache set
 * filled by earlier ones and gives it back.  Thread-safe; the sets stay
 * under a size cap, so memory is flat over a stream of documents. */
#ifndef UNSPIN_CACHE_POOL_H
#define UNSPIN_CACHE_POOL_H

#include "candidates.h"

/* A set is emptied when it is given back holding more than this. */
#define US_CACHE_SET_MAX_BYTES ((size_t)32 << 20)

typedef struct us_cache_pool us_cache_pool;

/* A new, empty pool, or NULL when memory runs out. */
us_cache_pool *us_cache_pool_new(void);
void us_cache_pool_free(us_cache_pool *p);

/* A set no other thread holds (a new one if none is free), or NULL when
 * memory runs out. */
us_word_caches *us_cache_pool_take(us_cache_pool *p);
/* Gives a set back (emptied if it is over the cap); NULL is ignored. */
void us_cache_pool_give(us_cache_pool *p, us_word_caches *c);
/* Empties every set: the engine changed.  Not while analyses run. */
void us_cache_pool_clear(us_cache_pool *p);

#endif
